"""Assess a workspace folder: the library call behind ``aisma assess`` and ``aisma demo``."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from aisma.assessment import assess
from aisma.collectors.base import CollectionResult
from aisma.collectors.run import collect_workspace
from aisma.scoring.inputs import AssessmentInput
from aisma.scoring.results import AssessmentResult
from aisma.workspace.loader import Workspace, assessment_input, open_workspace


def assess_workspace(directory: str | Path, assessed_at: datetime) -> AssessmentResult:
    """Open the workspace, run its collectors over evidence/, and score the frozen inputs."""
    return assess_opened(open_workspace(directory), assessed_at)


def assess_opened(workspace: Workspace, assessed_at: datetime) -> AssessmentResult:
    """Assess a workspace already opened (the caller also wants its model and inventory)."""
    return assess(opened_inputs(workspace, assessed_at))


def opened_inputs(workspace: Workspace, assessed_at: datetime) -> AssessmentInput:
    """Run the workspace's collectors over evidence/ and freeze everything scoring reads."""
    return collected_inputs(workspace, assessed_at)[0]


def collected_inputs(workspace: Workspace, assessed_at: datetime) -> tuple[AssessmentInput, CollectionResult]:
    """``opened_inputs`` and the collection behind it (its ``unreadable`` files, for ``--strict``)."""
    collected = collect_workspace(workspace.root, workspace.config.collectors, workspace.inventory, assessed_at)
    return assessment_input(workspace, assessed_at, collected), collected
