"""The JSON result follows its published schema (aisma.result/v1)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import jsonschema

from aisma.cli.assess_cmd import parse_at
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports import render
from aisma.workspace.run import assess_workspace


def schema() -> dict[str, object]:
    return json.loads(resources.files("aisma.scoring").joinpath("result.schema.json").read_text())


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
    assert errors and "maybe" in errors[0].message
