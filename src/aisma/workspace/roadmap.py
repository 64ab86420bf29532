"""Library calls behind ``aisma roadmap``: assess a workspace and project the first N roadmap items."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aisma.assessment import assess
from aisma.errors import AismaError
from aisma.roadmap.plan import plan_roadmap
from aisma.roadmap.whatif import WhatIf, roadmap_ids, what_if
from aisma.scoring.engine import score_levels
from aisma.scoring.inputs import AssessmentInput
from aisma.scoring.results import AssessmentResult
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import opened_inputs


def workspace_inputs(directory: str | Path, assessed_at: datetime | None) -> AssessmentInput:
    return opened_inputs(open_workspace(directory), assessed_at)


def roadmap_for(
    directory: str | Path, assessed_at: datetime | None, what_if_items: int | None = None, evidenced: bool = False
) -> tuple[AssessmentResult, WhatIf | None]:
    """The assessed result (its roadmap filled in) and, when asked, the projection after N items.

    With ``evidenced`` the result's roadmap is replaced by one that reaches the targets in evidenced levels.
    """
    inputs = workspace_inputs(directory, assessed_at)
    result = assess(inputs)
    if evidenced:
        phases, warnings = plan_roadmap(inputs, result, score_levels, evidenced=True)
        result = result.model_copy(
            update={"roadmap": tuple(phases), "warnings": tuple(sorted(set(result.warnings) | set(warnings)))}
        )
    if what_if_items is None:
        return result, None
    if what_if_items < 0:
        raise AismaError(f"--what-if {what_if_items}: expected a number of roadmap items, 0 or more")
    ids = roadmap_ids(result)
    return result, what_if(inputs, result, ids[:what_if_items], score_levels)
