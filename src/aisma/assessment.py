"""The assessment: score the frozen inputs, then plan the roadmap from today to the targets.

This is the one place where scoring and planning meet. ``aisma.scoring`` computes levels and knows
nothing of roadmaps; ``aisma.roadmap`` plans from a result and re-scores its what-if projections
through the function it is handed (``score_levels``), so neither package imports the other's caller.
"""

from __future__ import annotations

from aisma.roadmap.plan import with_roadmap
from aisma.scoring.engine import score, score_levels
from aisma.scoring.inputs import AssessmentInput
from aisma.scoring.results import AssessmentResult


def assess(inputs: AssessmentInput) -> AssessmentResult:
    """Score the inputs, then plan the roadmap from today to the targets (with what-if projections)."""
    return with_roadmap(inputs, score(inputs), score_levels)
