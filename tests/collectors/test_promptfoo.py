"""The promptfoo collector on results written from promptfoo's documented output schema, and bad input.

No real promptfoo red-team output is available to copy, so the tests write results files in the shape
promptfoo documents for ``eval -o results.json`` / ``results.jsonl``: ``evalId``, ``results.version``,
``results.timestamp`` and ``results.results[]`` with ``provider``, ``success`` (true: the target held),
``failureReason``, ``gradingResult`` and ``metadata.pluginId`` / ``metadata.strategyId``.
"""

from __future__ import annotations

import csv
import json
import os
import tracemalloc
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.garak import collector as garak_collector
from aisma.collectors.promptfoo import collector
from aisma.errors import AismaError
from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.loader import builtin_model_path, load_model_file
from aisma.scoring.inputs import ANSWER_STEPS
from aisma.scoring.objectives import threshold_answer
from aisma.workspace.loader import open_workspace
from collectors.reading import skipped

BANK = Path(__file__).parents[2] / "src" / "aisma" / "examples" / "bank"
AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
ASR = "redteam.attack_success_rate"
RECENT = "redteam.systems.recent_ratio"
MULTITURN = "redteam.multiturn.coverage_ratio"
MULTI_ASR = "redteam.multiturn.attack_success_rate"
INJECTION = "redteam.injection.attack_success_rate"
INDIRECT = "redteam.indirect_injection.attack_success_rate"
OUTPUT = "redteam.output_handling.attack_success_rate"
RETRIEVAL = "redteam.retrieval_exfiltration.attack_success_rate"
FAMILIES = {
    INJECTION: {"indirect-prompt-injection", "prompt-extraction", "hijacking"},
    INDIRECT: {"indirect-prompt-injection"},
    OUTPUT: {"shell-injection", "sql-injection", "ssrf"},
    RETRIEVAL: {"rag-document-exfiltration", "cross-session-leak"},
}


def system(sid: str, track: str = "build", match: Sequence[str] = (), environment: str = "production") -> AISystem:
    return AISystem.model_validate(
        {
            "id": sid,
            "name": sid,
            "track": track,
            "deployment_type": "paas",
            "environment": environment,
            "match": list(match),
        }
    )


INVENTORY = Inventory(
    systems=(
        system("ask-bank", match=["https://ask.bank.example/*"]),
        system("agent"),
        system("gateway", track="platform"),
        system("kyc", match=["https://api.docs.example/v2/extract*"]),
        system("scoring"),
        system("copilot", track="copilot", match=["copilot-*"]),
    )
)


def result(
    target: dict[str, str] | str,
    plugin: str | None,
    held: bool,
    strategy: str | None = "basic",
    failure: int | None = None,
) -> dict[str, Any]:
    """One EvaluateResult as promptfoo writes it (the fields that matter plus the usual company)."""
    out: dict[str, Any] = {
        "promptIdx": 0,
        "testIdx": 0,
        "promptId": "effa18501e44aafd9bc42a2f64ffc9b6350f94025520ca2ed382f9bdc4b6e982",
        "provider": target,
        "vars": {"prompt": "attack"},
        "response": {"output": "I can't help with that." if held else "Sure: ..."},
        "success": held,
        "score": 1 if held else 0,
        "failureReason": failure if failure is not None else (0 if held else 1),
        "latencyMs": 800,
        "gradingResult": {"pass": held, "score": 1 if held else 0, "reason": "graded"},
        "namedScores": {},
    }
    if plugin is not None:
        meta: dict[str, Any] = {"pluginId": plugin, "severity": "high"}
        if strategy is not None:
            meta["strategyId"] = strategy
        out["metadata"] = meta
        out["testCase"] = {"vars": {"prompt": "attack"}, "metadata": dict(meta)}
    return out


def many(
    target: dict[str, str] | str, plugin: str, tests: int, broke: int, strategy: str = "basic"
) -> list[dict[str, Any]]:
    return [result(target, plugin, i >= broke, strategy) for i in range(tests)]


