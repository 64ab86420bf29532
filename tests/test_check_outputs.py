"""``aisma check`` outputs: SARIF 2.1.0 and JUnit XML valid against their published schemas, Markdown
that is safe to post, and the exact commands of the shipped CI examples (docs/examples/ci/)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from defusedxml import ElementTree as SafeET
from lxml import etree

from aisma.assurance import outputs
from aisma.assurance.gate import RULES, evaluate
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.workspace.config import CheckPolicy

pytestmark = pytest.mark.slow  # the bank example assessed, the CI commands run in subprocesses

ROOT = Path(__file__).parent.parent
SCHEMAS = ROOT / "tests" / "data" / "check-schemas"
CI = ROOT / "docs" / "examples" / "ci"
CODES = {0} | {r.exit_code for r in RULES}


def validate_sarif(text: str) -> dict[str, Any]:
    log = json.loads(text)
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(log)
    run = log["runs"][0]
    rule_ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    for result in run["results"]:  # what code scanning needs beyond the schema
        assert rule_ids[result["ruleIndex"]] == result["ruleId"]
        assert result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        assert result["partialFingerprints"]
    return log


def validate_junit(text: str) -> Any:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "JUnit.xsd")))
    document = etree.fromstring(text.encode())
    assert schema.validate(document), schema.error_log
    return SafeET.fromstring(text)


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    from aisma.cli.assess_cmd import parse_at
    from aisma.workspace.run import assess_workspace

    directory = tmp_path_factory.mktemp("outputs") / "bank"
    write_example(directory, overwrite_demo=False)
    return directory, assess_workspace(directory, parse_at(DEMO_ASSESSED_AT)).to_dict()


def test_sarif_is_valid_and_names_every_finding(bank: tuple[Path, dict[str, Any]]) -> None:
    directory, doc = bank
    report = evaluate(doc, CheckPolicy(fail_on=("do_not_proceed", "below_target")))
    log = validate_sarif(outputs.render_sarif(report, directory))
    results = log["runs"][0]["results"]
    assert len(results) == len(report.findings) > 0
    levels = {(r["ruleId"], r["level"]) for r in results}
    assert ("do_not_proceed", "error") in levels and ("unregistered_ai", "warning") in levels
    assert log["runs"][0]["invocations"][0]["exitCode"] == report.exit_code == 10
    fingerprints = [r["partialFingerprints"]["aismaFinding/v1"] for r in results]
    assert len(set(fingerprints)) == len(fingerprints)


def test_sarif_without_findings_is_valid(bank: tuple[Path, dict[str, Any]]) -> None:
    _, doc = bank
    quiet = {**doc, "gating": [], "unregistered_ai": [], "unregistered_ai_total": 0, "categories": []}
    log = validate_sarif(outputs.render_sarif(evaluate(quiet, CheckPolicy())))
    assert log["runs"][0]["results"] == []


def test_junit_is_valid_and_fails_one_case_per_failing_finding(bank: tuple[Path, dict[str, Any]]) -> None:
    _, doc = bank
    report = evaluate(doc, CheckPolicy(fail_on=("below_target",)))
    suite = validate_junit(outputs.render_junit(report))
    cases = suite.findall("testcase")
    failed = [c for c in cases if c.find("failure") is not None]
    skipped = [c for c in cases if c.find("skipped") is not None]
    assert len(failed) == int(suite.get("failures")) == len(report.by_rule("below_target")) > 0
    assert all(c.get("classname") == "aisma.check.below_target" for c in failed)
    assert len(skipped) == len(report.findings) - len(failed)
    passed = {c.get("name") for c in cases if c.find("failure") is None and c.find("skipped") is None}
    assert "regression: no findings" in passed


def test_markdown_is_inert(bank: tuple[Path, dict[str, Any]]) -> None:
    _, doc = bank
    hostile = json.loads(json.dumps(doc))
    hostile["gating"][0].update(name="<script>alert(1)</script> | x", verdict="do_not_proceed")
    hostile["organization"] = "<img src=x onerror=alert(1)>"
    text = outputs.render_markdown(evaluate(hostile, CheckPolicy()))
    assert "<script" not in text and "<img" not in text
    assert "&lt;script>alert(1)&lt;/script> \\| x" in text
    assert text.startswith("## aisma check: ❌ failed (exit 10)")


def _github_commands() -> tuple[dict[str, str], list[str]]:
    workflow = yaml.safe_load((CI / "github-actions.yml").read_text())
    job = workflow["jobs"]["aisma-check"]
    runs = [step["run"] for step in job["steps"] if "run" in step]
    assert any(r.startswith("aisma check ") for r in runs)
    # installing aisma and talking to GitHub's API are the two steps a test cannot take
    return job["env"], [r for r in runs if not r.startswith(("pip install", "gh "))]


def _gitlab_commands() -> tuple[dict[str, str], list[str]]:
    job = yaml.safe_load((CI / "gitlab-ci.yml").read_text())["aisma-check"]
    assert job["before_script"] == ["pip install aisma"]
    assert job["artifacts"]["reports"]["junit"] == "aisma-check.xml"
    return job["variables"], job["script"] + job["after_script"]


@pytest.mark.parametrize("example", ["github", "gitlab"])
def test_ci_examples_run_as_written(tmp_path: Path, example: str) -> None:
    env_vars, commands = _github_commands() if example == "github" else _gitlab_commands()
    workspace = tmp_path / env_vars["AISMA_WORKSPACE"]
    write_example(workspace, overwrite_demo=False)
    summary = tmp_path / "step-summary.md"
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "CI_", "AISMA_"))},
        **env_vars,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "GITHUB_STEP_SUMMARY": str(summary),
    }
    codes = []
    for command in commands:
        done = subprocess.run(
            ["bash", "-e", "-c", command], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600
        )
        assert "Traceback" not in done.stderr
        codes.append(done.returncode)
    report = json.loads((tmp_path / "aisma-check.json").read_text())
    assert codes[0] == report["exit_code"] in CODES
    assert codes[0] != 0  # the example organization fails its own policy: the gate shows why
    assert all(code == 0 for code in codes[1:])  # summary and note steps never fail the job themselves
    validate_sarif((tmp_path / "aisma-check.sarif").read_text())
    validate_junit((tmp_path / "aisma-check.xml").read_text())
    markdown = (tmp_path / "aisma-check.md").read_text()
    assert markdown.startswith(f"## aisma check: ❌ failed (exit {report['exit_code']})")
    if example == "github":
        assert summary.read_text() == markdown
    sarif = json.loads((tmp_path / "aisma-check.sarif").read_text())
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in sarif["runs"][0]["results"]}
    assert f"{env_vars['AISMA_WORKSPACE']}/inventory.yaml" in uris  # repository-relative, as code scanning wants


def test_a_passing_policy_exits_zero(tmp_path: Path) -> None:
    workspace = tmp_path / "ai-security"
    write_example(workspace, overwrite_demo=False)
    with (workspace / "aisma.yaml").open("a") as f:
        f.write("check:\n  fail_on: [regression, new_conflicts, unregistered_ai]\n")
    aisma = shutil.which("aisma", path=str(Path(sys.executable).parent)) or "aisma"
    subprocess.run([aisma, "assess", str(workspace), "--save"], check=True, capture_output=True, timeout=600)
    done = subprocess.run(
        [aisma, "check", str(workspace), "--junit", str(tmp_path / "r.xml")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "aisma check passed" in done.stdout
    suite = validate_junit((tmp_path / "r.xml").read_text())
    assert suite.get("failures") == "0"
