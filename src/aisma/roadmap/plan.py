"""The roadmap of an assessment: gaps -> order -> items -> phases, each phase with its projection.

``with_roadmap`` is called by the scoring engine, so every result (CLI, demo, server) carries its
roadmap. Each phase's ``projected`` figures come from rescoring the inputs with every item up to the
end of that phase done (``whatif.py``), through the same engine.
"""

from __future__ import annotations

from aisma.roadmap.gaps import find_gaps
from aisma.roadmap.ordering import order_gaps
from aisma.roadmap.phases import build_items, group_phases
from aisma.roadmap.whatif import Rescore, completed_inputs, snapshot
from aisma.scoring.inputs import AssessmentInput
from aisma.scoring.results import AssessmentResult, RoadmapPhase


def plan_roadmap(
    inputs: AssessmentInput, result: AssessmentResult, rescore: Rescore, evidenced: bool = False
) -> tuple[list[RoadmapPhase], list[str]]:
    """The phases (the result's ``roadmap`` contract) and any planning warnings.

    With ``evidenced`` the plan reaches the targets in evidenced levels (``aisma roadmap --evidenced``);
    the result's own roadmap is planned on claimed levels.
    """
    model = inputs.model
    systems = inputs.inventory.active_systems()
    gaps = find_gaps(model, result, evidenced)
    if not gaps:
        return [], []
    ordered, warnings = order_gaps(model, gaps, systems)
    items = build_items(model, result, systems, ordered, evidenced)
    phases = group_phases(model, ordered, items)
    done: list[str] = []
    planned: list[RoadmapPhase] = []
    for phase in phases:
        done += [str(item["objective"]) for item in phase["items"]]
        projected = snapshot(rescore(completed_inputs(inputs, done)))
        planned.append(RoadmapPhase.model_validate({**phase, "projected": projected}))
    return planned, warnings


def with_roadmap(inputs: AssessmentInput, result: AssessmentResult, rescore: Rescore) -> AssessmentResult:
    phases, warnings = plan_roadmap(inputs, result, rescore)
    return result.model_copy(
        update={"roadmap": tuple(phases), "warnings": tuple(sorted(set(result.warnings) | set(warnings)))}
    )