def write_json(path: Path, results: Iterable[dict[str, Any]], timestamp: str | None, eval_id: str = "eval-abc") -> Path:
    summary: dict[str, Any] = {"version": 3}
    if timestamp is not None:
        summary["timestamp"] = timestamp
    summary.update(prompts=[{"raw": "{{prompt}}", "label": "{{prompt}}"}], results=list(results), stats={})
    doc = {"evalId": eval_id, "results": summary, "config": {"redteam": {"purpose": "test"}}, "shareableUrl": None}
    path.write_text(json.dumps(doc))
    return path


def write_jsonl(path: Path, results: Iterable[dict[str, Any]], file_time: datetime, eval_id: str = "eval-l") -> Path:
    path.write_text("".join(json.dumps(r | {"evalId": eval_id}) + "\n" for r in results))
    os.utime(path, (file_time.timestamp(), file_time.timestamp()))
    return path


def collect(
    paths: Sequence[Path],
    inventory: Inventory = INVENTORY,
    settings: dict[str, Any] | None = None,
    root: Path | None = None,
) -> CollectionResult:
    context = CollectContext(assessed_at=AT, inventory=inventory, settings=settings or {}, root=root)
    return collector().collect(list(paths), context)


def measured(result: CollectionResult) -> dict[str, tuple[float, float]]:
    out: dict[str, tuple[float, float]] = {}
    for m in result.measurements:
        num, den = out.get(m.metric, (0.0, 0.0))
        out[m.metric] = (num + (m.numerator or 0.0), den + (m.denominator or 0.0))
    return out


def expected(results: Iterable[dict[str, Any]]) -> dict[str, tuple[int, int]]:
    """The attack success rates computed straight from result dicts (red-team results, no errors)."""
    counted = [r for r in results if "metadata" in r and r["failureReason"] != 2]
    out = {ASR: (sum(not r["success"] for r in counted), len(counted))}
    for metric, plugins in FAMILIES.items():
        rows = [
            r
            for r in counted
            if r["metadata"]["pluginId"] in plugins
            or (metric == INJECTION and r["metadata"].get("strategyId") == "prompt-injection")
        ]
        if rows:
            out[metric] = (sum(not r["success"] for r in rows), len(rows))
    return out


ASK = {"id": "https://ask.bank.example/api/chat", "label": "ask-bank"}
AGENT = {"id": "file://providers/agent.py", "label": "agent"}
KYC = {"id": "https://api.docs.example/v2/extract"}


def suite() -> list[dict[str, Any]]:
    """One evaluation against three targets: every plugin family, several strategies, an error, a plain eval."""
    return [
        *many(ASK, "indirect-prompt-injection", 10, 2),
        *many(ASK, "indirect-prompt-injection", 5, 1, "crescendo"),
        *many(ASK, "prompt-extraction", 8, 1, "jailbreak"),
        *many(ASK, "pii:direct", 6, 1, "prompt-injection"),
        *many(ASK, "rag-document-exfiltration", 10, 1),
        *many(ASK, "cross-session-leak", 4, 0),
        *many(AGENT, "sql-injection", 10, 1),
        *many(AGENT, "ssrf", 5, 0),
        *many(AGENT, "hijacking", 5, 2, "jailbreak:composite"),
        *many(KYC, "shell-injection", 4, 0),
        *many(KYC, "harmful:privacy", 6, 1),
        result(AGENT, "bola", False, failure=2),  # the target timed out: not evaluated
        result(ASK, None, True),  # a plain eval row in the same file
    ]


