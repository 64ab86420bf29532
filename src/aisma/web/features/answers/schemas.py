"""Answers to control objectives, with the version a save must carry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from aisma.scoring.inputs import AnswerWord
from aisma.web.schemas import Day, Input, LongText, Output, ShortText, Version


class EvidenceReviewOut(Output):
    decision: Literal["accepted", "rejected"]
    by: str = Field(description="The assessor who reviewed the evidence.")
    at: datetime | None = Field(description="When.")
    note: str = Field(description="Why (required for a rejection).")


AnswerStatus = Literal["draft", "submitted", "accepted", "returned"]


class AnswerOut(Output):
    objective_id: str
    answer: AnswerWord
    note: str
    justification: str
    evidence: list[Any]
    answered_by: str
    answered_at: datetime | None
    expires: date | None
    version: int
    evidence_review: EvidenceReviewOut | None = Field(
        default=None,
        description="An assessor's review of the cited evidence, or null. A link or an unstored file counts "
        "as evidence only once accepted; every save of the answer clears the review.",
    )
    status: AnswerStatus = Field(
        default="draft",
        description="Life cycle: draft (saved), submitted (for review), accepted or returned (by an assessor). "
        "Every save makes the answer a draft again. Where the organization requires review only accepted "
        "answers count as evidenced.",
    )
    status_by: str = Field(default="", description="Who moved the answer to its status (empty for a draft).")
    status_at: datetime | None = Field(default=None, description="When.")
    status_reason: str = Field(default="", description="Why it was returned (or the assessor's note).")


class EvidenceReviewIn(Input):
    decision: Literal["accepted", "rejected"]
    version: Version = Field(description="The answer version you reviewed: a newer one is a 409.")
    note: LongText = Field(default="", description="Why; required to reject.")


class AnswerIn(Input):
    answer: AnswerWord
    note: LongText = ""
    justification: LongText = ""
    evidence: list[ShortText] = Field(
        default_factory=list, max_length=200, description="Evidence paths, URLs or sha256 of uploaded files."
    )
    expires: Day | None = None
    version: Version | None = Field(
        default=None, description="The version you read; omit (null) only to create the first answer."
    )


class StaleAnswer(BaseModel):
    detail: str
    current: AnswerOut | None = Field(description="What is stored now (null if it was deleted).")
