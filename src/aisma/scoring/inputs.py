"""Frozen inputs of an assessment. Scoring reads only these, so a result can be recomputed exactly.

The records it is made of (answers, measurements, observed assets) are defined in ``aisma.records``
and exported here too, for the layers above scoring.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from aisma.inventory.schema import Inventory
from aisma.maturity.schema import MaturityModel
from aisma.records import (
    ANSWER_STEPS,
    ANSWER_VALUES,
    ANSWER_WORDS,
    MAX_DETAILS,
    MAX_ENTITIES,
    MET_ANSWERS,
    Answer,
    AnswerWord,
    EvidenceRef,
    EvidenceReview,
    EvidenceStatus,
    Measurement,
    ObservedAsset,
    Source,
    entity_ratio,
    ratio,
)

__all__ = [
    "ANSWER_STEPS",
    "ANSWER_VALUES",
    "ANSWER_WORDS",
    "MAX_DETAILS",
    "MAX_ENTITIES",
    "MET_ANSWERS",
    "Answer",
    "AnswerWord",
    "AssessmentInput",
    "EvidenceRef",
    "EvidenceReview",
    "EvidenceStatus",
    "Measurement",
    "ObservedAsset",
    "Source",
    "Targets",
    "entity_ratio",
    "ratio",
]


@dataclass(frozen=True)
class Targets:
    """Configured targets; ``aisma.scoring.targets.resolve_targets`` turns them into one level per category."""

    default: int | None = None
    categories: tuple[tuple[str, int], ...] = ()
    domains: tuple[tuple[str, int], ...] = ()
    preset: str | None = None
    from_inventory: bool = False

    def for_category(self, category_id: str, domain_id: str) -> int | None:
        return dict(self.categories).get(category_id, dict(self.domains).get(domain_id, self.default))


@dataclass(frozen=True)
class AssessmentInput:
    organization: str
    model: MaturityModel
    assessed_at: datetime
    inventory: Inventory = field(default_factory=Inventory)
    answers: tuple[Answer, ...] = ()
    measurements: tuple[Measurement, ...] = ()
    targets: Targets = Targets()
    observed: tuple[ObservedAsset, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    # Where ``assessed_at`` came from: "at" (given), "as_of" (pinned by the workspace), "now" (wall clock).
    time_basis: str = "at"
