"""The m365-copilot collector over Microsoft's documented bodies (tests/data/m365-copilot/contoso).

The Graph files are the documented examples verbatim; what Graph returns only when asked
(``assignedLabels`` with ``$select``), a Copilot licence, Copilot audit records and the variations of
the PowerShell output are added in code, so each test shows what changed.
"""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.assessment import assess
from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.m365_copilot import collector
from aisma.collectors.run import collect_workspace, run_collector
from aisma.errors import AismaError
from aisma.workspace.loader import assessment_input, open_workspace
from collectors.reading import each_skipped, one, skipped

DATA = Path(__file__).parent.parent / "data" / "m365-copilot" / "contoso"
AT = datetime(2026, 11, 20, tzinfo=UTC)
LABEL = {"labelId": "45cd0c48-c540-4358-ad79-a3658cdc5b88", "displayName": "Confidential"}
COPILOT_SKU = {
    "accountName": "Contoso",
    "appliesTo": "User",
    "capabilityStatus": "Enabled",
    "consumedUnits": 40,
    "id": "48a80680-7326-48cd-9935-b556b81d3a4e_639dec6b-bb19-468b-871c-c5c441c4b0cb",
    "prepaidUnits": {"enabled": 50, "lockedOut": 0, "suspended": 0, "warning": 0},
    "servicePlans": [],
    "skuId": "639dec6b-bb19-468b-871c-c5c441c4b0cb",
    "skuPartNumber": "Microsoft_365_Copilot",
    "subscriptionIds": [],
}


def record(when: str) -> dict[str, Any]:
    """An audit search record of a Copilot interaction, in the auditLogRecord resource's fields."""
    return {
        "@odata.type": "#microsoft.graph.security.auditLogRecord",
        "id": f"40706737-7eca-f9a1-97a5-{when[8:10]}dd3260e24a",
        "createdDateTime": when,
        "auditLogRecordType": "copilotInteraction",
        "operation": "CopilotInteraction",
        "organizationId": "b1c2d3e4-0000-4000-8000-000000000001",
        "userType": "Regular",
        "userId": "adele@contoso.com",
        "service": "Copilot",
        "objectId": "",
        "userPrincipalName": "adele@contoso.com",
        "clientIp": "",
        "administrativeUnits": [],
        "auditData": {"@odata.type": "microsoft.graph.security.auditData"},
    }


