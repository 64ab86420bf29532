"""Stream a garak ``report.jsonl`` into runs: target, start time, and attack counts per probe.

A garak report is JSON Lines, one entry per line, told apart by ``entry_type``: ``start_run setup``
(the run's configuration, including the target), ``init`` (version and start time), ``attempt`` (one
prompt and its outputs: large, and not needed here), ``eval`` (per probe and detector, how many
outputs were evaluated and how many passed), ``completion`` and ``digest``. Only the eval rows are
counted: they are garak's own verdicts, so the numbers match garak's report. Each line is decoded
whole (``jsonstream.JsonLines``, bounded) and dropped at once, so memory stays flat whatever the
file size.

garak also writes a hit log (``<run>.hitlog.jsonl``): one line per output a detector judged a hit,
with ``probe``, ``detector``, ``generator`` and ``run_id`` but neither how many outputs were tried
nor when. It cannot give an attack success rate, so it is read (checked and counted) and reported
in a warning, and the counts come from the run's report.

Field names changed between garak versions: eval rows carry ``total`` in older reports and
``total_evaluated`` / ``total_processed`` in newer ones (``total_processed`` also counts outputs no
detector could judge, so it is not used); the target is ``plugins.model_name`` before 0.13.1 and
``plugins.target_name`` after.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisma.collectors.base import parse_time
from aisma.collectors.redteam import MULTITURN_FAMILY, Run
from aisma.formats.jsonstream import json_lines, open_json, shape_error

EXPECTED = "a garak report (report.jsonl: JSON Lines with an entry_type on every line) or hit log (hitlog.jsonl)"
HITLOG_FIELDS = ("probe", "detector", "generator")
# Catalog: the injection metric covers garak's promptinject and latentinjection probes; only
# latentinjection plants the attack in content the application ingests.
INJECTION_MODULES = frozenset({"promptinject", "latentinjection"})
INDIRECT_MODULES = frozenset({"latentinjection"})
# Probes that hold a conversation over several turns (garak's IterativeProbe family and atkgen).
DEFAULT_MULTITURN = ("fitd", "crescendo", "goat", "atkgen", "agent_breaker")


@dataclass
class GarakFile:
    runs: list[Run]
    version: str
    empty_runs: int  # runs with no eval row (interrupted before any detector ran)
    hits: Counter[str] = field(default_factory=Counter)  # a hit log: hits per probe
    hit_runs: set[str] = field(default_factory=set)  # a hit log: the run ids it names
    entries: int = 0

    @property
    def hitlog(self) -> bool:
        return bool(self.hits)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _count(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def _is_multiturn(probe: str, multiturn: frozenset[str]) -> bool:
    name = probe.casefold()
    return name in multiturn or name.split(".", 1)[0] in multiturn


class _Reader:
    """Folds the entries of one report into runs; a new ``start_run setup`` after evals starts a new run."""

    def __init__(self, path: Path, multiturn: frozenset[str]) -> None:
        self.path = path
        self.multiturn = multiturn
        self.runs: list[Run] = []
        self.version = ""
        self.run = self._new_run()

    def _new_run(self) -> Run:
        run = Run(run_id=f"{self.path.name}#{len(self.runs) + 1}")
        self.runs.append(run)
        return run

    def _target(self, name: object, kind: object) -> None:
        target, target_type = _text(name), _text(kind)
        if target and not self.run.target:
            self.run.target = target
            self.run.identifiers = [target] + ([f"{target_type}:{target}"] if target_type else [])

    def _time(self, *values: object) -> None:
        if self.run.started is None:
            for value in values:
                parsed = parse_time(value)
                if parsed is not None:
                    self.run.started = parsed
                    return

    def setup(self, entry: dict[str, Any]) -> None:
        if self.run.tests or self.run.target:
            self.run = self._new_run()
        self._target(
            entry.get("plugins.target_name") or entry.get("plugins.model_name"),
            entry.get("plugins.target_type") or entry.get("plugins.model_type"),
        )
        self._time(entry.get("transient.starttime_iso"))
        self.run.run_id = _text(entry.get("transient.run_id")) or self.run.run_id
        self.version = self.version or _text(entry.get("_config.version"))

    def init(self, entry: dict[str, Any]) -> None:
        self.version = _text(entry.get("garak_version")) or self.version
        # An aggregated report (garak's aggregate command) keeps the original start as orig_start_time.
        self._time(entry.get("orig_start_time"), entry.get("start_time"))

    def digest(self, entry: dict[str, Any]) -> None:
        meta = entry.get("meta")
        if isinstance(meta, dict):
            self._target(meta.get("target_name") or meta.get("model_name"), meta.get("target_type"))
            self._time(meta.get("start_time"))
            self.version = self.version or _text(meta.get("garak_version"))

    def eval(self, entry: dict[str, Any], index: int) -> None:
        probe = _text(entry.get("probe"))
        evaluated = _count(entry.get("total_evaluated"))
        if evaluated is None:
            evaluated = _count(entry.get("total"))
        passed = _count(entry.get("passed"))
        if not probe or evaluated is None or passed is None:
            raise shape_error(self.path, f"eval entry {index} lacks probe, passed or total_evaluated/total", EXPECTED)
        module = probe.split(".", 1)[0].casefold()
        families = [
            family
            for family, modules in (("injection", INJECTION_MODULES), ("indirect_injection", INDIRECT_MODULES))
            if module in modules
        ]
        turns = _is_multiturn(probe, self.multiturn)
        if turns:
            families.append(MULTITURN_FAMILY)
        self.run.count(probe, max(evaluated, 0), min(max(evaluated - passed, 0), max(evaluated, 0)), families)
        self.run.multiturn = self.run.multiturn or turns


def read_report(path: Path, multiturn: frozenset[str]) -> GarakFile:
    """The runs in one garak report (or the hits of a hit log); a broken file is a one-line AismaError."""
    reader = _Reader(path, multiturn)
    hits: Counter[str] = Counter()
    hit_runs: set[str] = set()
    count = 0
    with open_json(path, EXPECTED) as (handle, first):
        if first != b"{":
            found = "a JSON array" if first == b"[" else "no JSON object"
            raise shape_error(path, f"found {found}", EXPECTED)
        hitlog: bool | None = None  # decided by the first line
        for index, entry in enumerate(json_lines(handle), start=1):
            count = index
            fields = entry if isinstance(entry, dict) else {}
            kind = fields.get("entry_type")
            if hitlog is None:
                hitlog = kind is None and all(k in fields for k in HITLOG_FIELDS)
            if hitlog:
                if kind is not None or not all(k in fields for k in HITLOG_FIELDS):
                    raise shape_error(
                        path, f"line {index} is not a hit log line (probe, detector, generator)", EXPECTED
                    )
                probe = _text(fields.get("probe")) or "(no probe)"
                hits[probe if probe in hits or len(hits) < 10_000 else "(other probes)"] += 1
                if len(hit_runs) < 100:
                    hit_runs.add(_text(fields.get("run_id")))
                continue
            if not isinstance(kind, str):
                raise shape_error(path, f"entry {index} has no entry_type (not a garak report line)", EXPECTED)
            if kind == "eval":
                reader.eval(fields, index)
            elif kind == "start_run setup":
                reader.setup(fields)
            elif kind == "init":
                reader.init(fields)
            elif kind == "digest":
                reader.digest(fields)
            # attempt, completion and entry types of later garak versions carry nothing counted here
    runs = [run for run in reader.runs if run.tests]
    return GarakFile(
        runs=runs,
        version=reader.version,
        empty_runs=len(reader.runs) - len(runs),
        hits=hits,
        hit_runs={r for r in hit_runs if r},
        entries=count,
    )
