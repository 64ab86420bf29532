"""OSCAL assessment results and plan: valid against NIST's JSON schema, loadable by trestle, reproducible."""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from trestle.oscal.assessment_plan import AssessmentPlan
from trestle.oscal.assessment_results import AssessmentResults

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.errors import AismaError
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports import registry
from aisma.reports.oscal import oscal_documents
from aisma.scoring.results import AssessmentResult
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_workspace
from reports.oscal_schema import errors

DATA = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AssessmentResult]:
    directory = tmp_path_factory.mktemp("oscal") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory, assess_workspace(directory, parse_at(DEMO_ASSESSED_AT))


@pytest.fixture(scope="module")
def documents(demo: tuple[Path, AssessmentResult]) -> tuple[dict[str, Any], dict[str, Any]]:
    results_text, plan_text = oscal_documents(demo[1])
    return json.loads(results_text), json.loads(plan_text)


def test_nist_example_passes_the_validator_and_trestle() -> None:
    example = json.loads((DATA / "oscal" / "ifa_assessment-results-example.json").read_text())
    assert errors(example, "assessment-results") == []
    AssessmentResults.model_validate(example["assessment-results"])


def test_validator_rejects_broken_documents(documents: tuple[dict[str, Any], dict[str, Any]]) -> None:
    results = json.loads(json.dumps(documents[0]))
    results["assessment-results"]["results"][0]["findings"][0]["target"]["status"]["state"] = "passed"
    del results["assessment-results"]["import-ap"]
    found = errors(results, "assessment-results")
    assert any("import-ap" in e for e in found)
    assert any("passed" in e for e in found)


def test_results_and_plan_valid_against_nist_schema(documents: tuple[dict[str, Any], dict[str, Any]]) -> None:
    results, plan = documents
    assert errors(results, "assessment-results") == []
    assert errors(plan, "assessment-plan") == []


def test_results_and_plan_load_with_trestle(documents: tuple[dict[str, Any], dict[str, Any]]) -> None:
    results, plan = documents
    loaded = AssessmentResults.model_validate(results["assessment-results"])
    assert loaded.results[0].findings
    AssessmentPlan.model_validate(plan["assessment-plan"])


def test_same_inputs_same_bytes_and_uuids_depend_on_time(demo: tuple[Path, AssessmentResult]) -> None:
    directory, result = demo
    again = assess_workspace(directory, parse_at(DEMO_ASSESSED_AT))
    assert oscal_documents(result) == oscal_documents(again)
    later = assess_workspace(directory, parse_at("2026-12-01T09:00:00Z"))
    first, second = json.loads(oscal_documents(result)[0]), json.loads(oscal_documents(later)[0])
    assert first["assessment-results"]["uuid"] != second["assessment-results"]["uuid"]


