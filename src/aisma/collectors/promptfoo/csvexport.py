"""promptfoo's CSV export (``promptfoo eval -o results.csv``), the layouts its versions wrote.

- current: the test's vars, then per prompt ``[provider] label``, ``Status`` (PASS, FAIL or ERROR),
  ``Score``, ``Named Scores``, ``Grader Reason``, ``Comment``; a red-team eval adds ``Messages``,
  ``RedteamHistory``, ``RedteamTreeHistory``, ``pluginId``, ``strategyId``, ``sessionId``, ``sessionIds``
  (taken from the row's first output);
- earlier: the vars and one ``[provider] prompt`` column per prompt whose cells start with ``[PASS]``,
  ``[FAIL]`` or ``[ERROR]`` (older still: prompts before vars, or a ``RESULT`` column).

Only a red-team export names the plugin of each row, so only those rows are counted (each output one
attack: FAIL means the attack got through, ERROR that nothing was graded); the export carries no
evaluation id or time, so a run is the file's, dated by the date in its name or by its modification time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from aisma.collectors.promptfoo.results import FAMILY_PLUGINS, INJECTION_STRATEGIES, PromptfooFile, is_multiturn
from aisma.collectors.redteam import MULTITURN_FAMILY, Run
from aisma.formats.csvstream import rows
from aisma.formats.jsonstream import shape_error

EXPECTED_CSV = "a promptfoo CSV export (promptfoo eval -o results.csv: [provider] prompt columns with a status)"
STATUS_COLUMNS = ("Status", "Score", "Named Scores", "Grader Reason", "Comment")
_CELL_STATUS = re.compile(r"^\[(PASS|FAIL|ERROR)\]")
_PROVIDER = re.compile(r"^\[([^\]]+)\]\s")


@dataclass(frozen=True)
class _Output:
    column: int  # where the output's status is (the Status column, or the cell itself)
    target: str
    cell: bool  # status written at the start of the cell ("[PASS] ...")


def _outputs(names: list[str]) -> list[_Output]:
    outputs = []
    for index, name in enumerate(names):
        found = _PROVIDER.match(name)
        if found is None or found.group(1) in ("PASS", "FAIL", "ERROR"):
            continue
        status = index + 1 < len(names) and names[index + 1] == "Status"
        outputs.append(_Output(index + 1 if status else index, found.group(1), cell=not status))
    return outputs


def _status(fields: list[str], output: _Output) -> str:
    if output.column >= len(fields):
        return ""
    value = fields[output.column].strip()
    if output.cell:
        found = _CELL_STATUS.match(value)
        return found.group(1) if found else ""
    return value.upper()


def read_csv(path: Path, multiturn: frozenset[str]) -> PromptfooFile:
    """The red-team runs of one CSV export (one per target provider); bad input is a one-line AismaError."""
    out = PromptfooFile()
    runs: dict[str, Run] = {}
    outputs: list[_Output] = []
    plugin_at = strategy_at = -1
    for number, (_line, fields) in enumerate(rows(path, EXPECTED_CSV, ",")):
        if number == 0:  # the header (it may span lines: prompts are column names)
            outputs = _outputs(fields)
            if not outputs and fields[:1] == ["RESULT"]:  # the oldest layout: RESULT, then the prompts
                outputs = [_Output(0, "", cell=False)]
            plugin_at = fields.index("pluginId") if "pluginId" in fields else -1
            strategy_at = fields.index("strategyId") if "strategyId" in fields else -1
            continue
        if not outputs:  # an old layout naming no provider: the columns whose cells start with a status
            outputs = [_Output(i, "", cell=True) for i, field in enumerate(fields) if _CELL_STATUS.match(field)]
            if not outputs:
                raise shape_error(path, "no [provider] prompt column and no [PASS]/[FAIL] cell", EXPECTED_CSV)
        if not any(field.strip() for field in fields):
            continue
        plugin = fields[plugin_at].strip() if 0 <= plugin_at < len(fields) else ""
        if not plugin:
            out.not_redteam += len(outputs)
            continue
        strategy = (fields[strategy_at].strip() if 0 <= strategy_at < len(fields) else "") or "basic"
        families = [family for family, plugins in FAMILY_PLUGINS.items() if plugin.casefold() in plugins]
        if strategy.casefold() in INJECTION_STRATEGIES and "injection" not in families:
            families.append("injection")
        for output in outputs:
            status = _status(fields, output)
            if status == "ERROR":
                out.errors += 1
                continue
            if status not in ("PASS", "FAIL"):
                continue  # this prompt was not run for the row
            run = runs.get(output.target.casefold())
            if run is None:
                run = runs[output.target.casefold()] = Run(
                    run_id=path.name, target=output.target, identifiers=[output.target]
                )
            turns = is_multiturn(strategy, multiturn)
            run.count(plugin, 1, 1 if status == "FAIL" else 0, [*families, MULTITURN_FAMILY] if turns else families)
            run.multiturn = run.multiturn or turns
    out.runs = list(runs.values())
    return out
