"""The azure-openai collector over Azure's documented ARM bodies (tests/data/azure-openai).

The variations (a deployment on the example's custom RAI policy, keys disabled, a private account, a
global deployment) are made from the documented bodies in code, so each test shows what changed.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.assessment import assess
from aisma.collectors.azure_openai import collector
from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.run import collect_workspace, run_collector
from aisma.errors import AismaError
from aisma.workspace.loader import assessment_input, open_workspace
from collectors.reading import each_skipped, one

DATA = Path(__file__).parent.parent / "data" / "azure-openai"
AT = datetime(2026, 11, 20, tzinfo=UTC)
ACCOUNT = (
    "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/resourceGroupName/providers/"
    "Microsoft.CognitiveServices/accounts/accountName"
)


def body(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def evidence(root: Path, **overrides: Any) -> list[Path]:
    """The documented files under ``root``, dated 2026-11-19 by name; ``overrides`` replace a body by stem."""
    root.mkdir(parents=True, exist_ok=True)
    out = []
    for source in sorted(DATA.glob("*.json")):
        key = source.stem.replace("-", "_")
        if key in overrides and overrides[key] is None:
            continue
        target = root / f"{source.stem}-2026-11-19.json"
        if key in overrides:
            target.write_text(json.dumps(overrides[key]))
        else:
            shutil.copy(source, target)
        out.append(target)
    return out


def collect(paths: list[Path], **settings: Any) -> CollectionResult:
    return run_collector(collector(), paths, CollectContext(assessed_at=AT, settings=settings))


def test_documented_account_and_deployments(tmp_path: Path) -> None:
    paths = evidence(tmp_path)
    result = collect(paths)
    assert result.unreadable == ()
    guardrails = one(result, "platform.guardrails.checks_ratio")
    # ada names no policy (the example omits raiPolicyName): not judged as filtered; text-davinci-003
    # uses Microsoft.Default, which blocks the four harm categories both ways.
    assert (guardrails.numerator, guardrails.denominator) == (1, 2)
    assert guardrails.details == (
        "accountName/deploymentName ((none named)): content filter policy (none named) not found among the policies read",
    )
    assert guardrails.source.sha256 == sha256_of(tmp_path / "deployments-2026-11-19.json")
    assert guardrails.observed_at == datetime(2026, 11, 19, tzinfo=UTC)
    # Microsoft.Default has no prompt shield.
    prompt = one(result, "platform.guardrails.prompt_attack_filter_ratio")
    assert (prompt.numerator, prompt.denominator) == (0, 2)
    # Both deployments are Standard: one region.
    redundancy = one(result, "platform.endpoints.redundancy_ratio")
    assert (redundancy.numerator, redundancy.denominator) == (0, 2)
    assert "accountName/text-davinci-003: Standard deployment is served from one region" in redundancy.details
    # The account: keys on, public access on, Audit and RequestResponse sent to a workspace.
    assert one(result, "platform.identity.pass_ratio").numerator == 0
    network = one(result, "platform.network.isolation_ratio")
    assert network.details == ("accountName: public network access enabled (0 approved private endpoint(s))",)
    logging = one(result, "platform.invocation_logging_ratio")
    assert (logging.numerator, logging.denominator) == (1, 1)
    assert Path(logging.source.file).name == "accounts-2026-11-19.json"


def test_the_custom_policy_of_the_example_is_resolved(tmp_path: Path) -> None:
    """The example policy: hate on prompts disabled, asynchronous mode, jailbreak blocking."""
    deployments = body("deployments.json")
    deployments[0]["properties"]["raiPolicyName"] = "raiPolicyName"
    result = collect(evidence(tmp_path, deployments=deployments))
    guardrails = one(result, "platform.guardrails.checks_ratio")
    assert guardrails.details[0] == (
        "accountName/deploymentName (raiPolicyName): hate on prompt not blocking; "
        "asynchronous filter mode (completions reach the caller before filtering)"
    )
    prompt = one(result, "platform.guardrails.prompt_attack_filter_ratio")
    assert (prompt.numerator, prompt.denominator) == (1, 2)
    assert any("indirect attack filter) is off in raiPolicyName" in w for w in result.warnings)
    # Without the policies file the policy is unknown, and fails rather than passing unseen.
    result = collect(evidence(tmp_path / "no-policies", deployments=deployments, rai_policies=None))
    assert one(result, "platform.guardrails.prompt_attack_filter_ratio").numerator == 0


def test_a_hardened_account_passes(tmp_path: Path) -> None:
    accounts = body("accounts.json")
    props = accounts[0]["properties"]
    props.update(publicNetworkAccess="Disabled", disableLocalAuth=True)
    props["privateEndpointConnections"] = [
        {
            "id": f"{ACCOUNT}/privateEndpointConnections/pe1",
            "properties": {"privateLinkServiceConnectionState": {"status": "Approved"}},
        }
    ]
    deployments = body("deployments.json")
    for d in deployments:
        d["sku"]["name"] = "GlobalStandard"
        d["properties"]["raiPolicyName"] = "Microsoft.DefaultV2"
    result = collect(evidence(tmp_path, accounts=accounts, deployments=deployments))
    for metric in (
        "platform.guardrails.checks_ratio",
        "platform.guardrails.prompt_attack_filter_ratio",
        "platform.endpoints.redundancy_ratio",
        "platform.identity.pass_ratio",
        "platform.network.isolation_ratio",
        "platform.invocation_logging_ratio",
    ):
        measured = one(result, metric)
        assert measured.numerator == measured.denominator and measured.details == (), metric


def test_logging_needs_both_categories_and_a_destination(tmp_path: Path) -> None:
    diag = body("diagnostic-settings.json")
    diag["value"][0]["properties"]["logs"][1]["enabled"] = False
    result = collect(evidence(tmp_path, diagnostic_settings=diag))
    assert one(result, "platform.invocation_logging_ratio").details == ("accountName: RequestResponse not logged",)
    # A category group covers its categories; the newer CLI prints a bare array.
    diag = body("diagnostic-settings.json")["value"]
    diag[0]["properties"]["logs"] = [{"category": None, "categoryGroup": "allLogs", "enabled": True}]
    result = collect(evidence(tmp_path / "group", diagnostic_settings=diag))
    assert one(result, "platform.invocation_logging_ratio").numerator == 1
    diag[0]["properties"]["workspaceId"] = None
    result = collect(evidence(tmp_path / "nowhere", diagnostic_settings=diag))
    assert one(result, "platform.invocation_logging_ratio").details == (
        "accountName: Audit, RequestResponse not logged",
    )
    result = collect(evidence(tmp_path / "none", diagnostic_settings=None))
    assert not [m for m in result.measurements if m.metric == "platform.invocation_logging_ratio"]
    assert any("logging was not checked" in w for w in result.warnings)


def test_deployments_and_endpoints_are_reported_to_discovery(tmp_path: Path) -> None:
    result = collect(evidence(tmp_path))
    assert {(a.kind, a.identifier) for a in result.observed} == {
        ("model", "azure-openai:accountname/deployments/deploymentName"),
        ("model", "azure-openai:accountname/deployments/text-davinci-003"),
        ("endpoint", "accountname.openai.azure.com"),
    }
    model = next(a for a in result.observed if a.identifier.endswith("text-davinci-003"))
    assert model.seen_with == (f"{ACCOUNT}/deployments/text-davinci-003",)


def test_other_kinds_of_account_are_left_out(tmp_path: Path) -> None:
    accounts = body("accounts.json")
    accounts[0]["kind"] = "Emotion"  # GetAccount's own example kind
    result = collect(evidence(tmp_path, accounts=accounts))
    assert result.measurements == () and result.observed == ()
    assert any("of other kinds not judged: accountName" in w for w in result.warnings)


def test_the_newest_copy_of_a_resource_counts(tmp_path: Path) -> None:
    paths = evidence(tmp_path)
    newer = tmp_path / "deployments-2026-11-20.json"
    deployments = body("deployments.json")
    deployments[1]["sku"]["name"] = "DataZoneStandard"
    newer.write_text(json.dumps(deployments))
    result = collect([*paths, newer])
    redundancy = one(result, "platform.endpoints.redundancy_ratio")
    assert (redundancy.numerator, redundancy.denominator) == (1, 2)
    assert any("deployments-2026-11-19.json" in w for w in result.warnings)


def test_arm_pages_and_empty_lists(tmp_path: Path) -> None:
    deployments = body("deployments.json")
    pages = tmp_path / "pages.json"
    pages.write_text(
        json.dumps({"value": deployments[:1], "nextLink": "https://management.azure.com/next"})
        + json.dumps({"value": deployments[1:]})
    )
    result = collect([pages])
    assert one(result, "platform.endpoints.redundancy_ratio").denominator == 2
    empty = tmp_path / "none.json"
    empty.write_text("[]")
    assert collect([empty]).unreadable == ()


def test_other_files_are_skipped_in_one_line(tmp_path: Path) -> None:
    cases = {
        "other.json": '[{"id": "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a"}]',
        "text.json": '{"results": []}',
        "empty.json": "",
        "truncated.json": '{"value": [{"id": "x"',
        "deep.json": '{"value":' + "[" * 100_000,
    }
    each_skipped(collector(), tmp_path, cases, CollectContext(assessed_at=AT))


def test_it_takes_no_settings() -> None:
    with pytest.raises(AismaError, match=r"collectors\.azure-openai\.regions is not a setting"):
        collect([DATA / "accounts.json"], regions=["westus"])


def test_workspace_assessment_uses_the_azure_measurements(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    evidence(root / "evidence" / "azure-openai")
    (root / "aisma.yaml").write_text("organization: Contoso\n")
    (root / "inventory.yaml").write_text(
        "systems:\n"
        "  - id: support-bot\n    name: Support bot\n    owner: support\n    track: platform\n"
        "    deployment_type: paas\n    environment: production\n"
        "    match: ['azure-openai:accountname/deployments/text-davinci-003']\n"
    )
    ws = open_workspace(root)
    result = assess(assessment_input(ws, AT, collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT)))
    objectives = {o.id: o for c in result.categories for o in c.objectives}
    assert objectives["APP-2.1"].source == "measured" and objectives["APP-2.1"].answer == "not"
    assert objectives["INF-1.2"].source == "measured" and objectives["INF-1.2"].answer == "fully"
    assert {u.identifier for u in result.unregistered_ai} == {
        "azure-openai:accountname/deployments/deploymentName",
        "accountname.openai.azure.com",
    }
