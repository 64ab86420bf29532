"""``aisma check``: each rule, its exit code, baselines, the policy in aisma.yaml, bad input."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from aisma.assurance.gate import RULES, evaluate
from aisma.cli.main import run
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.workspace.config import CHECK_RULES, CheckPolicy

pytestmark = pytest.mark.slow  # the bank example assessed for every rule

AT = DEMO_ASSESSED_AT
EXIT = {r.id: r.exit_code for r in RULES}


@pytest.fixture(scope="module")
def bank_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("check") / "bank"
    write_example(directory, overwrite_demo=False)
    return directory


@pytest.fixture(scope="module")
def bank_doc(bank_dir: Path) -> dict[str, Any]:
    from aisma.cli.assess_cmd import parse_at
    from aisma.workspace.run import assess_workspace

    return assess_workspace(bank_dir, parse_at(AT)).to_dict()


def fresh_bank(tmp_path: Path) -> Path:
    directory = tmp_path / "bank"
    write_example(directory, overwrite_demo=False)
    return directory


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_exit_codes_are_distinct_and_ordered() -> None:
    codes = [r.exit_code for r in RULES]
    assert len(set(codes)) == len(codes) and codes == sorted(codes)
    assert not {0, 1, 2, 70} & set(codes)  # passed, bad input, usage error, internal error
    assert tuple(r.id for r in RULES) == CHECK_RULES


@pytest.mark.parametrize("rule", ["do_not_proceed", "below_target", "unregistered_ai", "new_conflicts"])
def test_each_rule_alone_exits_with_its_code(bank_dir: Path, capsys: pytest.CaptureFixture[str], rule: str) -> None:
    code, out, err = call(capsys, "check", str(bank_dir), "--at", AT, "--baseline", "none", "--fail-on", rule)
    assert code == EXIT[rule], out + err
    assert f"exit {EXIT[rule]}" in out and f"({rule})" in out


def test_every_rule_failing_exits_with_the_first(bank_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "check", str(bank_dir), "--at", AT, "--format", "json")
    report = json.loads(out)
    assert code == report["exit_code"] == EXIT["do_not_proceed"]
    failing = {f["rule"] for f in report["findings"] if f["failing"]}
    assert failing == {"do_not_proceed", "below_target", "unregistered_ai", "new_conflicts"}


def test_stale_evidence_later(bank_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(
        capsys, "check", str(bank_dir), "--at", "2027-09-01", "--fail-on", "stale_evidence", "--format", "json"
    )
    assert code == EXIT["stale_evidence"]
    stale = [f for f in json.loads(out)["findings"] if f["rule"] == "stale_evidence"]
    assert stale and all(f["failing"] for f in stale)
    # each points at the tool output it was measured from
    assert any(f["file"].startswith("evidence/") for f in stale)


def test_nothing_stale_on_the_assessment_day(bank_doc: dict[str, Any]) -> None:
    report = evaluate(bank_doc, CheckPolicy())
    assert report.by_rule("stale_evidence") == ()


def test_regression_against_the_latest_snapshot(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = fresh_bank(tmp_path)
    assert call(capsys, "assess", str(directory), "--at", AT, "--save")[0] == 0
    # the same state passes the regression, conflict and shadow-AI rules: they are all known
    code, out, _ = call(
        capsys, "check", str(directory), "--at", AT, "--format", "json", "--fail-on", "regression,unregistered_ai"
    )
    report = json.loads(out)
    assert code == 0, out
    assert report["baseline"].startswith("history/")
    assert [f for f in report["findings"] if f["rule"] in ("regression", "unregistered_ai", "new_conflicts")] == []
    # a governance answer withdrawn: GOV drops a level
    answers = directory / "answers.yaml"
    text = answers.read_text()
    assert "  GOV-1.1:\n    answer: fully\n" in text
    answers.write_text(text.replace("  GOV-1.1:\n    answer: fully\n", "  GOV-1.1:\n    answer: not\n", 1))
    code, out, _ = call(capsys, "check", str(directory), "--at", AT, "--format", "json", "--fail-on", "regression")
    report = json.loads(out)
    assert code == EXIT["regression"]
    subjects = {f["subject"] for f in report["findings"] if f["rule"] == "regression"}
    assert "GOV.level" in subjects
    gov = next(f for f in report["findings"] if f["subject"] == "GOV.level")
    assert gov["file"] == "aisma.yaml"
    # a named baseline that is not there is a one-line error
    code, _, err = call(capsys, "check", str(directory), "--at", AT, "--baseline", "1999")
    assert code == 1 and "no snapshot named 1999" in err


def test_the_check_is_as_of_the_pinned_time(
    bank_dir: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --at, `aisma check` assesses as of the workspace's as_of, like `aisma assess`, whatever today is:
    a baseline saved by `aisma assess --save` is compared with the same moment, not with a later, staler one."""
    from datetime import UTC, datetime

    from aisma.workspace import clock

    monkeypatch.setattr(clock, "wall_clock", lambda: datetime(2028, 2, 29, tzinfo=UTC))
    code, out, _ = call(capsys, "check", str(bank_dir), "--format", "json", "--fail-on", "stale_evidence")
    assert code == 0, out
    assert json.loads(out)["assessed_at"] == DEMO_ASSESSED_AT
    code, out, _ = call(
        capsys, "check", str(bank_dir), "--at", "now", "--format", "json", "--fail-on", "stale_evidence"
    )
    assert code == EXIT["stale_evidence"] and json.loads(out)["assessed_at"].startswith("2028-02-29")


