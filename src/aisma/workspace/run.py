"""Assess a workspace folder: the library call behind ``aisma assess`` and ``aisma demo``.

``assessed_at`` None means "as of the workspace's pinned time (``as_of`` in aisma.yaml), else now";
see ``aisma.workspace.clock``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aisma.assessment import assess
from aisma.collectors.base import CollectionResult
from aisma.collectors.run import collect_workspace
from aisma.scoring.inputs import AssessmentInput
from aisma.scoring.results import AssessmentResult
from aisma.workspace.clock import TimeBasis, assessment_time
from aisma.workspace.loader import Workspace, assessment_input, open_workspace


def assess_workspace(directory: str | Path, assessed_at: datetime | None = None) -> AssessmentResult:
    """Open the workspace, run its collectors over evidence/, and score the frozen inputs."""
    return assess_opened(open_workspace(directory), assessed_at)


def assess_opened(workspace: Workspace, assessed_at: datetime | None = None) -> AssessmentResult:
    """Assess a workspace already opened (the caller also wants its model and inventory)."""
    return assess(opened_inputs(workspace, assessed_at))


def workspace_time(workspace: Workspace, given: datetime | None) -> tuple[datetime, TimeBasis]:
    """The time to assess ``workspace`` as of: ``given``, else its ``as_of``, else now."""
    return assessment_time(given, workspace.config.as_of)


def opened_inputs(workspace: Workspace, assessed_at: datetime | None = None) -> AssessmentInput:
    """Run the workspace's collectors over evidence/ and freeze everything scoring reads."""
    return collected_inputs(workspace, assessed_at)[0]


def collected_inputs(
    workspace: Workspace, assessed_at: datetime | None = None
) -> tuple[AssessmentInput, CollectionResult]:
    """``opened_inputs`` and the collection behind it (its ``unreadable`` files, for ``--strict``)."""
    at, basis = workspace_time(workspace, assessed_at)
    collected = collect_workspace(workspace.root, workspace.config.collectors, workspace.inventory, at)
    return assessment_input(workspace, at, collected, basis), collected
