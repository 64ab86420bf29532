"""Stream a SARIF 2.1.0 log into counts per run: findings per rule, and what was not a finding.

The rules of the specification (OASIS SARIF 2.1.0) that decide what counts:

- every run is its own tool's (§3.14): a log merged from several tools has several runs, each
  credited to its ``tool.driver`` (name, version) and dated by its own ``invocations``
  (§3.20.7-8: the latest ``endTimeUtc``, else ``startTimeUtc``);
- a run whose ``results`` is null or absent did not run (§3.14.23): nothing is counted for it;
- a result names its rule by ``ruleId``, or ``rule.id``, or ``ruleIndex`` / ``rule.index`` into the
  rules of ``tool.driver`` (or of the extension ``rule.toolComponent.index`` names) (§3.27.5-7,
  §3.52.3); the rules may come after the results in the file, so indexes are resolved at the run's end;
- ``kind`` (§3.27.9, default ``fail``): ``pass``, ``notApplicable`` and ``informational`` results are
  not findings; ``fail``, ``open`` and ``review`` are;
- ``baselineState`` ``absent`` (§3.27.24) is a result of the baseline that is gone: not a finding;
- a result is suppressed (§3.27.23, §3.35.3) when its ``suppressions`` array is not empty and none
  of them has status ``underReview`` or ``rejected`` (the rule SARIF viewers apply): not a finding.

Only counters are kept, never results: memory stays flat whatever the size of the log.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aisma.collectors.base import parse_time
from aisma.formats.jsonstream import open_json, parse, shape_error

EXPECTED = "a SARIF 2.1.0 log (an object with version 2.1.0 and runs)"
NOT_FINDINGS = frozenset({"pass", "notapplicable", "informational"})
OPEN_SUPPRESSION = frozenset({"underreview", "rejected"})
MAX_RULES = 100_000  # rule ids kept per tool component, to resolve ruleIndex
MAX_RULE_KEYS = 10_000  # distinct rules counted by name; the rest are counted together
MAX_ID = 200  # characters of a rule id kept

_RUN = "runs.item"
_RESULT = "runs.item.results.item"
_DRIVER_RULE = "runs.item.tool.driver.rules.item"
_EXTENSION = "runs.item.tool.extensions.item"
_EXTENSION_RULE = "runs.item.tool.extensions.item.rules.item"
_OTHER_RULES = "(other rules)"


@dataclass
class RunCounts:
    """One run: its tool, its time, its findings per rule and what it reported that is not a finding."""

    index: int
    tool: str = ""
    version: str = ""
    semantic_version: str = ""
    ended: datetime | None = None
    started: datetime | None = None
    has_results: bool = False
    findings: Counter[str] = field(default_factory=Counter)
    not_findings: int = 0  # kind pass, notApplicable, informational
    absent: int = 0  # baselineState absent
    suppressed: int = 0
    driver_rules: list[str] = field(default_factory=list)
    extension_rules: list[list[str]] = field(default_factory=list)
    by_index: Counter[tuple[int, int]] = field(default_factory=Counter)  # (component, index) -> findings

    @property
    def observed_at(self) -> datetime | None:
        return self.ended or self.started

    @property
    def total(self) -> int:
        return sum(self.findings.values())

    def finish(self) -> None:
        """Resolve the findings that named their rule by index only (the rules are all read now)."""
        for (component, index), n in self.by_index.items():
            rules = self.driver_rules if component < 0 else _at(self.extension_rules, component) or []
            rule = _at(rules, index) if index >= 0 else None
            self.count(rule or f"(rule #{index})", n)
        self.by_index.clear()

    def count(self, rule: str, n: int = 1) -> None:
        if rule in self.findings or len(self.findings) < MAX_RULE_KEYS:
            self.findings[rule] += n
        else:
            self.findings[_OTHER_RULES] += n


def _at(items: list[Any], index: int) -> Any:
    return items[index] if 0 <= index < len(items) else None


@dataclass
class _Result:
    rule_id: str = ""
    rule_ref_id: str = ""
    rule_index: int = -1
    component: int = -1  # rule.toolComponent.index; -1: the driver
    kind: str = "fail"
    baseline: str = ""
    suppressions: int = 0
    open_suppression: bool = False


def _index(value: object) -> int:
    return int(value) if isinstance(value, int | float) and not isinstance(value, bool) and value >= 0 else -1


def _text(value: object) -> str:
    return value.strip()[:MAX_ID] if isinstance(value, str) else ""


class _Reader:
    """Folds the events of one log into RunCounts."""

    def __init__(self) -> None:
        self.runs: list[RunCounts] = []
        self.run: RunCounts | None = None
        self.result: _Result | None = None
        self.version = ""

    def event(self, prefix: str, event: str, value: Any) -> None:
        if prefix.startswith(_RESULT):
            if self.result is not None:
                self._result_event(prefix, event, value)
            elif prefix == _RESULT and event == "start_map":
                self.result = _Result()
            return
        run = self.run
        if prefix == _RUN:
            if event == "start_map":
                self.run = RunCounts(index=len(self.runs) + 1)
                self.runs.append(self.run)
            elif event == "end_map" and run is not None:
                run.finish()
                self.run = None
            return
        if prefix == "version" and event in ("string", "number"):
            self.version = str(value)
        elif run is not None:
            self._run_event(run, prefix, event, value)

    def _run_event(self, run: RunCounts, prefix: str, event: str, value: Any) -> None:
        if prefix == "runs.item.results":
            if event != "end_array":
                run.has_results = event == "start_array"  # null: the tool did not run
        elif prefix == "runs.item.tool.driver.name":
            run.tool = _text(value)
        elif prefix == "runs.item.tool.driver.version":
            run.version = _text(value)
        elif prefix == "runs.item.tool.driver.semanticVersion":
            run.semantic_version = _text(value)
        elif prefix in ("runs.item.invocations.item.endTimeUtc", "runs.item.invocations.item.startTimeUtc"):
            when = parse_time(value)
            if when is not None:
                if prefix.endswith("endTimeUtc"):
                    run.ended = when if run.ended is None or when > run.ended else run.ended
                else:
                    run.started = when if run.started is None or when > run.started else run.started
        elif prefix == _DRIVER_RULE and event == "start_map":
            if len(run.driver_rules) < MAX_RULES:
                run.driver_rules.append("")
        elif prefix == f"{_DRIVER_RULE}.id" and run.driver_rules:
            run.driver_rules[-1] = _text(value)
        elif prefix == _EXTENSION and event == "start_map":
            run.extension_rules.append([])
        elif prefix == _EXTENSION_RULE and event == "start_map":
            if run.extension_rules and len(run.extension_rules[-1]) < MAX_RULES:
                run.extension_rules[-1].append("")
        elif prefix == f"{_EXTENSION_RULE}.id" and run.extension_rules and run.extension_rules[-1]:
            run.extension_rules[-1][-1] = _text(value)

    def _result_event(self, prefix: str, event: str, value: Any) -> None:
        result = self.result
        assert result is not None
        name = prefix[len(_RESULT) + 1 :]
        if not name:
            if event == "end_map":
                self._count(result)
                self.result = None
        elif name == "ruleId":
            result.rule_id = _text(value)
        elif name == "ruleIndex":
            result.rule_index = _index(value) if result.rule_index < 0 else result.rule_index
        elif name == "rule.id":
            result.rule_ref_id = _text(value)
        elif name == "rule.index":
            result.rule_index = _index(value)
        elif name == "rule.toolComponent.index":
            result.component = _index(value)
        elif name == "kind":
            result.kind = _text(value).casefold() or "fail"
        elif name == "baselineState":
            result.baseline = _text(value).casefold()
        elif name == "suppressions.item" and event == "start_map":
            result.suppressions += 1
        elif name == "suppressions.item.status":
            result.open_suppression = result.open_suppression or _text(value).casefold() in OPEN_SUPPRESSION

    def _count(self, result: _Result) -> None:
        run = self.run
        if run is None:
            return
        if result.kind in NOT_FINDINGS:
            run.not_findings += 1
        elif result.baseline == "absent":
            run.absent += 1
        elif result.suppressions and not result.open_suppression:
            run.suppressed += 1
        elif result.rule_id or result.rule_ref_id:
            run.count(result.rule_id or result.rule_ref_id)
        elif result.rule_index >= 0:
            run.by_index[(result.component, result.rule_index)] += 1
        else:
            run.count("(no rule)")


def read_log(path: Path) -> list[RunCounts]:
    """The runs of one SARIF log; a file that is not a SARIF 2.1.0 log is a one-line AismaError."""
    reader = _Reader()
    with open_json(path, EXPECTED) as (handle, first):
        if first != b"{":
            raise shape_error(path, "not a JSON object", EXPECTED)
        for prefix, event, value in parse(handle):
            if prefix == "runs" and event not in ("start_array", "end_array"):
                raise shape_error(path, "runs is not a list", EXPECTED)
            reader.event(prefix, event, value)
    if not reader.version:
        raise shape_error(path, "no version field", EXPECTED)
    if not reader.version.startswith("2.1"):
        raise shape_error(path, f"SARIF version {reader.version} is not supported", EXPECTED)
    return reader.runs