def test_baseline_from_a_result_file(
    tmp_path: Path, bank_doc: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    directory = fresh_bank(tmp_path)
    better = copy.deepcopy(bank_doc)
    better["overall"]["score"] = 4.0
    better["categories"][0]["evidenced_level"] = 5
    (directory / "baseline.json").write_text(json.dumps(better))
    code, out, _ = call(
        capsys, "check", str(directory), "--at", AT, "--baseline", "baseline.json", "--format", "json",
        "--fail-on", "regression",
    )  # fmt: skip
    report = json.loads(out)
    assert code == EXIT["regression"]
    assert report["baseline"] == "baseline.json"
    subjects = {f["subject"] for f in report["findings"] if f["rule"] == "regression"}
    assert subjects == {"overall.score", f"{better['categories'][0]['id']}.evidenced_level"}
    code, _, err = call(capsys, "check", str(directory), "--baseline", "missing.json")
    assert code == 1 and "missing.json: no such result file" in err


def test_policy_in_aisma_yaml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    directory = fresh_bank(tmp_path)
    config = directory / "aisma.yaml"
    config.write_text(
        config.read_text()
        + "check:\n  fail_on: [below_target]\n  categories: [GOV, INV]\n  environments: [production, pilot]\n"
    )
    code, out, _ = call(capsys, "check", str(directory), "--at", AT, "--format", "json")
    report = json.loads(out)
    assert code == EXIT["below_target"]
    below = {f["subject"] for f in report["findings"] if f["rule"] == "below_target"}
    assert below == {"GOV", "INV"}
    # the pilot multi-agent system now counts, but do_not_proceed is reported only
    gated = {f["subject"]: f["failing"] for f in report["findings"] if f["rule"] == "do_not_proceed"}
    assert gated.get("aml-investigations") is False
    assert {r["id"]: r["gating"] for r in report["rules"]}["below_target"] is True


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("check:\n  fail_on: [shadow]\n", "check.fail_on"),
        ("check:\n  categories: [NOPE]\n", "check.categories: NOPE is not a category"),
        ("check:\n  score_tolerance: .nan\n", "check.score_tolerance"),
        ("check:\n  environments: [retired]\n", "check.environments"),
    ],
)
def test_bad_policy_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], policy: str, expected: str
) -> None:
    directory = fresh_bank(tmp_path)
    config = directory / "aisma.yaml"
    config.write_text(config.read_text() + policy)
    code, out, err = call(capsys, "check", str(directory), "--at", AT)
    assert code == 1 and out == ""
    assert expected in err and "aisma.yaml" in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_bad_fail_on_option(bank_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "check", str(bank_dir), "--fail-on", "regression,typo")
    assert code == 1 and "--fail-on typo: not a rule" in err


def test_not_a_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "check", str(tmp_path / "nope"))
    assert code == 1 and "no such workspace folder" in err


def test_rules_on_hand_made_results(bank_doc: dict[str, Any]) -> None:
    doc = copy.deepcopy(bank_doc)
    gate = doc["gating"][0]
    gate.update(verdict="marginal", evidenced_verdict="do_not_proceed")
    system = gate["system"]
    claimed = evaluate(doc, CheckPolicy(), environments={system: "production"})
    evidenced = evaluate(doc, CheckPolicy(verdict="evidenced"), environments={system: "production"})
    assert system not in {f.subject for f in claimed.by_rule("do_not_proceed")}
    assert system in {f.subject for f in evidenced.by_rule("do_not_proceed")}
    dev = evaluate(doc, CheckPolicy(verdict="evidenced"), environments={system: "development"})
    assert system not in {f.subject for f in dev.by_rule("do_not_proceed")}
    # score tolerance: a drop of 0.05 is tolerated at 0.1, not at 0
    before = copy.deepcopy(bank_doc)
    after = copy.deepcopy(bank_doc)
    after["overall"]["score"] = round(before["overall"]["score"] - 0.05, 2)
    assert {f.subject for f in evaluate(after, CheckPolicy(), baseline=before).by_rule("regression")} == {
        "overall.score"
    }
    assert evaluate(after, CheckPolicy(score_tolerance=0.1), baseline=before).by_rule("regression") == ()
    # a conflict already in the baseline is not new; one that appeared is
    assert evaluate(bank_doc, CheckPolicy(), baseline=bank_doc).by_rule("new_conflicts") == ()
    no_conflicts = copy.deepcopy(bank_doc)
    for c in no_conflicts["categories"]:
        for o in c["objectives"]:
            o["conflict"] = None
    new = evaluate(bank_doc, CheckPolicy(), baseline=no_conflicts).by_rule("new_conflicts")
    assert [f.subject for f in new] == ["IRR-2.1"]


def test_nothing_in_fail_on_always_passes(bank_doc: dict[str, Any]) -> None:
    report = evaluate(bank_doc, CheckPolicy(fail_on=()))
    assert report.findings and report.passed and report.exit_code == 0