def body(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


def evidence(root: Path, **overrides: Any) -> list[Path]:
    """The documented files in ``root/contoso``, dated 2026-11-19 by name; ``overrides`` replace a body by
    key (``groups``, ``dlp_policies``, ...), add one (``audit_records``) or leave it out when None."""
    folder = root / "contoso"
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    names = {p.stem.replace("-", "_"): p for p in DATA.glob("*.json")}
    for key in sorted(set(names) | set(overrides)):
        if key in overrides and overrides[key] is None:
            continue
        target = folder / f"{key.replace('_', '-')}-2026-11-19.json"
        if key in overrides:
            target.write_text(json.dumps(overrides[key]))
        else:
            shutil.copy(names[key], target)
        out.append(target)
    return out


def selected_groups(*labels: bool) -> dict[str, Any]:
    """The documented groups as ``$select=...,assignedLabels`` returns them, each labelled or not."""
    groups = body("groups")
    for group, has in zip(groups["value"], labels, strict=True):
        group["assignedLabels"] = [LABEL] if has else []
    return groups


def collect(paths: list[Path], **settings: Any) -> CollectionResult:
    return run_collector(collector(), paths, CollectContext(assessed_at=AT, settings=settings))


def test_documented_tenant(tmp_path: Path) -> None:
    result = collect(evidence(tmp_path))
    assert result.unreadable == ()
    # Golf Assist is the one Microsoft 365 group (Golf Discussion has no Unified type): public.
    visibility = one(result, "copilot.content.private_ratio")
    assert (visibility.numerator, visibility.denominator) == (0, 1)
    assert visibility.details == ("contoso: Golf Assist: visibility Public",)
    assert visibility.source.sha256 == sha256_of(tmp_path / "contoso" / "groups-2026-11-19.json")
    # The default group list has no assignedLabels: labels are not judged, and a warning says why.
    assert not [m for m in result.measurements if m.metric == "copilot.content.labeled_ratio"]
    assert any("without assignedLabels" in w for w in result.warnings)
    # The Copilot DLP policy of the reference example, in simulation mode: not enforced.
    dlp = one(result, "copilot.dlp.enforced_ratio")
    assert dlp.details == ("contoso: Copilot DLP policies not enforced: Copilot Policy (TestWithNotifications)",)
    assert one(result, "copilot.audit.enabled_ratio").numerator == 1
    search = one(result, "copilot.search.restricted_ratio")
    assert search.details == ("contoso: Restricted SharePoint Search is off (mode Disabled)",)
    assert search.observed_at == datetime(2026, 11, 19, tzinfo=UTC)
    # No Copilot licence among the documented SKUs and no Copilot audit record: nothing to discover.
    assert result.observed == ()


def test_a_governed_tenant_passes(tmp_path: Path) -> None:
    groups = selected_groups(True, False)
    groups["value"][0]["visibility"] = "Private"
    dlp = body("dlp-policies")
    dlp[0]["Mode"] = "Enable"
    result = collect(evidence(tmp_path, groups=groups, dlp_policies=dlp, restricted_search={"Mode": "Enabled"}))
    assert result.measurements
    for m in result.measurements:
        assert m.numerator == m.denominator and m.details == (), m.metric


def test_labels_are_judged_when_selected(tmp_path: Path) -> None:
    result = collect(evidence(tmp_path, groups=selected_groups(False, True)))
    labelled = one(result, "copilot.content.labeled_ratio")
    assert (labelled.numerator, labelled.denominator) == (0, 1)  # the labelled group is not a Microsoft 365 group
    assert labelled.details == ("contoso: Golf Assist: no sensitivity label",)


def test_dlp_must_cover_copilot_for_the_whole_tenant(tmp_path: Path) -> None:
    dlp = body("dlp-policies")
    dlp[0]["Mode"] = "Enable"
    scoped = json.loads(dlp[0]["Locations"])
    scoped[0]["Inclusions"] = [{"Type": "Group", "Identity": "5c4b5a7e-0000-4000-8000-000000000002"}]
    dlp[0]["Locations"] = json.dumps(scoped)
    result = collect(evidence(tmp_path, dlp_policies=dlp))
    assert one(result, "copilot.dlp.enforced_ratio").details == (
        "contoso: enforced Copilot DLP policies cover part of the tenant only: Copilot Policy",
    )
    exchange = [
        {"Name": "Exchange PII", "Mode": "Enable", "Enabled": True, "Workload": "Exchange", "ExchangeLocation": ["All"]}
    ]
    result = collect(evidence(tmp_path / "exchange", dlp_policies=exchange))
    assert one(result, "copilot.dlp.enforced_ratio").details == (
        "contoso: no DLP policy on the Microsoft 365 Copilot location",
    )
    # No policy at all: PowerShell prints nothing, saved as an empty array; read, and it fails.
    result = collect(evidence(tmp_path / "none", dlp_policies=[]))
    assert one(result, "copilot.dlp.enforced_ratio").numerator == 0
    result = collect(evidence(tmp_path / "unread", dlp_policies=None))
    assert not [m for m in result.measurements if m.metric == "copilot.dlp.enforced_ratio"]
    assert any("no DLP policies read" in w for w in result.warnings)


def test_audit_records_show_copilot_is_audited_and_discover_it(tmp_path: Path) -> None:
    records = {"value": [record("2026-11-12T09:14:02Z"), record("2026-11-18T16:40:55Z")]}
    skus = body("subscribed-skus")
    skus["value"].append(COPILOT_SKU)
    paths = evidence(
        tmp_path, audit_config={"UnifiedAuditLogIngestionEnabled": False}, audit_records=records, subscribed_skus=skus
    )
    result = collect(paths)
    assert one(result, "copilot.audit.enabled_ratio").numerator == 1
    assert any(
        "2 Copilot interaction audit record(s), 2026-11-12T09:14:02Z to 2026-11-18T16:40:55Z" in w
        for w in result.warnings
    )
    assert [(a.kind, a.identifier, a.seen_with) for a in result.observed] == [
        ("endpoint", "m365-copilot:contoso", ("b1c2d3e4-0000-4000-8000-000000000001",))
    ]
    result = collect(evidence(tmp_path / "off", audit_config={"UnifiedAuditLogIngestionEnabled": False}))
    assert one(result, "copilot.audit.enabled_ratio").details == (
        "contoso: unified audit log ingestion off and no Copilot interaction recorded",
    )


def test_graph_pages_and_the_newest_copy(tmp_path: Path) -> None:
    groups = selected_groups(False, False)
    pages = tmp_path / "contoso" / "groups-2026-11-18.json"
    pages.parent.mkdir(parents=True)
    pages.write_text(
        json.dumps(
            {"value": groups["value"][:1], "@odata.nextLink": "https://graph.microsoft.com/v1.0/groups?$skiptoken=X"}
        )
        + json.dumps({"value": groups["value"][1:]})
    )
    newer = tmp_path / "contoso" / "groups-2026-11-19.json"
    newer.write_text(json.dumps(selected_groups(True, False)))
    result = collect([pages, newer])
    assert one(result, "copilot.content.labeled_ratio").numerator == 1
    assert any("groups-2026-11-18.json" in w for w in result.warnings)


def test_other_files_are_skipped_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "contoso"
    folder.mkdir()
    cases = {
        "users.json": '{"value": [{"id": "1", "userPrincipalName": "a@contoso.com"}]}',
        "gcp.json": '[{"name": "projects/p/locations/l/endpoints/1"}]',
        "empty.json": "",
        "truncated.json": '{"value": [{"id": "x", "groupTypes": [',
        "deep.json": '{"value":' + "[" * 100_000,
    }
    each_skipped(collector(), folder, cases, CollectContext(assessed_at=AT))
    # Outside a tenant folder nothing says which tenant a file describes.
    root = tmp_path / "ws"
    loose = root / "evidence" / "m365-copilot" / "groups.json"
    loose.parent.mkdir(parents=True)
    shutil.copy(DATA / "groups.json", loose)
    line = skipped(collector(), [loose], CollectContext(assessed_at=AT, root=root))
    assert line == (
        "evidence/m365-copilot/groups.json: cannot tell which tenant this describes; "
        "save it as evidence/m365-copilot/TENANT/groups.json"
    )


def test_it_takes_no_settings() -> None:
    with pytest.raises(AismaError, match=r"collectors\.m365-copilot\.tenant is not a setting"):
        collect([DATA / "groups.json"], tenant="contoso")


def test_workspace_assessment_finds_an_unregistered_copilot(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    skus = body("subscribed-skus")
    skus["value"].append(COPILOT_SKU)
    evidence(root / "evidence" / "m365-copilot", subscribed_skus=skus)
    (root / "aisma.yaml").write_text("organization: Contoso\n")
    (root / "inventory.yaml").write_text(
        "systems:\n"
        "  - id: golf-bot\n    name: Golf bot\n    owner: golf\n    track: platform\n"
        "    deployment_type: paas\n    environment: production\n"
    )
    ws = open_workspace(root)
    result = assess(assessment_input(ws, AT, collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT)))
    assert {u.identifier for u in result.unregistered_ai} == {"m365-copilot:contoso"}


def test_the_built_in_model_answers_its_copilot_objectives(tmp_path: Path) -> None:
    """aisma-core 1.3.0: INV-1.3, DAT-4.4 and DAT-5.3 are measured by this collector's metrics."""
    root = tmp_path / "ws"
    groups = selected_groups(True, True)  # Golf Assist labelled and public; Golf Discussion is not Unified
    evidence(root / "evidence" / "m365-copilot", groups=groups)
    (root / "aisma.yaml").write_text("organization: Contoso\n")
    (root / "inventory.yaml").write_text(
        "systems:\n"
        "  - id: copilot\n    name: Microsoft 365 Copilot\n    owner: it\n    track: copilot\n"
        "    deployment_type: api_saas\n    environment: production\n    match: ['m365-copilot:contoso']\n"
    )
    ws = open_workspace(root)
    result = assess(assessment_input(ws, AT, collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT)))
    answers = {o: result.objective(o) for o in ("INV-1.3", "DAT-4.4", "DAT-5.3", "DAT-3.1")}
    assert {o: (r.source, r.answer) for o, r in answers.items() if o != "DAT-3.1"} == {
        "INV-1.3": ("measured", "fully"),  # unified audit log ingestion on
        "DAT-4.4": ("measured", "fully"),  # 1/1 labelled
        "DAT-5.3": ("measured", "not"),  # 0/1 open to members only
    }
    # The tenant's DLP policy is in simulation mode; DAT-3.1 (DLP on every AI path) is still answered by hand.
    assert answers["DAT-3.1"].source != "measured"


