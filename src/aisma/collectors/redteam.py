"""Red-team runs reduced to counts, and the ``redteam.*`` metrics computed from them.

garak and promptfoo write very different files but answer the same questions: which inventory
system was attacked, when, how many attacks were evaluated, how many got through, and whether the
run used a multi-turn attack. Each reader reduces its files to ``Run`` objects (a few counters, never
the prompts or outputs); this module turns runs into measurements, so both collectors apply the
catalog's definitions identically: latest run per system, unmatched targets still counted in the
attack success rates, scope = active build and platform systems.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from aisma.collectors.base import MAX_DETAILS, CollectContext, CollectionResult
from aisma.errors import AismaError
from aisma.inventory.matching import find_system
from aisma.inventory.schema import AISystem
from aisma.scoring.inputs import Measurement, Source, entity_ratio, ratio

OVERALL = "redteam.attack_success_rate"
RECENT = "redteam.systems.recent_ratio"
MULTITURN = "redteam.multiturn.coverage_ratio"
MULTITURN_FAMILY = "multiturn"
# Test families with their own attack-success metric; readers map probes and plugins onto them.
FAMILY_METRICS: dict[str, str] = {
    "injection": "redteam.injection.attack_success_rate",
    "indirect_injection": "redteam.indirect_injection.attack_success_rate",
    "output_handling": "redteam.output_handling.attack_success_rate",
    "retrieval_exfiltration": "redteam.retrieval_exfiltration.attack_success_rate",
    # Every attack a reader judged multi-turn (a multi-turn probe or strategy), whatever it aimed at.
    MULTITURN_FAMILY: "redteam.multiturn.attack_success_rate",
}
SCOPE_TRACKS = frozenset({"build", "platform"})  # systems that should be red-teamed
DEFAULT_WINDOW_DAYS = 90


@dataclass
class Tally:
    """Attacks evaluated and attacks that got through (the model did not hold)."""

    evaluated: int = 0
    succeeded: int = 0

    def add(self, evaluated: int, succeeded: int) -> None:
        self.evaluated += evaluated
        self.succeeded += succeeded


@dataclass
class Run:
    """One red-team run against one target, as counters; filled in while a file is streamed."""

    run_id: str
    target: str = ""  # the target as the tool names it, for messages
    identifiers: list[str] = field(default_factory=list)  # tried in order against inventory match patterns
    started: datetime | None = None
    overall: Tally = field(default_factory=Tally)
    tests: dict[str, Tally] = field(default_factory=dict)  # probe or plugin -> tally
    families: dict[str, dict[str, Tally]] = field(default_factory=dict)  # family -> test -> tally
    multiturn: bool = False

    def count(self, test: str, evaluated: int, succeeded: int, families: Iterable[str] = ()) -> None:
        # Called once per promptfoo result: no allocation unless a test is new to this run.
        self.overall.add(evaluated, succeeded)
        _tally(self.tests, test).add(evaluated, succeeded)
        for family in families:
            tests = self.families.get(family)
            if tests is None:
                tests = self.families[family] = {}
            _tally(tests, test).add(evaluated, succeeded)


def _tally(tallies: dict[str, Tally], key: str) -> Tally:
    tally = tallies.get(key)
    if tally is None:
        tally = tallies[key] = Tally()
    return tally


@dataclass(frozen=True)
class FileRuns:
    """What one input file contributed: its provenance, its runs and the file's own time."""

    path: Path
    source: Source
    runs: tuple[Run, ...]
    file_time: datetime


class ProgressReader:
    """A binary file wrapper that reports bytes read, so a progress bar moves while ijson streams."""

    def __init__(self, handle: BinaryIO, progress: Callable[[int], None] | None) -> None:
        self._handle = handle
        self._progress = progress

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(size)
        if self._progress is not None and data:
            self._progress(len(data))
        return data


def check_keys(settings: Mapping[str, Any], collector_id: str, known: Sequence[str]) -> None:
    """Refuse a misspelt setting rather than silently using the default."""
    allowed = {*known, "enabled", "paths"}  # the last two are read by the collector runner
    unknown = sorted(key for key in settings if key not in allowed)
    if unknown:
        raise AismaError(
            f"aisma.yaml: collectors.{collector_id}.{unknown[0]} is not a setting (known: {', '.join(known)})"
        )


def window_days(settings: Mapping[str, Any], collector_id: str) -> int:
    value = settings.get("window_days", DEFAULT_WINDOW_DAYS)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise AismaError(f"aisma.yaml: collectors.{collector_id}.window_days must be a positive number of days")
    return value


def name_list(settings: Mapping[str, Any], key: str, default: Iterable[str], collector_id: str) -> frozenset[str]:
    """A list-of-names setting, compared case-insensitively; the default when absent."""
    value = settings.get(key)
    if value is None:
        return frozenset(n.casefold() for n in default)
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise AismaError(f"aisma.yaml: collectors.{collector_id}.{key} must be a list of names")
    return frozenset(v.strip().casefold() for v in value)


def _match(systems: Sequence[AISystem], run: Run) -> AISystem | None:
    for identifier in run.identifiers:
        if identifier:
            system = find_system(systems, identifier)
            if system is not None:
                return system
    return None


def _rate(tally: Tally) -> str:
    return f"{tally.succeeded}/{tally.evaluated}"


