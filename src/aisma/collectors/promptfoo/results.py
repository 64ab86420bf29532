"""Stream promptfoo red-team results into runs: one run per evaluation and target provider.

``promptfoo eval``/``redteam run`` with ``-o results.json`` writes one JSON object whose
``results.results`` list holds one result per test case, prompt and provider; ``-o results.jsonl``
writes the same results one per line. A red-team result names the attack in ``metadata.pluginId``
(what was attempted: ``indirect-prompt-injection``, ``sql-injection``, ...) and
``metadata.strategyId`` (how it was delivered: ``basic``, ``jailbreak``, ``crescendo``, ...), and
``success: true`` means the target HELD: the grader found no vulnerability. Results promptfoo marks
as errors (``failureReason`` 2: the target did not answer) were not evaluated and are left out.

Results are decoded one at a time (ijson's C backend for the JSON file, through the reading guard,
each result at most ``limits.ITEM_LIMIT`` bytes; the json module line by line for JSONL) and folded
into a few counters at once; prompts, outputs and the embedded config are never held together, so
memory stays flat. The evaluation's id and timestamp come before the results list in promptfoo's
output and are read by a short first pass that stops where the list starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from aisma.collectors.base import parse_time
from aisma.collectors.redteam import MULTITURN_FAMILY, Run
from aisma.formats.jsonstream import items, json_lines, open_json, parse, shape_error

EXPECTED_JSON = "promptfoo results JSON (promptfoo eval -o results.json: an object with results.results)"
EXPECTED_JSONL = "promptfoo results JSONL (promptfoo eval -o results.jsonl: one result object per line)"
ERROR_REASON = 2  # promptfoo ResultFailureReason.ERROR: the provider call failed, nothing was graded
# Catalog definitions (metrics.yaml) of the plugin-specific attack success rates.
FAMILY_PLUGINS: dict[str, frozenset[str]] = {
    "injection": frozenset({"indirect-prompt-injection", "prompt-extraction", "hijacking"}),
    "indirect_injection": frozenset({"indirect-prompt-injection"}),
    "output_handling": frozenset({"shell-injection", "sql-injection", "ssrf"}),
    "retrieval_exfiltration": frozenset({"rag-document-exfiltration", "cross-session-leak"}),
}
INJECTION_STRATEGIES = frozenset({"prompt-injection"})
# promptfoo's conversational strategies: the attacker adapts over several turns.
DEFAULT_MULTITURN = (
    "crescendo",
    "goat",
    "jailbreak:hydra",
    "hydra",
    "jailbreak:goblin",
    "mischievous-user",
    "custom",
    "simba",
)
RESULT_DEPTH = 4  # {results: {results: [ {a result} ]}}: each result opens at depth 4
HEADER = {  # top-level values read before results.results; promptfoo writes them first
    "evalId": "eval_id",
    "createdAt": "created",
    "results.timestamp": "timestamp",
    "metadata.promptfooVersion": "version",
}


@dataclass
class PromptfooFile:
    runs: list[Run] = field(default_factory=list)
    version: str = ""
    errors: int = 0  # results promptfoo marked as errors (not evaluated)
    not_redteam: int = 0  # results without a red-team plugin id (plain evals)


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def is_multiturn(strategy: str, multiturn: frozenset[str]) -> bool:
    name = strategy.casefold()
    # custom strategies are named custom:<name>; hydra and goblin also appear without the jailbreak: prefix
    return name in multiturn or name.split(":", 1)[0] in multiturn


def _get(raw: dict[str, Any], key: str, inner: str) -> object:
    value = raw.get(key)
    return value.get(inner) if isinstance(value, dict) else None


def _case(raw: dict[str, Any], inner: str) -> object:
    case = raw.get("testCase")
    return _get(case, "metadata", inner) if isinstance(case, dict) else None


class _Fold:
    """Adds results, one at a time, to the run of their (evaluation, target) pair.

    Runs once per result, so it allocates as little as it can: the test families of each
    (plugin, strategy) pair are worked out once and cached.
    """

    def __init__(self, path: Path, multiturn: frozenset[str], expected: str) -> None:
        self.path = path
        self.expected = expected
        self.multiturn = multiturn
        self.out = PromptfooFile()
        self.runs: dict[tuple[str, str], Run] = {}
        self.kinds: dict[tuple[str, str], tuple[tuple[str, ...], bool]] = {}

    def _kind(self, plugin: str, strategy: str) -> tuple[tuple[str, ...], bool]:
        """The metric families a (plugin, strategy) pair belongs to, and whether it is multi-turn."""
        kind = self.kinds.get((plugin, strategy))
        if kind is None:
            families = [family for family, plugins in FAMILY_PLUGINS.items() if plugin.casefold() in plugins]
            if strategy.casefold() in INJECTION_STRATEGIES and "injection" not in families:
                families.append("injection")
            kind = self.kinds[(plugin, strategy)] = (tuple(families), is_multiturn(strategy, self.multiturn))
        return kind

    def _run(self, raw: dict[str, Any], eval_id: str) -> Run:
        provider = raw.get("provider")
        label = _text(_get(raw, "provider", "label"))
        provider_id = _text(_get(raw, "provider", "id")) or _text(provider)
        target = label or provider_id
        run_key = (_text(raw.get("evalId")) or eval_id, target.casefold())
        run = self.runs.get(run_key)
        if run is None:
            identifiers = [i for i in (label, provider_id) if i]
            run = self.runs[run_key] = Run(run_id=run_key[0] or self.path.name, target=target, identifiers=identifiers)
        return run

    def add(self, raw: object, index: int, eval_id: str) -> None:
        if not isinstance(raw, dict) or "provider" not in raw or ("success" not in raw and "gradingResult" not in raw):
            where = f"line {index}" if self.expected == EXPECTED_JSONL else f"results.results item {index}"
            raise shape_error(self.path, f"{where} is not a promptfoo result (no success and provider)", self.expected)
        plugin = _text(_get(raw, "metadata", "pluginId")) or _text(_case(raw, "pluginId"))
        if not plugin:
            self.out.not_redteam += 1
            return
        if raw.get("failureReason") == ERROR_REASON:
            self.out.errors += 1
            return
        held = raw.get("success")
        if not isinstance(held, bool):
            held = _get(raw, "gradingResult", "pass")
        if not isinstance(held, bool):
            raise shape_error(self.path, f"result {index} (plugin {plugin}) has no success flag", self.expected)
        strategy = _text(_get(raw, "metadata", "strategyId")) or _text(_case(raw, "strategyId")) or "basic"
        families, multiturn = self._kind(plugin, strategy)
        run = self._run(raw, eval_id)
        run.count(plugin, 1, 0 if held else 1, (*families, MULTITURN_FAMILY) if multiturn else families)
        run.multiturn = run.multiturn or multiturn


def read_results(path: Path, multiturn: frozenset[str]) -> PromptfooFile:
    """The runs in one promptfoo results file (JSON, or JSONL when the name ends in .jsonl)."""
    lines = path.name.casefold().endswith(".jsonl")
    expected = EXPECTED_JSONL if lines else EXPECTED_JSON
    fold = _Fold(path, multiturn, expected)
    header: dict[str, str] = {}
    with open_json(path, expected) as (handle, first):
        if first != b"{":
            found = "a JSON array" if first == b"[" else "no JSON object"
            raise shape_error(path, f"found {found}", expected)
        if lines:
            records = json_lines(handle)
        else:
            start = handle.tell()
            header = _header(path, handle)
            handle.seek(start)
            # ijson's C backend builds each result in C: far cheaper than walking its events in Python.
            records = items(handle, "results.results.item", RESULT_DEPTH)
        for index, raw in enumerate(records, start=1):
            fold.add(raw, index, header.get("eval_id", ""))
    started = parse_time(header.get("timestamp")) or parse_time(header.get("created")) or _epoch(header.get("created"))
    for run in fold.runs.values():
        run.started = started
    fold.out.runs = list(fold.runs.values())
    fold.out.version = header.get("version", "")
    return fold.out


def _header(path: Path, handle: BinaryIO) -> dict[str, str]:
    """The scalars promptfoo writes before the results list; stops where the list starts."""
    found: dict[str, str] = {}
    for prefix, event, value in parse(handle):
        if prefix == "results.results" and event == "start_array":
            return found
        name = HEADER.get(prefix)
        if name is not None and event in ("string", "number"):
            found[name] = str(value)
    raise shape_error(path, "no results.results list", EXPECTED_JSON)


def _epoch(value: str | None) -> datetime | None:
    """createdAt in promptfoo's database export is epoch milliseconds."""
    try:
        millis = float(value or "")
        return datetime.fromtimestamp(millis / 1000, tz=UTC) if millis > 0 else None
    except (ValueError, OverflowError, OSError):  # not a number, or not a date any platform can hold
        return None
