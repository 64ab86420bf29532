"""The sarif collector against the rules of SARIF 2.1.0 that decide what a finding is (see also the real
logs of tests/data/sarif/real, run by test_real_corpus.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.sarif import collector
from collectors.reading import skipped

AT = datetime(2026, 11, 16, 9, tzinfo=UTC)


def log(path: Path, runs: list[dict[str, Any]], version: str = "2.1.0") -> Path:
    path.write_text(json.dumps({"version": version, "runs": runs}))
    return path


def collect(paths: list[Path]) -> CollectionResult:
    return collector().collect(paths, CollectContext(assessed_at=AT, root=paths[0].parent))


def test_rules_named_by_index_into_the_driver_or_an_extension(tmp_path: Path) -> None:
    run = {
        "tool": {
            "driver": {"name": "d", "rules": [{"id": "D0"}, {"id": "D1"}]},
            "extensions": [{"name": "e", "rules": [{"id": "E0"}]}],
        },
        # results before the rules would also do: indexes are resolved when the run ends
        "results": [
            {"ruleIndex": 1},
            {"rule": {"index": 0}},
            {"rule": {"index": 0, "toolComponent": {"index": 0}}},
            {"rule": {"id": "BY-ID"}},
            {"ruleIndex": 7},
            {"message": {"text": "no rule at all"}},
        ],
    }
    result = collect([log(tmp_path / "a.sarif", [run])])
    (m,) = result.measurements
    assert m.value == 6
    assert m.details == ("(no rule): 1", "(rule #7): 1", "BY-ID: 1", "D0: 1", "D1: 1", "E0: 1")


def test_suppressed_pass_and_absent_results_are_not_findings(tmp_path: Path) -> None:
    results = [
        {"ruleId": "a", "suppressions": [{"kind": "inSource"}]},  # status absent: suppressed
        {"ruleId": "a", "suppressions": [{"kind": "external", "status": "accepted"}]},
        {"ruleId": "b", "suppressions": [{"kind": "external", "status": "underReview"}]},  # still a finding
        {"ruleId": "b", "suppressions": [{"kind": "inSource"}, {"kind": "external", "status": "rejected"}]},
        {"ruleId": "c", "suppressions": []},  # suppression info, none applies
        {"ruleId": "d", "kind": "pass"},
        {"ruleId": "d", "kind": "notApplicable"},
        {"ruleId": "d", "kind": "informational"},
        {"ruleId": "e", "kind": "open"},
        {"ruleId": "e", "kind": "review"},
        {"ruleId": "f", "baselineState": "absent"},
        {"ruleId": "f", "baselineState": "unchanged"},
    ]
    result = collect([log(tmp_path / "a.sarif", [{"tool": {"driver": {"name": "t"}}, "results": results}])])
    (m,) = result.measurements
    assert m.value == 6
    assert m.details == ("b: 2", "e: 2", "c: 1", "f: 1")
    assert (
        "a.sarif: not counted as findings: 2 suppressed; 3 of kind pass, notApplicable or informational; "
        "1 absent from the run (baselineState absent)"
    ) in result.warnings


def test_each_run_is_its_own_tool_dated_by_its_invocation(tmp_path: Path) -> None:
    runs = [
        {
            "tool": {"driver": {"name": "CodeQL", "semanticVersion": "2.20.1"}},
            "invocations": [{"startTimeUtc": "2026-11-01T10:00:00Z", "endTimeUtc": "2026-11-01T10:30:00Z"}],
            "results": [{"ruleId": "js/x"}],
        },
        {
            "tool": {"driver": {"name": "ESLint", "version": "9.1.0"}},
            "invocations": [{"startTimeUtc": "2026-11-02T08:00:00Z"}],
            "results": [{"ruleId": "no-eval"}, {"ruleId": "no-eval"}],
        },
        {"tool": {"driver": {"name": "Skipped"}}, "results": None},
    ]
    result = collect([log(tmp_path / "merged.sarif", runs)])
    got = [(m.source.tool, m.source.version, m.value, m.observed_at) for m in result.measurements]
    assert got == [
        ("CodeQL", "2.20.1", 1, datetime(2026, 11, 1, 10, 30, tzinfo=UTC)),
        ("ESLint", "9.1.0", 2, datetime(2026, 11, 2, 8, 0, tzinfo=UTC)),
    ]
    assert result.warnings == (
        "merged.sarif: run 3 (Skipped) has no results array (the tool did not run or recorded nothing); not counted",
    )


def test_other_versions_and_shapes_are_one_line(tmp_path: Path) -> None:
    context = CollectContext(assessed_at=AT)
    old = log(tmp_path / "old.sarif", [], version="2.0.0-csd.2.beta.2018-10-10")
    assert skipped(collector(), [old], context).endswith(
        "old.sarif: SARIF version 2.0.0-csd.2.beta.2018-10-10 is not supported; "
        "expected a SARIF 2.1.0 log (an object with version 2.1.0 and runs)"
    )
    bad = tmp_path / "bad.sarif"
    bad.write_text('{"version": "2.1.0", "runs": {"not": "a list"}}')
    assert "bad.sarif: runs is not a list" in skipped(collector(), [bad], context)
