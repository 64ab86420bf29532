"""The gcp-vertex-ai collector over Google's documented bodies (tests/data/gcp-vertex-ai).

Variations (a floor that blocks, a perimeter enforced for the project, an audit config without
exemptions, an inspect-only template) are made from the documented bodies in code, so each test shows
what changed.
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
from aisma.collectors.gcp_vertex_ai import collector
from aisma.collectors.run import collect_workspace, run_collector
from aisma.errors import AismaError
from aisma.workspace.loader import assessment_input, open_workspace
from collectors.reading import each_skipped, measured, one, skipped

DATA = Path(__file__).parent.parent / "data" / "gcp-vertex-ai"
AT = datetime(2026, 11, 20, tzinfo=UTC)
FILES = ("endpoints", "templates", "floor-setting", "perimeters", "projects", "my-project/iam-policy")
PUBLIC = "projects/my-project/locations/us-central1/endpoints/1234567890123456789"


def body(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


def evidence(root: Path, **overrides: Any) -> list[Path]:
    """The documented files under ``root``, dated 2026-11-19 by name; ``overrides`` replace a body by key
    (``floor_setting``, ``iam_policy``, ...) or leave it out when None."""
    out = []
    for name in FILES:
        key = name.rsplit("/", 1)[-1].replace("-", "_")
        if key in overrides and overrides[key] is None:
            continue
        target = root / f"{name}-2026-11-19.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        if key in overrides:
            target.write_text(json.dumps(overrides[key]))
        else:
            shutil.copy(DATA / f"{name}.json", target)
        out.append(target)
    return out


def collect(paths: list[Path], **settings: Any) -> CollectionResult:
    return run_collector(collector(), paths, CollectContext(assessed_at=AT, settings=settings))


def test_documented_project(tmp_path: Path) -> None:
    result = collect(evidence(tmp_path))
    assert result.unreadable == ()
    # Templates: the documented create example passes all three; my-template has only the URI filter.
    for metric, gap in (
        ("platform.guardrails.checks_ratio", "no HATE_SPEECH filter; no HARASSMENT filter"),
        ("platform.guardrails.prompt_attack_filter_ratio", "prompt injection and jailbreak filter off"),
        ("platform.guardrails.sensitive_info_filter_ratio", "Sensitive Data Protection off"),
    ):
        m = one(result, metric)
        assert (m.numerator, m.denominator) == (1, 2), metric
        assert m.details[0].startswith(f"projects/my-project/locations/us-central1/templates/my-template: {gap}")
        assert m.source.sha256 == sha256_of(tmp_path / "templates-2026-11-19.json")
        assert m.observed_at == datetime(2026, 11, 19, tzinfo=UTC)
    # The floor is enforced with inline enforcement on Vertex AI, but inspects only: no call is blocked.
    enforced = one(result, "platform.guardrails.enforced_ratio")
    assert (enforced.numerator, enforced.denominator) == (0, 1)
    assert enforced.details == (
        "my-project: Vertex AI calls inspected only, not blocked (aiPlatformFloorSetting.inspectAndBlock is not true)",
    )
    # The documented policy logs Data Access for allServices, but exempts jose@example.com from DATA_READ.
    logging = one(result, "platform.invocation_logging_ratio")
    assert logging.details == ("my-project: 1 principal(s) exempted from Data Access logs",)
    assert Path(logging.source.file).name == "iam-policy-2026-11-19.json"
    # Network: one public endpoint, one on Private Service Connect; the perimeter holds the project in
    # its dry-run spec only.
    network = sorted(measured(result, "platform.network.isolation_ratio"), key=lambda m: m.source.file)
    assert [(m.numerator, m.denominator) for m in network] == [(1, 2), (0, 1)]
    assert network[0].details == (
        f"{PUBLIC} (fraud-scoring): public endpoint (no VPC network or Private Service Connect)",
    )
    assert network[1].details == (
        "my-project: aiplatform.googleapis.com restricted in dry-run mode only (spec, not status)",
    )
    redundancy = one(result, "platform.endpoints.redundancy_ratio")
    assert (redundancy.numerator, redundancy.denominator) == (1, 2)
    assert redundancy.details == (f"{PUBLIC} (fraud-scoring): deployed model 5678901234567890123: minReplicaCount 1",)


def test_a_hardened_project_passes(tmp_path: Path) -> None:
    floor = body("floor-setting")
    floor["aiPlatformFloorSetting"] = {"inspectAndBlock": True, "enableCloudLogging": True}
    policy = body("my-project/iam-policy")
    del policy["auditConfigs"][0]["auditLogConfigs"][0]["exemptedMembers"]
    perimeters = body("perimeters")
    perimeters[0]["status"]["resources"].append("projects/123456789012")
    endpoints = body("endpoints")
    endpoints[0]["network"] = "projects/123456789012/global/networks/ml-vpc"
    endpoints[0]["deployedModels"][0]["dedicatedResources"]["minReplicaCount"] = 2
    templates = body("templates")[:1]
    result = collect(
        evidence(
            tmp_path,
            floor_setting=floor,
            iam_policy=policy,
            perimeters=perimeters,
            endpoints=endpoints,
            templates=templates,
        )
    )
    assert result.measurements
    for m in result.measurements:
        assert m.numerator == m.denominator and m.details == (), m.metric
    assert not any("floor setting has" in w for w in result.warnings)


def test_the_floor_must_be_enforced_inline_and_screen_prompt_attacks(tmp_path: Path) -> None:
    floor = body("floor-setting")
    floor.update(enableFloorSettingEnforcement=False, integratedServices=[])
    del floor["filterConfig"]["piAndJailbreakFilterSettings"]
    result = collect(evidence(tmp_path, floor_setting=floor))
    assert one(result, "platform.guardrails.enforced_ratio").details == (
        "my-project: floor setting not enforced (enableFloorSettingEnforcement is not true); no inline enforcement "
        "on Vertex AI (integratedServices lacks AI_PLATFORM); the floor has no prompt injection and jailbreak filter",
    )
    # Enforced and blocking, without the harm filters: it counts, and a warning names what it lacks.
    floor = body("floor-setting")
    floor["aiPlatformFloorSetting"] = {"inspectAndBlock": True}
    del floor["filterConfig"]["raiSettings"]
    result = collect(evidence(tmp_path / "thin", floor_setting=floor))
    assert one(result, "platform.guardrails.enforced_ratio").numerator == 1
    assert any(
        w.startswith("my-project: the enforced floor setting has no HATE_SPEECH filter") for w in result.warnings
    )
    # A project running Vertex AI whose floor setting was not saved fails rather than passing unseen.
    result = collect(evidence(tmp_path / "none", floor_setting=None))
    assert one(result, "platform.guardrails.enforced_ratio").details == (
        "my-project: no floor setting read (gcloud model-armor floorsettings describe)",
    )


def test_folder_and_organization_floors_screen_no_call(tmp_path: Path) -> None:
    floor = body("floor-setting")
    floor["name"] = "organizations/123456789/locations/global/floorSetting"
    floor["aiPlatformFloorSetting"] = {"inspectAndBlock": True}
    paths = evidence(tmp_path)
    (tmp_path / "org-floor.json").write_text(json.dumps(floor))
    result = collect([*paths, tmp_path / "org-floor.json"])
    assert one(result, "platform.guardrails.enforced_ratio").numerator == 0
    assert any("organizations/123456789/locations/global/floorSetting" in w for w in result.warnings)


def test_templates_that_only_inspect_or_flag_only_certain_matches_fail(tmp_path: Path) -> None:
    templates = body("templates")[:1]
    templates[0]["templateMetadata"]["enforcementType"] = "INSPECT_ONLY"
    result = collect(evidence(tmp_path, templates=templates))
    for metric in ("platform.guardrails.checks_ratio", "platform.guardrails.prompt_attack_filter_ratio"):
        assert one(result, metric).details == (
            "projects/my-project/locations/us-central1/templates/claims-assistant: INSPECT_ONLY mode, nothing is blocked",
        )
    templates = body("templates")[:1]
    templates[0]["filterConfig"]["piAndJailbreakFilterSettings"]["confidenceLevel"] = "HIGH"
    templates[0]["filterConfig"]["raiSettings"]["raiFilters"][3]["confidenceLevel"] = "HIGH"
    result = collect(evidence(tmp_path / "high", templates=templates))
    assert one(result, "platform.guardrails.checks_ratio").details[0].endswith(": DANGEROUS only at HIGH")
    assert (
        one(result, "platform.guardrails.prompt_attack_filter_ratio")
        .details[0]
        .endswith(": prompt injection and jailbreak filter only at HIGH")
    )
    # An advanced Sensitive Data Protection configuration counts when it names an inspect template.
    templates = body("templates")[:1]
    templates[0]["filterConfig"]["sdpSettings"] = {
        "advancedConfig": {"inspectTemplate": "projects/my-project/locations/us-central1/inspectTemplates/pii"}
    }
    result = collect(evidence(tmp_path / "advanced", templates=templates))
    assert one(result, "platform.guardrails.sensitive_info_filter_ratio").numerator == 1


def test_logging_and_perimeters_are_checked_only_when_read(tmp_path: Path) -> None:
    result = collect(evidence(tmp_path, iam_policy=None, perimeters=None))
    assert measured(result, "platform.invocation_logging_ratio") == []
    assert [m.source.file for m in measured(result, "platform.network.isolation_ratio")] == [
        str(tmp_path / "endpoints-2026-11-19.json")
    ]
    assert any("no IAM policy read" in w for w in result.warnings)
    assert any("no VPC Service Controls perimeters read" in w for w in result.warnings)
    # An audit config for aiplatform alone, without DATA_WRITE: the gap is named.
    policy = body("my-project/iam-policy")
    policy["auditConfigs"] = [{"service": "aiplatform.googleapis.com", "auditLogConfigs": [{"logType": "DATA_READ"}]}]
    result = collect(evidence(tmp_path / "read-only", iam_policy=policy))
    assert one(result, "platform.invocation_logging_ratio").details == (
        "my-project: Data Access audit logs DATA_WRITE off for aiplatform.googleapis.com",
    )


def test_project_ids_and_numbers_are_matched_through_the_project_list(tmp_path: Path) -> None:
    # Templates name the project by id, endpoints and the floor by number: one project, counted once.
    result = collect(evidence(tmp_path))
    assert one(result, "platform.guardrails.enforced_ratio").denominator == 1
    result = collect(evidence(tmp_path / "no-list", projects=None))
    assert sum(m.denominator for m in measured(result, "platform.guardrails.enforced_ratio")) == 2
    assert any("save gcloud projects list" in w for w in result.warnings)


def test_endpoints_and_deployed_models_are_reported_to_discovery(tmp_path: Path) -> None:
    result = collect(evidence(tmp_path))
    assert {(a.kind, a.identifier) for a in result.observed} == {
        ("endpoint", f"vertex-ai:{PUBLIC}"),
        ("endpoint", "vertex-ai:projects/my-project/locations/us-central1/endpoints/9876543210987654321"),
        ("model", "vertex-ai:projects/123456789012/locations/us-central1/models/2345678901234567890"),
        ("model", "vertex-ai:projects/123456789012/locations/us-central1/models/3456789012345678901"),
    }
    endpoint = next(a for a in result.observed if a.identifier == f"vertex-ai:{PUBLIC}")
    assert endpoint.seen_with == (
        "projects/123456789012/locations/us-central1/endpoints/1234567890123456789",
        "fraud-scoring",
    )


def test_rest_pages_and_the_newest_copy(tmp_path: Path) -> None:
    endpoints = body("endpoints")
    pages = tmp_path / "endpoints-2026-11-18.json"
    pages.write_text(
        json.dumps({"endpoints": endpoints[:1], "nextPageToken": "t"}) + json.dumps({"endpoints": endpoints[1:]})
    )
    result = collect([pages])
    assert one(result, "platform.endpoints.redundancy_ratio").denominator == 2
    newer = tmp_path / "endpoints-2026-11-19.json"
    endpoints[0]["deployedModels"][0]["dedicatedResources"]["minReplicaCount"] = 3
    newer.write_text(json.dumps(endpoints))
    result = collect([pages, newer])
    assert one(result, "platform.endpoints.redundancy_ratio").numerator == 2
    assert any("endpoints-2026-11-18.json" in w for w in result.warnings)
    empty = tmp_path / "none.json"
    empty.write_text('{"unreachable": []}')
    assert collect([empty]).unreadable == ()


def test_other_files_are_skipped_in_one_line(tmp_path: Path) -> None:
    cases = {
        "other.json": '[{"name": "projects/p/locations/l/datasets/1"}]',
        "azure.json": '{"value": [{"id": "/subscriptions/s"}]}',
        "empty.json": "",
        "truncated.json": '{"endpoints": [{"name": "x"',
        "deep.json": '{"endpoints":' + "[" * 100_000,
    }
    each_skipped(collector(), tmp_path, cases, CollectContext(assessed_at=AT))
    # An IAM policy does not name its project: outside a project folder it is refused, naming the item.
    policy = tmp_path / "iam-policy.json"
    policy.write_text(json.dumps([body("my-project/iam-policy")]))
    context = CollectContext(assessed_at=AT, root=tmp_path.parent)
    ws = tmp_path.parent / "evidence" / "gcp-vertex-ai"
    ws.mkdir(parents=True)
    shutil.copy(policy, ws / "iam-policy.json")
    line = skipped(collector(), [ws / "iam-policy.json"], context)
    assert line == (
        "evidence/gcp-vertex-ai/iam-policy.json: item 0: an IAM policy does not name its project; save it as "
        "evidence/gcp-vertex-ai/PROJECT/iam-policy.json (gcloud projects get-iam-policy PROJECT)"
    )


def test_it_takes_no_settings() -> None:
    with pytest.raises(AismaError, match=r"collectors\.gcp-vertex-ai\.projects is not a setting"):
        collect([DATA / "endpoints.json"], projects=["my-project"])


def test_workspace_assessment_uses_the_vertex_measurements(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    floor = body("floor-setting")
    floor["aiPlatformFloorSetting"] = {"inspectAndBlock": True}
    evidence(root / "evidence" / "gcp-vertex-ai", floor_setting=floor)
    (root / "aisma.yaml").write_text("organization: Example\n")
    (root / "inventory.yaml").write_text(
        "systems:\n"
        "  - id: claims-assistant\n    name: Claims assistant\n    owner: claims\n    track: platform\n"
        "    deployment_type: paas\n    environment: production\n"
        "    match: ['vertex-ai:projects/my-project/locations/us-central1/endpoints/9876543210987654321',\n"
        "            'vertex-ai:projects/123456789012/locations/us-central1/models/3456789012345678901']\n"
    )
    ws = open_workspace(root)
    result = assess(assessment_input(ws, AT, collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT)))
    objectives = {o.id: o for c in result.categories for o in c.objectives}
    assert objectives["INF-3.1"].source == "measured" and objectives["INF-3.1"].answer == "fully"
    assert objectives["APP-2.1"].source == "measured"
    assert objectives["INF-1.2"].source == "measured" and objectives["INF-1.2"].answer == "not"
    assert {u.identifier for u in result.unregistered_ai} == {
        f"vertex-ai:{PUBLIC}",
        "vertex-ai:projects/123456789012/locations/us-central1/models/2345678901234567890",
    }
