"""Assignments and My work as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from aisma.web.schemas import Day, Input, Output, Version

Subject = Literal["objective", "roadmap"]
SUBJECTS: tuple[str, ...] = ("objective", "roadmap")
WorkKind = Literal["objective", "roadmap", "finding"]
WORK_KINDS: tuple[str, ...] = ("objective", "roadmap", "finding")
WORK_STATES: tuple[str, ...] = ("open", "overdue", "done")
Email = Annotated[str, StringConstraints(max_length=320, strip_whitespace=True)]


class AssignmentOut(Output):
    subject: Subject = Field(description="objective (answer it in the questionnaire) or roadmap (implement it).")
    item_id: str = Field(description="The objective id; a roadmap item keeps it from one assessment to the next.")
    title: str
    assignee: str = Field(description="The member's email (empty: nobody).")
    due: date | None
    done: bool = Field(
        description="objective: its answer is accepted (or, where review is not required, given and not returned); "
        "roadmap: the latest assessment no longer has it on the roadmap."
    )
    overdue: bool = Field(description="Not done, and the due date is before today (the server's UTC date).")
    assigned_by: str
    updated_at: datetime
    version: int


class StaleAssignment(BaseModel):
    detail: str
    current: AssignmentOut | None = Field(description="What is stored now.")


class AssignmentIn(Input):
    """The whole assignment: an empty assignee and no due date clear it."""

    assignee: Email = Field(default="", description="A member's email; empty: nobody.")
    due: Day | None = None
    version: Version | None = Field(
        default=None, description="The version you read; leave out only when the item was never assigned."
    )


class WorkItemOut(Output):
    organization: str = Field(description="The organization's slug.")
    organization_name: str
    kind: WorkKind
    item_id: str = Field(description="The objective id, or the finding's id.")
    title: str
    due: date | None
    status: str = Field(description="What the item is at: the answer's status, on the roadmap, the finding's status.")
    done: bool
    overdue: bool
    link: str = Field(description="The page of the item on this server.")