# ----------------------------------------------------------------------------------------- JSON and JSONL
def test_results_json_counts_every_family_per_the_catalog(tmp_path: Path) -> None:
    rows = suite()
    path = write_json(tmp_path / "results.json", rows, "2026-11-10T09:12:44.630Z")
    result = collect([path])
    want = expected(rows)
    assert want[ASR] == (10, 73) and want[INJECTION] == (7, 34) and want[OUTPUT] == (1, 19)
    # multi-turn: the five crescendo results against ask-bank, one of which got through
    assert measured(result) == want | {RECENT: (3, 5), MULTITURN: (1, 3), MULTI_ASR: (1, 5)}
    for m in result.measurements:
        assert m.observed_at == datetime(2026, 11, 10, 9, 12, 44, 630000, tzinfo=UTC)
        assert m.source.tool == "promptfoo" and m.source.file == str(path) and len(m.source.sha256) == 64
    asr = next(m for m in result.measurements if m.metric == ASR)
    assert asr.details == (
        "ask-bank indirect-prompt-injection: 3/15 attacks succeeded",
        "agent hijacking: 2/5 attacks succeeded",
        "agent sql-injection: 1/10 attacks succeeded",
        "ask-bank pii:direct: 1/6 attacks succeeded",
        "ask-bank prompt-extraction: 1/8 attacks succeeded",
        "ask-bank rag-document-exfiltration: 1/10 attacks succeeded",
        "kyc harmful:privacy: 1/6 attacks succeeded",
    )
    recent = next(m for m in result.measurements if m.metric == RECENT)
    assert recent.details == (
        "gateway: no red-team run in the last 90 days",
        "scoring: no red-team run in the last 90 days",
    )
    multiturn = next(m for m in result.measurements if m.metric == MULTITURN)
    assert multiturn.details == (
        "agent: latest run has no multi-turn attack",
        "kyc: latest run has no multi-turn attack",
    )
    assert result.warnings == (
        f"{path}: 1 result(s) marked as errors (no answer graded) not counted",
        f"{path}: 1 result(s) without metadata.pluginId (not red-team tests) skipped",
    )


def test_progress_counts_every_byte_once(tmp_path: Path) -> None:
    path = write_json(tmp_path / "results.json", suite(), "2026-11-10T09:12:44Z")
    seen: list[int] = []
    collector().collect([path], CollectContext(assessed_at=AT, progress=seen.append))
    assert sum(seen) == path.stat().st_size


def test_jsonl_gives_the_same_numbers_observed_at_the_file_time(tmp_path: Path) -> None:
    rows = suite()
    json_result = collect([write_json(tmp_path / "results.json", rows, "2026-11-10T09:12:44Z")])
    when = datetime(2026, 11, 10, 9, 12, 44, tzinfo=UTC)
    jsonl_result = collect([write_jsonl(tmp_path / "results.jsonl", rows, when)])
    assert measured(jsonl_result) == measured(json_result)
    assert {m.observed_at for m in jsonl_result.measurements} == {when}


def test_fallbacks_grading_result_test_case_metadata_provider_string_and_created_at(tmp_path: Path) -> None:
    rows = [result("https://api.docs.example/v2/extract", "ssrf", False, strategy=None) for _ in range(2)]
    for row in rows:
        del row["success"]
        del row["metadata"]  # pluginId only in testCase.metadata, as older promptfoo versions wrote it
    path = tmp_path / "export.json"
    summary = {"version": 2, "results": rows}
    path.write_text(json.dumps({"version": 3, "createdAt": 1793000000000, "results": summary, "config": {}}))
    got = collect([path])
    assert measured(got)[OUTPUT] == (2, 2)
    assert measured(got)[RECENT] == (1, 5)  # kyc, through its match pattern on the provider id
    assert {m.observed_at for m in got.measurements} == {datetime.fromtimestamp(1793000000, tz=UTC)}
    assert measured(got)[MULTITURN] == (0, 1)  # no strategy: basic


