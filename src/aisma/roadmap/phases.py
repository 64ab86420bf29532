"""Phases and the effect of each roadmap item: the level it unlocks, the gating verdicts it changes.

Items are walked in roadmap order and marked met one by one; after each, category levels are
recomputed with the scoring module's own level and gate functions, so "unlocks level 3" means
exactly what the assessment would report once everything up to that item is done. Phases group the
items by level band; their durations are the reference transition times between levels.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aisma.inventory.schema import AISystem
from aisma.maturity.schema import MaturityModel
from aisma.roadmap.ordering import Ordered
from aisma.scoring.gating import deployment_class_id, required_level, verdict_for
from aisma.scoring.levels import apply_gates, capped, highest_applicable, raw_score
from aisma.scoring.results import AssessmentResult, ObjectiveResult

# Typical transition times in months into each level (AIRS): 1->2 3-6, 2->3 12-21, 3->4 12-24,
# 4->5 18-36. Reaching level 1 has no reference figure; 1-3 months is our estimate for first steps.
TRANSITION_MONTHS: dict[int, tuple[int, int]] = {1: (1, 3), 2: (3, 6), 3: (12, 21), 4: (12, 24), 5: (18, 36)}
REGULATIONS: dict[str, str] = {"eu-ai-act": "EU AI Act"}
VERDICT_WORDS = {"appropriate": "appropriate", "marginal": "marginal", "do_not_proceed": "do not proceed"}


def months_for(level: int) -> tuple[int, int]:
    return TRANSITION_MONTHS.get(level, TRANSITION_MONTHS[max(TRANSITION_MONTHS)])


class LevelSimulator:
    """Category levels as objectives get done, through the scoring module's own rules."""

    def __init__(
        self, model: MaturityModel, result: AssessmentResult, systems: Sequence[AISystem], evidenced: bool = False
    ) -> None:
        self.model = model
        self.evidenced = evidenced
        self.level_numbers = [lv.level for lv in model.levels]
        self.objectives: dict[str, list[ObjectiveResult]] = {c.id: list(c.objectives) for c in result.categories}
        self.category_of = {o.id: c.id for c in result.categories for o in c.objectives}
        self.raw = {cid: raw_score(objs, self.level_numbers, evidenced) for cid, objs in self.objectives.items()}
        # completing objectives never changes what applies, so the gates' ceilings stay fixed
        self.ceilings = {cid: highest_applicable(objs) for cid, objs in self.objectives.items()}
        classes = {d.id: d for d in model.deployment_classes}
        self.classes = classes
        # (system, class, the level it needs: class minimum raised by its autonomy tier)
        self.deployments = [
            (s.id, k, required_level(classes[k], s)) for s in systems if (k := deployment_class_id(s)) in classes
        ]

    def complete(self, objective_id: str) -> None:
        cid = self.category_of[objective_id]
        self.objectives[cid] = [
            o.model_copy(update={"status": "met", "evidenced_status": "met", "value": 1.0})
            if o.id == objective_id
            else o
            for o in self.objectives[cid]
        ]
        self.raw[cid] = raw_score(self.objectives[cid], self.level_numbers, self.evidenced)

    def levels(self) -> tuple[dict[str, int | None], set[str]]:
        """Capped level per category, and the gates that bind."""
        raw_levels = {cid: (raw.level if raw else None) for cid, raw in self.raw.items()}
        caps = apply_gates(raw_levels, self.model.gates, self.ceilings)
        out: dict[str, int | None] = {}
        binding: set[str] = set()
        for cid, raw in self.raw.items():
            if raw is None:
                out[cid] = None
                continue
            level, _, cap = capped(raw, caps.get(cid))
            out[cid] = level
            if cap is not None:
                binding.add(cap.gate)
        return out, binding

    def verdicts(self, levels: Mapping[str, int | None]) -> dict[str, str]:
        """The gating verdict per system, as ``scoring.gating`` decides it (weakest category of the class)."""
        program = {}
        for class_id, spec in self.classes.items():
            known = [lv for c in spec.categories if (lv := levels.get(c)) is not None]
            program[class_id] = min(known) if known else 0
        return {system: verdict_for(needs - program[class_id]) for system, class_id, needs in self.deployments}


def _regulations(ordered: Ordered) -> list[str]:
    refs = ordered.gap.objective.references
    return [f"{name} {article}" for key, name in REGULATIONS.items() for article in refs.get(key, ())]


def build_items(
    model: MaturityModel,
    result: AssessmentResult,
    systems: Sequence[AISystem],
    ordered: Sequence[Ordered],
    evidenced: bool = False,
) -> list[dict[str, Any]]:
    """One dict per roadmap item (the ``roadmap[].items[]`` contract), in roadmap order."""
    sim = LevelSimulator(model, result, systems, evidenced)
    levels, binding = sim.levels()
    verdicts = sim.verdicts(levels)
    items = []
    for entry in ordered:
        objective = entry.gap.objective
        sim.complete(objective.id)
        new_levels, new_binding = sim.levels()
        new_verdicts = sim.verdicts(new_levels)
        unlocks = [
            {"category": cid, "level": lv}
            for cid, lv in new_levels.items()
            if lv is not None and (levels.get(cid) is None or lv > (levels[cid] or 0))
        ]
        own = next((u["level"] for u in unlocks if u["category"] == entry.gap.category), None)
        items.append(
            {
                "objective": objective.id,
                "category": entry.gap.category,
                "level": objective.level,
                "title": objective.title,
                "statement": " ".join(objective.statement.split()),
                "unlocks_level": own,
                "unlocks": unlocks,
                "gating_changes": [
                    f"{system}: {VERDICT_WORDS[verdicts[system]]} -> {VERDICT_WORDS[new]}"
                    for system, new in new_verdicts.items()
                    if new != verdicts[system]
                ],
                "lifts_gates": sorted(binding - new_binding),
                "regulations": _regulations(entry),
                "reason": entry.gap.reason,
                "status": entry.gap.status,
                # Met by an attestation without evidence: the work is to evidence or measure it.
                "action": "evidence" if entry.gap.status == "met" else "implement",
                "depends_on": list(entry.predecessors),
                "effort": objective.effort,
                "impact": objective.impact,
                "risk_tier": entry.risk_tier,
            }
        )
        levels, binding, verdicts = new_levels, new_binding, new_verdicts
    return items


def group_phases(
    model: MaturityModel, ordered: Sequence[Ordered], items: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """Consecutive items of one level band form a phase; its duration is the transition into that level."""
    names = {lv.level: lv.name for lv in model.levels}
    phases: list[dict[str, Any]] = []
    for entry, item in zip(ordered, items, strict=True):
        if not phases or phases[-1]["level"] != entry.phase_level:
            low, high = months_for(entry.phase_level)
            phases.append(
                {
                    "phase": len(phases) + 1,
                    "title": f"Reach level {entry.phase_level} ({names.get(entry.phase_level, entry.phase_level)})",
                    "level": entry.phase_level,
                    "months_min": low,
                    "months_max": high,
                    "categories": [],
                    "items": [],
                }
            )
        phase = phases[-1]
        phase["items"].append(item)
        if item["category"] not in phase["categories"]:
            phase["categories"].append(item["category"])
    for phase in phases:
        phase["categories"].sort()
    return phases