def test_every_objective_is_a_finding_or_excluded(
    demo: tuple[Path, AssessmentResult], documents: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    result = demo[1]
    entry = documents[0]["assessment-results"]["results"][0]
    findings = {f["target"]["target-id"]: f for f in entry["findings"]}
    selection = entry["reviewed-controls"]["control-selections"][0]
    excluded = {c["control-id"] for c in selection.get("exclude-controls", [])}
    expected_state = {"met": "satisfied", "unmet": "not-satisfied", "unknown": "not-satisfied"}
    for objective in (o for c in result.categories for o in c.objectives):
        if objective.status == "na":
            assert objective.id in excluded and objective.id not in findings
            continue
        finding = findings[objective.id]
        assert finding["target"]["status"]["state"] == expected_state[objective.status]
        props = {p["name"]: p["value"] for p in finding["props"]}
        assert props["level"] == str(objective.level)
        assert props["answer"] == (objective.answer or "none")
    assert len(findings) + len(excluded) == sum(len(c.objectives) for c in result.categories)
    assert excluded, "the demo answers some objectives N/A"
    assert {"met", "unmet"} <= {o.status for c in result.categories for o in c.objectives}


def test_measurement_observations_carry_provenance(
    demo: tuple[Path, AssessmentResult], documents: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    directory, result = demo
    document = documents[0]["assessment-results"]
    entry = document["results"][0]
    components = {c["uuid"]: c for c in entry["local-definitions"]["components"]}
    resources = {r["uuid"]: r for r in document["back-matter"]["resources"]}
    observations = {o["uuid"]: o for o in entry["observations"]}
    measured = [o for c in result.categories for o in c.objectives if o.measurement and o.measurement.fresh]
    assert measured
    checked_files = 0
    for objective in measured:
        finding = next(f for f in entry["findings"] if f["target"]["target-id"] == objective.id)
        related = [observations[r["observation-uuid"]] for r in finding["related-observations"]]
        observation = next(o for o in related if "TEST" in o["methods"])
        assert objective.measurement is not None
        assert observation["collected"] == objective.measurement.observed_at
        tools = {
            (
                components[a["actor-uuid"]]["title"],
                {p["name"]: p["value"] for p in components[a["actor-uuid"]]["props"]}.get("version", ""),
            )
            for a in observation["origins"][0]["actors"]
        }
        assert tools == {(s["tool"], s["version"]) for s in objective.measurement.sources}
        for evidence in observation.get("relevant-evidence", []):
            resource = resources[evidence["href"].removeprefix("#")]
            link = resource["rlinks"][0]
            path = directory / link["href"]
            if path.is_file() and "hashes" in link:
                assert link["hashes"][0]["value"] == hashlib.sha256(path.read_bytes()).hexdigest()
                checked_files += 1
    assert checked_files > 5


def test_attested_evidence_files_are_hashed_resources(
    demo: tuple[Path, AssessmentResult], documents: tuple[dict[str, Any], dict[str, Any]]
) -> None:
    directory = demo[0]
    document = documents[0]["assessment-results"]
    resources = {r["uuid"]: r for r in document["back-matter"]["resources"]}
    examined = [o for o in document["results"][0]["observations"] if "EXAMINE" in o["methods"]]
    assert examined
    for observation in examined:
        for evidence in observation["relevant-evidence"]:
            link = resources[evidence["href"].removeprefix("#")]["rlinks"][0]
            if link["href"].startswith("http"):
                continue
            digest = hashlib.sha256((directory / link["href"]).read_bytes()).hexdigest()
            assert link["hashes"] == [{"algorithm": "SHA-256", "value": digest}]


def test_plan_is_embedded_and_imported(documents: tuple[dict[str, Any], dict[str, Any]]) -> None:
    results, plan = documents
    document = results["assessment-results"]
    target = document["import-ap"]["href"].removeprefix("#")
    resource = next(r for r in document["back-matter"]["resources"] if r["uuid"] == target)
    assert json.loads(base64.b64decode(resource["base64"]["value"])) == plan
    assert document["metadata"]["last-modified"] == plan["assessment-plan"]["metadata"]["last-modified"]


@pytest.mark.slow
def test_cli_writes_results_and_plan(demo: tuple[Path, AssessmentResult], tmp_path: Path) -> None:
    directory = demo[0]
    out, plan_out = tmp_path / "results.json", tmp_path / "plan.json"
    assert run(["assess", str(directory), "--format", "oscal", "--at", DEMO_ASSESSED_AT, "--out", str(out)]) == 0
    args = ["assess", str(directory), "--format", "oscal-plan", "--at", DEMO_ASSESSED_AT, "--out", str(plan_out)]
    assert run(args) == 0
    written = json.loads(out.read_text())
    assert errors(written, "assessment-results") == []
    assert errors(json.loads(plan_out.read_text()), "assessment-plan") == []
    # The CLI has the model at hand, so each finding quotes its objective's statement.
    finding = next(
        f for f in written["assessment-results"]["results"][0]["findings"] if f["target"]["target-id"] == "GOV-1.1"
    )
    statement = open_workspace(directory).model.objectives()[0].statement
    assert finding["description"].startswith(statement + "\n\n")


def test_without_trestle_the_format_says_which_extra(
    demo: tuple[Path, AssessmentResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "trestle.oscal.assessment_results", None)
    with pytest.raises(AismaError, match=r"aisma\[oscal\]"):
        registry.render(demo[1], "oscal")


def _uuids(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["uuid"]] if isinstance(node.get("uuid"), str) else []
        return own + [u for value in node.values() for u in _uuids(value)]
    if isinstance(node, list):
        return [u for value in node for u in _uuids(value)]
    return []


def test_every_uuid_is_unique_within_a_document(documents: tuple[dict[str, Any], dict[str, Any]]) -> None:
    results, plan = documents
    for document in (results, plan):
        found = _uuids(document)
        assert len(found) > 3
        duplicates = {u for u in found if found.count(u) > 1}
        assert duplicates == set(), duplicates
