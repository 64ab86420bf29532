"""The JSON result follows its published schema (aisma.result/v1), generated from the result models."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports import render
from aisma.scoring.results import AssessmentResult
from aisma.scoring.schema_file import committed_text, schema_text
from aisma.workspace.run import assess_workspace

GOLDEN = Path(__file__).parent / "golden" / "demo-result.json"
OLD_RESULTS = Path(__file__).parent / "data" / "results"


def schema() -> dict[str, object]:
    return json.loads(committed_text())


def test_committed_schema_is_the_generated_one() -> None:
    # After a change to aisma.scoring.results: make schema (python -m aisma.scoring.schema_file).
    assert committed_text() == schema_text(), "result.schema.json is stale: run make schema"


def test_schema_is_valid() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_mini_and_demo_results_follow_the_schema(mini: Path, tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    write_example(demo, overwrite_demo=True)
    for workspace, at in ((mini, "2026-11-16"), (demo, DEMO_ASSESSED_AT)):
        result = json.loads(render(assess_workspace(workspace, parse_at(at)), "json"))
        jsonschema.validate(result, schema(), format_checker=jsonschema.FormatChecker())


def test_schema_rejects_a_broken_result(mini: Path) -> None:
    result = json.loads(render(assess_workspace(mini, parse_at("2026-11-16")), "json"))
    result["categories"][0]["objectives"][0]["status"] = "maybe"
    errors = list(jsonschema.Draft202012Validator(schema()).iter_errors(result))
    assert errors and any("maybe" in e.message for e in errors)


def test_a_result_reads_back_to_the_same_json() -> None:
    """from_dict and to_dict are one definition: the golden result survives the round trip unchanged."""
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert AssessmentResult.from_dict(data).to_dict() == data
    text = json.dumps(AssessmentResult.from_dict(data).to_dict(), indent=2, ensure_ascii=False) + "\n"
    assert text == GOLDEN.read_text(encoding="utf-8")


@pytest.mark.parametrize("path", sorted(OLD_RESULTS.glob("*.json")), ids=lambda p: p.name)
def test_results_written_by_older_aisma_still_load(path: Path) -> None:
    """Stored results (the server's snapshots, a workspace's history) keep loading as fields are added."""
    data = json.loads(path.read_text(encoding="utf-8"))
    result = AssessmentResult.from_dict(data)
    assert result.organization == data["organization"]
    assert [c.id for c in result.categories] == [c["id"] for c in data["categories"]]
    assert [g.verdict for g in result.gating] == [g["verdict"] for g in data["gating"]]
    assert [i.objective for p in result.roadmap for i in p.items] == [
        i["objective"] for p in data["roadmap"] for i in p["items"]
    ]
    written = result.to_dict()
    for key, value in data.items():  # what the old result said is kept; only fields added since are new
        if key not in ("overall", "categories", "domains", "tracks", "views", "gating", "roadmap", "targets"):
            assert written[key] == value, key
    assert written["overall"]["level"] == data["overall"]["level"]


def test_unknown_top_level_keys_are_kept_in_place() -> None:
    data = json.loads(GOLDEN.read_text(encoding="utf-8"))
    data["inventory"] = [{"id": "x"}]  # a history snapshot carries the inventory beside the result
    assert list(AssessmentResult.from_dict(data).to_dict()) == list(data)
