"""Findings as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from aisma.web.schemas import Day, Input, LongText, Output, Version

Kind = Literal["gap", "conflict", "failed_measurement", "remark"]
Severity = Literal["critical", "high", "medium", "low"]
Status = Literal["open", "in_progress", "resolved", "accepted"]
KINDS: tuple[str, ...] = ("gap", "conflict", "failed_measurement", "remark")
SEVERITIES: tuple[str, ...] = ("critical", "high", "medium", "low")
STATUSES: tuple[str, ...] = ("open", "in_progress", "resolved", "accepted")
Title = Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]
Email = Annotated[str, StringConstraints(max_length=320, strip_whitespace=True)]
ObjectiveRef = Annotated[str, StringConstraints(max_length=100, pattern=r"^([A-Z][A-Z0-9]*-[0-9]+\.[0-9]+)?$")]


class RoadmapLink(Output):
    """A roadmap item: the objective to meet, in which phase of the latest assessment's roadmap."""

    objective_id: str
    phase: int
    phase_title: str


class FindingOut(Output):
    id: int
    kind: Kind
    title: str
    detail: str
    objective_id: str = Field(description="The objective the finding blocks (empty for none).")
    severity: Severity
    status: Status = Field(description="open, in_progress, resolved, or accepted (the risk is accepted).")
    owner: str = Field(description="The member who fixes it (an email; empty: nobody yet).")
    due: date | None
    assessment_id: int | None = Field(description="The assessment it was derived from (null for a remark).")
    closed_by_assessment_id: int | None = Field(
        default=None, description="The later assessment that no longer showed its cause and so resolved it."
    )
    roadmap: RoadmapLink | None = Field(
        default=None, description="The latest roadmap's item that would close it (same objective), if any."
    )
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int


class FollowedOut(Output):
    """What an assessment did to the derived findings."""

    resolved: list[int]
    reopened: list[int]


class StaleFinding(BaseModel):
    detail: str
    current: FindingOut | None = Field(description="What is stored now.")


class RemarkIn(Input):
    """An auditor's remark, recorded as a finding."""

    title: Title
    detail: LongText = ""
    objective_id: ObjectiveRef = ""
    severity: Severity = "medium"
    owner: Email = ""
    due: Day | None = None


class FindingChange(Input):
    """What people change on a finding; every field left out stays as it is."""

    version: Version = Field(description="The finding version you read: a newer one is a 409.")
    severity: Severity | None = None
    status: Status | None = None
    owner: Email | None = None
    due: Day | None = None
    clear_due: bool = Field(default=False, description="Remove the due date.")


class DeriveOut(Output):
    assessment_id: int
    created: int = Field(description="New findings (one per gap, conflict or failed measurement not yet recorded).")
    existing: int = Field(description="Already recorded (whatever their status): left as people set them.")
