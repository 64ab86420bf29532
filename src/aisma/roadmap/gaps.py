"""Gap analysis: which unmet objectives stand between today's result and the targets.

A category reaches level L when every applicable objective at levels 1..L is met, so the gap of a
category is every applicable, unmet objective up to its *required* level. The required level is the
target, raised where a gate would otherwise cap a category below its target: the gate's condition
category must then reach the gate's threshold too (``below``, capped at what that category can reach;
iterated, because gates may chain). A level with no applicable objective is only reached by meeting
the next level that has some (docs/scoring.md), so the required level is rounded up to it. The
dependencies (``depends_on``) of every gap objective that are themselves applicable and unmet join
the gap, whatever their level, so no item is ever planned before what it depends on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from aisma.maturity.schema import MaturityModel, Objective
from aisma.scoring.levels import gate_threshold, highest_applicable
from aisma.scoring.results import AssessmentResult, ObjectiveResult

Reason = Literal["target", "gate", "dependency"]


@dataclass(frozen=True)
class Gap:
    """One unmet objective on the way to the targets, and why it is needed."""

    objective: Objective
    category: str
    reason: Reason
    status: str


def required_levels(model: MaturityModel, result: AssessmentResult) -> tuple[dict[str, int], dict[str, set[str]]]:
    """Per applicable category, the level it must reach; and the gates that raised it above its target."""
    applicable = {c.id for c in result.categories if c.applicable}
    ceilings = {c.id: highest_applicable(c.objectives) for c in result.categories}
    required = {c.id: c.target_level for c in result.categories if c.applicable and c.target_level is not None}
    raised_by: dict[str, set[str]] = {}
    changed = True
    while changed:
        changed = False
        for gate in model.gates:
            condition = gate.when.category
            if condition not in applicable:
                continue
            threshold = gate_threshold(gate, ceilings)
            needs_lift = any(required.get(k, 0) > gate.cap.level for k in gate.cap.categories if k in applicable)
            if needs_lift and required.get(condition, -1) < threshold:
                required[condition] = threshold
                raised_by.setdefault(condition, set()).add(gate.id)
                changed = True
    return {c: reached_at(result, c, lv) for c, lv in required.items()}, raised_by


def reached_at(result: AssessmentResult, category_id: str, level: int) -> int:
    """The level whose objectives must be met for the category to be at ``level`` or above.

    The lowest level at or above ``level`` with applicable objectives (targets and gate thresholds are
    capped at the highest such level, so one exists); ``level`` itself when nothing applies. Level 0
    needs nothing.
    """
    if level <= 0:
        return level
    populated = {o.level for o in result.category(category_id).objectives if o.applicable}
    return min((p for p in populated if p >= level), default=level)


def objective_states(result: AssessmentResult) -> dict[str, ObjectiveResult]:
    return {o.id: o for c in result.categories for o in c.objectives}


def is_open(state: ObjectiveResult | None, evidenced: bool = False) -> bool:
    """Applicable and not met (with ``evidenced``: not met with evidence): work to do. Unknown is not met."""
    if state is None or not state.applicable:
        return False
    return (state.evidenced_status if evidenced else state.status) != "met"


def find_gaps(model: MaturityModel, result: AssessmentResult, evidenced: bool = False) -> list[Gap]:
    """The unmet objectives needed for the targets, in model order (ordering is ``ordering.py``'s job).

    With ``evidenced`` the targets are to be reached in evidenced levels: objectives met only by an
    attestation without evidence are gaps too (their work is to evidence or measure them).
    """
    required, raised_by = required_levels(model, result)
    targets = {c.id: c.target_level for c in result.categories}
    states = objective_states(result)
    by_id: dict[str, tuple[Objective, str]] = {o.id: (o, c.id) for c in model.categories() for o in c.objectives}
    reasons: dict[str, Reason] = {}
    for category in model.categories():
        level = required.get(category.id)
        if level is None:
            continue
        target = targets.get(category.id)
        for objective in category.objectives:
            if objective.level <= level and is_open(states.get(objective.id), evidenced):
                below_target = target is not None and objective.level <= reached_at(result, category.id, target)
                reasons[objective.id] = "target" if below_target or category.id not in raised_by else "gate"
    _add_dependencies(reasons, by_id, states, evidenced)
    return [
        Gap(objective=o, category=cid, reason=reasons[o.id], status=states[o.id].status)
        for o, cid in by_id.values()
        if o.id in reasons
    ]


def _add_dependencies(
    reasons: dict[str, Reason],
    by_id: Mapping[str, tuple[Objective, str]],
    states: Mapping[str, ObjectiveResult],
    evidenced: bool,
) -> None:
    pending = list(reasons)
    while pending:
        objective, _ = by_id[pending.pop()]
        for dependency in objective.depends_on:
            if dependency not in reasons and is_open(states.get(dependency), evidenced):
                reasons[dependency] = "dependency"
                pending.append(dependency)
