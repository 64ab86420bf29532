"""What changed between two assessments that someone should be told about: the alert events.

Pure functions over result documents, sharing the CI gate's rules (``aisma.assurance.gate``) so an
alert and a failed pipeline say the same thing: ``level_drop`` (the gate's regression rule, levels and
scores), ``verdict_change`` (a system's deployment verdict changed, either way), ``new_conflict``,
``new_shadow_ai`` (unregistered AI not seen before), ``kpi_drift`` (a KPI's answer fell past one of its
objective's thresholds, or its value moved the wrong way by more than the drift threshold: attack
success rate up, say), ``evidence_stale`` from the freshness monitor, and ``evidence_expiry`` from the
server's reminder of evidence files near or past their expiry date.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from aisma.assurance.gate import Doc, evaluate
from aisma.assurance.kpis import answer_rank, kpi_points, kpi_series
from aisma.workspace.config import CheckPolicy

EventKind = Literal[
    "level_drop", "verdict_change", "new_conflict", "new_shadow_ai", "kpi_drift", "evidence_stale", "evidence_expiry"
]
EVENT_KINDS: tuple[EventKind, ...] = (
    "level_drop",
    "verdict_change",
    "new_conflict",
    "new_shadow_ai",
    "kpi_drift",
    "evidence_stale",
    "evidence_expiry",
)
GATE_RULE = {"regression": "level_drop", "unregistered_ai": "new_shadow_ai", "new_conflicts": "new_conflict"}


@dataclass(frozen=True)
class Event:
    kind: EventKind
    subject: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "subject": self.subject, "message": self.message}


def _verdicts(doc: Doc) -> dict[str, dict[str, Any]]:
    return {str(g.get("system")): g for g in doc.get("gating", [])}


def _label(verdict: Any) -> str:
    return {"do_not_proceed": "do not proceed"}.get(str(verdict), str(verdict))


def _kpi_drift(previous: Doc, current: Doc, threshold: float) -> list[Event]:
    series = kpi_series([(None, "before", kpi_points(previous)), (None, "after", kpi_points(current))])
    events = []
    for s in series:
        if len(s.points) < 2:
            continue
        before, after = s.points[-2], s.points[-1]
        rank_before, rank_after = answer_rank(before.answer), answer_rank(after.answer)
        crossed = rank_before is not None and rank_after is not None and rank_after < rank_before
        change = s.change or 0.0
        drifted = s.worsened and s.unit == "ratio" and abs(change) > threshold
        if crossed or drifted:
            why = f"answer {before.answer} -> {after.answer}" if crossed else f"moved {change:+.2f}"
            events.append(
                Event(
                    "kpi_drift",
                    s.metric,
                    f"{s.title} ({s.metric}): {before.value} -> {after.value}, {why} "
                    f"({'lower' if s.direction == 'lower_is_better' else 'higher'} is better; "
                    f"{', '.join(s.objectives)})",
                )
            )
    return events


def assessment_events(previous: Doc | None, current: Doc, kpi_threshold: float = 0.1) -> list[Event]:
    """The events from ``previous`` to ``current``; with no previous assessment, the first one's shadow AI
    and conflicts are new, and nothing can have dropped or drifted."""
    report = evaluate(
        current,
        CheckPolicy(fail_on=()),
        baseline=previous,
        environments={},
    )
    events = [
        Event(GATE_RULE[f.rule], f.subject, f.message)  # type: ignore[arg-type]
        for f in report.findings
        if f.rule in GATE_RULE
    ]
    if previous is not None:
        before = _verdicts(previous)
        for system, gate in _verdicts(current).items():
            old = before.get(system)
            if old is not None and old.get("verdict") != gate.get("verdict"):
                events.append(
                    Event(
                        "verdict_change",
                        system,
                        f"{gate.get('name') or system}: deployment verdict {_label(old.get('verdict'))} -> "
                        f"{_label(gate.get('verdict'))} (needs level {gate.get('required_level')}, "
                        f"the program is at {gate.get('program_level')})",
                    )
                )
        events += _kpi_drift(previous, current, kpi_threshold)
    order = {k: i for i, k in enumerate(EVENT_KINDS)}
    return sorted(events, key=lambda e: (order[e.kind], e.subject))


def summary_text(organization: str, events: Sequence[Event], url: str | None = None) -> str:
    """The alert as plain text (email body, Slack ``text``): one line per event, capped."""
    lines = [f"aisma: {len(events)} alert(s) for {organization}"]
    lines += [f"- [{e.kind}] {e.message}" for e in events[:50]]
    if len(events) > 50:
        lines.append(f"- ... and {len(events) - 50} more")
    if url:
        lines.append(url)
    return "\n".join(lines)