def enforced_policy() -> list[dict[str, Any]]:
    dlp = body("dlp-policies")
    dlp[0]["Mode"] = "Enable"
    return dlp


def test_dlp_rules_must_keep_content_out_of_copilot(tmp_path: Path) -> None:
    """Get-DlpComplianceRule: the reference's Copilot rule (a sensitivity label, ExcludeContentProcessing Block)."""
    groups = selected_groups(True, False)
    groups["value"][0]["assignedLabels"] = [{"labelId": "e222b65a-b3a8-46ec-ae12-00c2c91b71c0", "displayName": "HC"}]
    result = collect(evidence(tmp_path, dlp_policies=enforced_policy(), groups=groups))
    assert one(result, "copilot.dlp.enforced_ratio").numerator == 1
    assert (
        "contoso: Copilot DLP rules keep out content with sensitivity labels HC (e222b65a-b3a8-46ec-ae12-00c2c91b71c0) "
        "and sensitive information types none"
    ) in result.warnings
    rule = body("dlp-rules")
    rule[0]["Disabled"] = True
    result = collect(evidence(tmp_path / "disabled", dlp_policies=enforced_policy(), dlp_rules=rule))
    assert one(result, "copilot.dlp.enforced_ratio").details == (
        "contoso: no enabled rule of Copilot Policy keeps content out of Copilot "
        "(RestrictAccess ExcludeContentProcessing Block)",
    )
    notify = [{"Name": "Tell only", "ParentPolicyName": "Copilot Policy", "Disabled": False, "NotifyUser": ["Owner"]}]
    result = collect(evidence(tmp_path / "notify", dlp_policies=enforced_policy(), dlp_rules=notify))
    assert one(result, "copilot.dlp.enforced_ratio").numerator == 0
    other = [{**body("dlp-rules")[0], "ParentPolicyName": "Exchange PII"}]
    result = collect(evidence(tmp_path / "other", dlp_policies=enforced_policy(), dlp_rules=other))
    assert one(result, "copilot.dlp.enforced_ratio").details == (
        "contoso: enforced Copilot DLP policy has no rule: Copilot Policy",
    )


def test_sensitive_information_types_in_a_rule_are_named(tmp_path: Path) -> None:
    sit = [
        {
            "Name": "Card numbers",
            "Policy": "Copilot Policy",
            "Disabled": False,
            "ContentContainsSensitiveInformation": [{"Name": "Credit Card Number", "minCount": "1"}],
            "RestrictAccess": '[{"setting":"ExcludeContentProcessing","value":"Block"}]',
        }
    ]
    result = collect(evidence(tmp_path, dlp_policies=enforced_policy(), dlp_rules=sit))
    assert one(result, "copilot.dlp.enforced_ratio").numerator == 1
    assert any(
        "sensitivity labels none and sensitive information types Credit Card Number" in w for w in result.warnings
    )
    # Without the rules the policy is judged as before, and a warning says what was not checked.
    result = collect(evidence(tmp_path / "norules", dlp_policies=enforced_policy(), dlp_rules=None))
    assert one(result, "copilot.dlp.enforced_ratio").numerator == 1
    assert any("no DLP rules read (Get-DlpComplianceRule)" in w for w in result.warnings)