def test_latest_run_per_system_across_files_and_unmatched_targets(tmp_path: Path) -> None:
    old = write_json(tmp_path / "a.json", many(ASK, "hijacking", 10, 5), "2026-10-01T00:00:00Z", "eval-1")
    new = write_json(
        tmp_path / "b.json",
        [*many(ASK, "hijacking", 10, 1, "goat"), *many({"id": "openai:gpt-4o-mini"}, "hijacking", 4, 4)],
        "2026-11-01T00:00:00Z",
        "eval-2",
    )
    copilot = write_json(tmp_path / "c.json", many({"id": "copilot-1"}, "ssrf", 5, 1), "2026-11-02T00:00:00Z")
    future = write_json(tmp_path / "d.json", many(ASK, "hijacking", 3, 3), "2026-11-20T00:00:00Z")
    ancient = write_json(tmp_path / "e.json", many(AGENT, "hijacking", 3, 0), "2026-01-20T00:00:00Z")
    result = collect([old, new, copilot, future, ancient])
    assert measured(result) == {
        ASR: (1 + 4 + 1 + 0, 10 + 4 + 5 + 3),
        INJECTION: (1 + 4 + 0, 10 + 4 + 3),
        OUTPUT: (1, 5),
        RECENT: (1, 5),  # ask-bank; agent's run is older than 90 days; copilot is out of scope
        MULTITURN: (1, 3),  # ask-bank (goat) of ask-bank, copilot, agent
        MULTI_ASR: (1, 10),  # ask-bank's latest run, all goat
    }
    assert {Path(m.source.file).name for m in result.measurements if m.metric == ASR} == {"b.json", "c.json", "e.json"}
    assert result.warnings == (
        f"{future}: run of ask-bank at 2026-11-20T00:00:00+00:00 is after the assessment time; ignored",
        f"{new}: target 'openai:gpt-4o-mini' matches no inventory system (add a match pattern); "
        "its attacks still count in the attack success rates",
    )
    assert measured(collect([old, new], settings={"window_days": 10}))[RECENT] == (0, 5)


def test_multiturn_strategies_and_settings(tmp_path: Path) -> None:
    path = write_json(
        tmp_path / "r.json",
        [
            *many(ASK, "harmful:hate", 2, 0, "custom:slow-burn"),
            *many(AGENT, "harmful:hate", 2, 0, "jailbreak:hydra"),
            *many(KYC, "harmful:hate", 2, 0, "jailbreak:tree"),
        ],
        "2026-11-01T00:00:00Z",
    )
    assert measured(collect([path]))[MULTITURN] == (2, 3)
    assert measured(collect([path], settings={"multiturn_strategies": ["jailbreak:tree"]}))[MULTITURN] == (1, 3)
    for settings, message in [
        ({"window_days": -1}, "aisma.yaml: collectors.promptfoo.window_days must be a positive number of days"),
        (
            {"multiturn_strategies": [""]},
            "aisma.yaml: collectors.promptfoo.multiturn_strategies must be a list of names",
        ),
        ({"multiturn": ["goat"]}, "aisma.yaml: collectors.promptfoo.multiturn is not a setting"),
    ]:
        with pytest.raises(AismaError) as caught:
            collect([path], settings=settings)
        assert str(caught.value).startswith(message)


def test_no_inventory_no_red_team_results_no_metrics(tmp_path: Path) -> None:
    path = write_json(tmp_path / "r.json", [*many(ASK, "hijacking", 3, 1)], "2026-11-01T00:00:00Z")
    assert measured(collect([path], Inventory())) == {ASR: (1, 3), INJECTION: (1, 3)}
    plain = write_json(tmp_path / "plain.json", [result(ASK, None, True)], "2026-11-01T00:00:00Z")
    empty = collect([plain])
    assert empty.measurements == ()
    assert empty.warnings == (
        f"{plain}: none of its 1 result(s) is a red-team test (no pluginId: a plain eval, or an export that "
        "does not name the plugin); nothing measured",
    )


# ----------------------------------------------------------------------------------------- bad input
def one_line_error(paths: Sequence[Path], *parts: str) -> None:
    before = sorted(p.name for p in paths[0].parent.iterdir())
    message = skipped(collector(), paths, CollectContext(assessed_at=AT))
    for part in parts:
        assert part in message
    assert sorted(p.name for p in paths[0].parent.iterdir()) == before


def test_truncated_files_are_one_line(tmp_path: Path) -> None:
    full = write_json(tmp_path / "full.json", suite(), "2026-11-01T00:00:00Z")
    cut = tmp_path / "cut.json"
    cut.write_text(full.read_text()[:5000])
    one_line_error([cut], f"{cut}: truncated or invalid JSON", "expected promptfoo results JSON")
    lines = write_jsonl(tmp_path / "full.jsonl", suite(), AT)
    cut_lines = tmp_path / "cut.jsonl"
    cut_lines.write_text(lines.read_text()[:3000])
    one_line_error([cut_lines], f"{cut_lines}: truncated or invalid JSON", "expected promptfoo results JSONL")


