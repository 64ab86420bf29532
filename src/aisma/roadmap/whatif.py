"""What if the first N roadmap items were done? Rescore through the real scoring engine.

The projection changes only the inputs: each completed objective is answered ``fully`` with a
planned-evidence reference, and switched to a manual answer in a copy of the model so a measurement
taken today cannot overrule the work assumed done. Everything else (other answers, measurements,
inventory, gates, targets) stays as it is, so the projected levels and gating verdicts are exactly
what the engine would say once that work is finished and evidenced.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from aisma.maturity.schema import MaturityModel
from aisma.maturity.schema import Measurement as MeasurementSpec
from aisma.scoring.inputs import Answer, AssessmentInput, EvidenceRef
from aisma.scoring.results import AssessmentResult, Projection, r2

Rescore = Callable[[AssessmentInput], AssessmentResult]
PLANNED_EVIDENCE = "roadmap:planned"


def _manual(model: MaturityModel, ids: frozenset[str]) -> MaturityModel:
    domains = tuple(
        d.model_copy(
            update={
                "categories": tuple(
                    c.model_copy(
                        update={
                            "objectives": tuple(
                                o.model_copy(update={"measurement": MeasurementSpec()}) if o.id in ids else o
                                for o in c.objectives
                            )
                        }
                    )
                    for c in d.categories
                )
            }
        )
        for d in model.domains
    )
    return model.model_copy(update={"domains": domains})


def completed_inputs(inputs: AssessmentInput, objective_ids: Iterable[str]) -> AssessmentInput:
    """The inputs with the given objectives done: answered fully, with (planned) evidence."""
    ids = frozenset(objective_ids)
    if not ids:
        return inputs
    answers = tuple(a for a in inputs.answers if a.objective_id not in ids) + tuple(
        Answer(
            objective_id=oid,
            answer="fully",
            note="projected: roadmap item done",
            evidence=(EvidenceRef(ref=PLANNED_EVIDENCE, exists=True),),  # done means evidenced
        )
        for oid in sorted(ids)
    )
    return replace(inputs, model=_manual(inputs.model, ids), answers=answers, warnings=())


def snapshot(result: AssessmentResult) -> Projection:
    """The figures a projection compares: overall, per category and per deployment."""
    return Projection(
        overall_level=result.overall.level,
        overall_score=r2(result.overall.score),
        evidenced_level=result.overall.evidenced_level,
        categories={c.id: c.level for c in result.categories},
        evidenced_categories={c.id: c.evidenced_level for c in result.categories},
        gating={g.system: g.verdict for g in result.gating},
        evidenced_gating={g.system: g.evidenced_verdict for g in result.gating},
    )


@dataclass(frozen=True)
class WhatIf:
    """Today beside the projection after the first ``done`` roadmap items."""

    done: tuple[str, ...]
    today: AssessmentResult
    projected: AssessmentResult

    def to_dict(self) -> dict[str, Any]:
        today, after = snapshot(self.today), snapshot(self.projected)
        return {
            "items_done": list(self.done),
            "overall": {
                "level": [today.overall_level, after.overall_level],
                "score": [today.overall_score, after.overall_score],
                "evidenced_level": [today.evidenced_level, after.evidenced_level],
            },
            "categories": [
                {
                    "id": c.id,
                    "level": [c.level, after.categories[c.id]],
                    "evidenced_level": [c.evidenced_level, after.evidenced_categories[c.id]],
                    "target_level": c.target_level,
                }
                for c in self.today.categories
            ],
            "gating": [
                {"system": system, "verdict": [verdict, after.gating.get(system)]}
                for system, verdict in today.gating.items()
            ],
        }


def what_if(inputs: AssessmentInput, today: AssessmentResult, done: Sequence[str], rescore: Rescore) -> WhatIf:
    return WhatIf(done=tuple(done), today=today, projected=rescore(completed_inputs(inputs, done)))


def roadmap_ids(result: AssessmentResult) -> list[str]:
    """The roadmap's objectives in order (phases flattened)."""
    return [item.objective for phase in result.roadmap for item in phase.items]