@dataclass(frozen=True)
class _Placed:
    """A run with its time, file and the inventory system it matched (None: unmatched)."""

    run: Run
    when: datetime
    file: FileRuns
    system: AISystem | None

    @property
    def key(self) -> str:
        if self.system is not None:
            return f"system:{self.system.id}"
        return f"target:{self.run.target.casefold()}" if self.run.target else f"run:{self.file.path}:{self.run.run_id}"

    @property
    def label(self) -> str:
        return self.system.id if self.system is not None else (self.run.target or "(no target recorded)")


def measure(files: Sequence[FileRuns], context: CollectContext, window: int) -> CollectionResult:
    """The redteam.* measurements from every run in ``files`` (see the module docstring)."""
    warnings: list[str] = []
    placed: list[_Placed] = []
    undated: dict[str, int] = {}
    for item in files:
        for run in item.runs:
            if run.started is None:
                undated[item.source.file] = undated.get(item.source.file, 0) + 1
            when = run.started or item.file_time
            if when > context.assessed_at:
                warnings.append(
                    f"{item.source.file}: run of {run.target or '(no target recorded)'} at {when.isoformat()} "
                    "is after the assessment time; ignored"
                )
                continue
            placed.append(_Placed(run, when, item, _match(context.inventory.systems, run)))
    for file, n in undated.items():
        dated = "dated by the file (a date in its name, else its modification time)"
        warnings.append(f"{file}: {n} run(s) record no start time; {dated}")
    unmatched = sorted({(p.file.source.file, p.run.target) for p in placed if p.system is None})
    for file, target in unmatched:
        named = f"target {target!r}" if target else "a run with no target recorded"
        warnings.append(
            f"{file}: {named} matches no inventory system (add a match pattern); "
            "its attacks still count in the attack success rates"
        )
    if not placed:
        return CollectionResult(warnings=tuple(warnings))

    # The latest run per system; several targets of one evaluation that match the same system (a
    # promptfoo eval against two endpoints of one app) are that system's latest run together.
    latest: dict[str, list[_Placed]] = {}
    for p in placed:  # files come sorted; of two files with the same run time the later one wins
        current = latest.get(p.key)
        if current is None or p.when > current[0].when or (p.when == current[0].when and p.file is not current[0].file):
            latest[p.key] = [p]
        elif p.when == current[0].when:
            current.append(p)
    chosen = sorted((p for group in latest.values() for p in group), key=lambda p: (p.file.source.file, p.label))

    out = _attack_rates(chosen)
    newest = max(placed, key=lambda p: p.when)
    out.extend(_coverage(placed, latest, newest, context, window))
    return CollectionResult(measurements=tuple(out), warnings=tuple(warnings))


def _attack_rates(chosen: Sequence[_Placed]) -> list[Measurement]:
    """One measurement per metric and file holding latest runs; they merge by summing."""
    out: list[Measurement] = []
    by_file: dict[Path, list[_Placed]] = {}
    for p in chosen:
        by_file.setdefault(p.file.path, []).append(p)
    for group in by_file.values():
        source = group[0].file.source
        when = max(p.when for p in group)
        metrics: list[tuple[str, Callable[[Run], Mapping[str, Tally]]]] = [(OVERALL, lambda r: r.tests)]
        metrics += [(metric, _family(family)) for family, metric in FAMILY_METRICS.items()]
        for metric, tests in metrics:
            total = Tally()
            per_test: dict[str, Tally] = {}
            for p in group:
                for test, tally in tests(p.run).items():
                    total.add(tally.evaluated, tally.succeeded)
                    _tally(per_test, f"{p.label} {test}").add(tally.evaluated, tally.succeeded)
            if total.evaluated <= 0:
                continue
            failing = sorted((t for t in per_test.items() if t[1].succeeded), key=lambda t: (-t[1].succeeded, t[0]))
            details = [f"{name}: {_rate(tally)} attacks succeeded" for name, tally in failing[:MAX_DETAILS]]
            out.append(ratio(metric, total.succeeded, total.evaluated, when, source, details))
    return out


def _family(family: str) -> Callable[[Run], Mapping[str, Tally]]:
    def tests(run: Run) -> Mapping[str, Tally]:
        return run.families.get(family, {})

    return tests


def _coverage(
    placed: Sequence[_Placed],
    latest: Mapping[str, Sequence[_Placed]],
    newest: _Placed,
    context: CollectContext,
    window: int,
) -> list[Measurement]:
    out: list[Measurement] = []
    scope = [s for s in context.inventory.active_systems() if s.track in SCOPE_TRACKS]
    if scope:
        since = context.assessed_at - timedelta(days=window)
        recent = {p.system.id for p in placed if p.system is not None and p.when >= since}
        missing = [s.id for s in scope if s.id not in recent]
        details = [f"{sid}: no red-team run in the last {window} days" for sid in missing]
        everyone = [s.id for s in scope]
        out.append(entity_ratio(RECENT, recent, everyone, newest.when, newest.file.source, details))
    tested = {
        group[0].system.id: any(p.run.multiturn for p in group)
        for group in latest.values()
        if group[0].system is not None and group[0].system.active
    }
    if tested:
        single = sorted(sid for sid, multiturn in tested.items() if not multiturn)
        details = [f"{sid}: latest run has no multi-turn attack" for sid in single]
        multi = [sid for sid, multiturn in tested.items() if multiturn]
        out.append(entity_ratio(MULTITURN, multi, tested, newest.when, newest.file.source, details))
    return out