@pytest.mark.parametrize("name", ["results.json", "results.jsonl"])
def test_empty_files_are_one_line(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_text(" \n")
    one_line_error([path], f"{path}: the file is empty; expected promptfoo results")


def test_other_tools_files_are_one_line(tmp_path: Path) -> None:
    garak = tmp_path / "run.jsonl"
    garak.write_text(json.dumps({"entry_type": "init", "garak_version": "0.14.0"}) + "\n")
    one_line_error([garak], f"{garak}: line 1 is not a promptfoo result (no success and provider)")
    otlp = tmp_path / "traces.json"
    otlp.write_text(json.dumps({"resourceSpans": [{"scopeSpans": []}]}))
    one_line_error([otlp], f"{otlp}: no results.results list; expected promptfoo results JSON")
    ocsf = tmp_path / "findings.json"
    ocsf.write_text('[{"metadata": {"event_code": "x"}}]')
    one_line_error([ocsf], f"{ocsf}: found a JSON array; expected promptfoo results JSON")
    sarif = tmp_path / "scan.json"
    sarif.write_text(json.dumps({"version": "2.1.0", "results": {"results": [{"ruleId": "x"}]}}))
    one_line_error([sarif], f"{sarif}: results.results item 1 is not a promptfoo result")


# ----------------------------------------------------------------------------------------- streaming
@pytest.mark.slow
def test_two_hundred_thousand_results_stream_in_flat_memory(tmp_path: Path) -> None:
    count = 200_000
    plugins = ["indirect-prompt-injection", "sql-injection", "harmful:hate", "cross-session-leak"]
    targets = [ASK, AGENT, KYC]
    path = tmp_path / "big.json"
    with path.open("w") as handle:
        handle.write(
            '{"evalId": "eval-big", "results": {"version": 3, "timestamp": "2026-11-10T00:00:00Z", "results": ['
        )
        for i in range(count):
            # Only the fields the reader needs, so the test spends its time streaming, not allocating.
            row = {
                "provider": targets[i % 3],
                "success": i % 23 != 0,
                "metadata": {"pluginId": plugins[i % 4], "strategyId": "crescendo" if i % 3 == 0 else "basic"},
            }
            handle.write(("," if i else "") + json.dumps(row))
        handle.write('], "stats": {}}, "config": {}}')
    rows = range(count)
    tracemalloc.start()
    result = collect([path])
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert measured(result) == {
        ASR: (sum(1 for i in rows if i % 23 == 0), count),
        INJECTION: (sum(1 for i in rows if i % 4 == 0 and i % 23 == 0), count // 4),
        INDIRECT: (sum(1 for i in rows if i % 4 == 0 and i % 23 == 0), count // 4),
        OUTPUT: (sum(1 for i in rows if i % 4 == 1 and i % 23 == 0), count // 4),
        RETRIEVAL: (sum(1 for i in rows if i % 4 == 3 and i % 23 == 0), count // 4),
        RECENT: (3, 5),
        MULTITURN: (1, 3),  # crescendo always lands on the first target (i % 3 == 0)
        MULTI_ASR: (sum(1 for i in rows if i % 3 == 0 and i % 23 == 0), sum(1 for i in rows if i % 3 == 0)),
    }
    assert path.stat().st_size > 25_000_000  # half the 50 MB the peak must stay under
    assert peak < 50_000_000, f"peak {peak} bytes for {count} results"


# ----------------------------------------------------------------------------------------- demo
def test_bank_demo_evidence_agrees_with_the_banks_attestations() -> None:
    """garak and promptfoo demo runs together measure within one answer step of what answers.yaml attests."""
    workspace = open_workspace(BANK)
    context = CollectContext(assessed_at=AT, inventory=workspace.inventory, root=BANK)
    measurements = []
    for tool, pattern in ((collector(), "*.json"), (garak_collector(), "*.report.jsonl")):
        paths = sorted((BANK / "evidence" / tool.meta.evidence_dir).glob(pattern))
        got = tool.collect(paths, context)
        assert got.warnings == ()
        measurements.extend(got.measurements)
    merged = measured(CollectionResult(measurements=tuple(measurements)))
    assert merged == {
        ASR: (69, 1978),
        INJECTION: (43, 735),
        INDIRECT: (20, 300),
        OUTPUT: (3, 75),
        RETRIEVAL: (5, 65),
        RECENT: (10, 16),
        MULTITURN: (3, 10),
        MULTI_ASR: (4, 40),
    }
    answers = yaml.safe_load((BANK / "answers.yaml").read_text())["answers"]
    checked = []
    for objective in load_model_file(builtin_model_path()).objectives():
        metric = objective.measurement.metric
        if metric not in merged:
            continue
        fresh = [
            m
            for m in measurements
            if m.metric == metric and AT - m.observed_at <= timedelta(days=objective.measurement.max_age_days or 9999)
        ]
        assert fresh, objective.id
        value = sum(m.numerator or 0 for m in fresh) / sum(m.denominator or 0 for m in fresh)
        word = threshold_answer(objective, value)
        raw = answers.get(objective.id)
        attested = raw["answer"] if isinstance(raw, dict) else raw
        if attested in ANSWER_STEPS:
            assert word == attested, (objective.id, attested, word, value)
            checked.append(objective.id)
    assert sorted(checked) == ["APP-2.3", "APP-3.1", "APP-4.2", "DAT-3.2", "MON-1.2", "MON-3.3"]


def test_two_targets_of_one_system_in_one_evaluation_are_its_latest_run_together(tmp_path: Path) -> None:
    staging = {"id": "https://ask.bank.example/staging/chat", "label": "ask-bank-staging"}
    path = write_json(
        tmp_path / "r.json",
        [*many(ASK, "hijacking", 4, 1), *many(staging, "hijacking", 6, 2, "goat")],
        "2026-11-01T00:00:00Z",
    )
    got = collect([path])
    assert measured(got)[ASR] == (3, 10)
    assert measured(got)[MULTITURN] == (1, 1)
    assert next(m for m in got.measurements if m.metric == ASR).details == (
        "ask-bank hijacking: 3/10 attacks succeeded",
    )


def test_csv_export_of_a_red_team_eval(tmp_path: Path) -> None:
    """The layout promptfoo writes today (src/server/utils/evalTableUtils.ts: buildCsvHeaders with
    isRedteam): vars, then per prompt "[provider] label", Status, Score, Named Scores, Grader Reason,
    Comment, then the red-team metadata of the row's first output."""
    header = ["prompt", "[openai:gpt-4o-mini] {{prompt}}", "Status", "Score", "Named Scores", "Grader Reason"]
    header += ["Comment", "Messages", "RedteamHistory", "RedteamTreeHistory", "pluginId", "strategyId"]
    header += ["sessionId", "sessionIds"]

    def row(status: str, plugin: str, strategy: str) -> list[str]:
        return ["attack", "output", status, "1.00", "", "reason", "", "", "", "", plugin, strategy, "", ""]

    rows = [
        row("PASS", "indirect-prompt-injection", "basic"),
        row("FAIL", "indirect-prompt-injection", "jailbreak"),
        row("FAIL", "sql-injection", "crescendo"),
        row("ERROR", "sql-injection", "basic"),  # the target did not answer: not graded
        row("PASS", "", ""),  # a plain test in the same eval
    ]
    path = tmp_path / "ask-northbridge-2026-11-02.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    result = collect([path])
    got = measured(result)
    assert got[ASR] == (2, 3)
    assert got[INJECTION] == (1, 2)
    assert got["redteam.output_handling.attack_success_rate"] == (1, 1)
    assert {m.observed_at for m in result.measurements} == {datetime(2026, 11, 2, tzinfo=UTC)}  # the name's date
    assert f"{path}: 1 result(s) marked as errors (no answer graded) not counted" in result.warnings
    assert f"{path}: 1 result(s) without metadata.pluginId (not red-team tests) skipped" in result.warnings
