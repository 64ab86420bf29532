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
