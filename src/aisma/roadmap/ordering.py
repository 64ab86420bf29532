"""The order of the roadmap: prerequisites first, then the most valuable work.

Hard constraints (edges of a graph): an objective comes after the objectives it depends on, and an
objective above a gate's cap comes after everything that lifts the gate (the condition category's
open objectives up to the gate's level, and whatever lifts a gate capping that category in turn).
Among the objectives whose prerequisites are done, the next is chosen by: its phase (the level band
it belongs to, never below the phase of its prerequisites), gate prerequisites first, level, impact
over effort, the risk tier of the systems it protects, then its id. Kahn's algorithm with that key
gives one deterministic order that respects every constraint.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aisma.inventory.risk import TIER_ORDER, assess_risk
from aisma.inventory.schema import AISystem
from aisma.maturity.schema import OBJECTIVE_ID, AppliesTo, Gate, MaturityModel
from aisma.roadmap.gaps import Gap
from aisma.scoring.objectives import applies

EFFORT_WEIGHT = {"S": 1.0, "M": 2.0, "L": 4.0}


@dataclass(frozen=True)
class Ordered:
    gap: Gap
    phase_level: int
    gate_prerequisite: bool
    risk_tier: str | None
    predecessors: tuple[str, ...]


def natural_key(objective_id: str) -> tuple[str, int, int]:
    match = OBJECTIVE_ID.match(objective_id)
    assert match is not None
    return match["category"], int(match["level"]), int(match["seq"])


def risk_of(gap: Gap, systems: Sequence[tuple[AISystem, int]]) -> str | None:
    """The highest risk tier among the active systems the objective applies to (None without systems)."""
    tiers = [tier for s, tier in systems if applies(gap.objective.applies_to, (s,))]
    return TIER_ORDER[max(tiers)] if tiers else None


def risks_of(gaps: Sequence[Gap], systems: Sequence[tuple[AISystem, int]]) -> dict[str, str | None]:
    """``risk_of`` for every gap, each distinct applicability tried once on every system.

    A model has a hundred gap objectives but a dozen distinct ``applies_to`` conditions; at 10,000
    systems, once per objective would be a million checks."""
    by_condition: dict[AppliesTo, str | None] = {}
    out: dict[str, str | None] = {}
    for gap in gaps:
        condition = gap.objective.applies_to
        if condition not in by_condition:
            by_condition[condition] = risk_of(gap, systems)
        out[gap.objective.id] = by_condition[condition]
    return out


def _gate_prerequisites(
    gate: Gate, gates: Sequence[Gate], items: Mapping[str, Gap], seen: frozenset[str] = frozenset()
) -> set[str]:
    """Open objectives that must be done before ``gate`` lifts, following gates that cap its condition."""
    condition = gate.when.category
    found = {oid for oid, g in items.items() if g.category == condition and g.objective.level <= gate.when.below}
    for other in gates:
        if other.id in seen or other.id == gate.id:
            continue
        if condition in other.cap.categories and other.cap.level < gate.when.below:
            found |= _gate_prerequisites(other, gates, items, seen | {gate.id})
    return found


def constraints(model: MaturityModel, gaps: Sequence[Gap]) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """Predecessors of each gap objective: (from dependencies, from gates)."""
    items = {g.objective.id: g for g in gaps}
    deps = {oid: {d for d in g.objective.depends_on if d in items} for oid, g in items.items()}
    via_gates: dict[str, set[str]] = {oid: set() for oid in items}
    for gate in model.gates:
        above_cap = [
            oid for oid, g in items.items() if g.category in gate.cap.categories and g.objective.level > gate.cap.level
        ]
        if not above_cap:
            continue
        prerequisites = _gate_prerequisites(gate, model.gates, items)
        for oid in above_cap:
            via_gates[oid] |= prerequisites - {oid}
    return deps, via_gates


def order_gaps(
    model: MaturityModel, gaps: Sequence[Gap], systems: Sequence[AISystem]
) -> tuple[list[Ordered], list[str]]:
    """The gaps in roadmap order, with the phase level of each; warnings when gate order had to yield."""
    items = {g.objective.id: g for g in gaps}
    deps, via_gates = constraints(model, gaps)
    warnings: list[str] = []
    predecessors = {oid: deps[oid] | via_gates[oid] for oid in items}
    topo = _topological(items, predecessors)
    if topo is None:
        # Dependencies win over gate order when a model makes them disagree; the model author is told.
        warnings.append("roadmap: the model's dependencies contradict its gate order; gate order was relaxed")
        predecessors = {oid: set(deps[oid]) for oid in items}
        topo = _topological(items, predecessors)
        assert topo is not None, "the model validator rejects dependency cycles"
    phase: dict[str, int] = {}
    for oid in topo:
        phase[oid] = max([items[oid].objective.level, *(phase[p] for p in predecessors[oid])])
    gate_prereqs = {p for oid in items for p in via_gates[oid] if p in predecessors[oid]}
    tiered = [(s, TIER_ORDER.index(s.risk_tier or assess_risk(s).tier)) for s in systems]
    risk = risks_of(list(items.values()), tiered)

    def key(oid: str) -> tuple[object, ...]:
        objective = items[oid].objective
        value = objective.impact / EFFORT_WEIGHT[objective.effort]
        tier = risk[oid]
        return (
            phase[oid],
            oid not in gate_prereqs,
            objective.level,
            -value,
            -(TIER_ORDER.index(tier) if tier else -1),
            natural_key(oid),
        )

    ordered = _topological(items, predecessors, key)
    assert ordered is not None
    return [
        Ordered(
            gap=items[oid],
            phase_level=phase[oid],
            gate_prerequisite=oid in gate_prereqs,
            risk_tier=risk[oid],
            predecessors=tuple(sorted(predecessors[oid], key=natural_key)),
        )
        for oid in ordered
    ], warnings


def _topological(
    items: Mapping[str, Gap],
    predecessors: Mapping[str, set[str]],
    key: object = None,
) -> list[str] | None:
    """Kahn's algorithm; with ``key`` the smallest ready item goes first. None when there is a cycle."""
    sort_key = key if callable(key) else natural_key
    successors: dict[str, list[str]] = {oid: [] for oid in items}
    remaining = {oid: len(predecessors[oid]) for oid in items}
    for oid, preds in predecessors.items():
        for p in preds:
            successors[p].append(oid)
    heap = [(sort_key(oid), oid) for oid, n in remaining.items() if n == 0]
    heapq.heapify(heap)
    out: list[str] = []
    while heap:
        _, oid = heapq.heappop(heap)
        out.append(oid)
        for nxt in successors[oid]:
            remaining[nxt] -= 1
            if remaining[nxt] == 0:
                heapq.heappush(heap, (sort_key(nxt), nxt))
    return out if len(out) == len(items) else None
