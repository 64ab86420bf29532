"""Answers to control objectives, with the version a save must carry."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, Field

from aisma.scoring.inputs import AnswerWord
from aisma.web.schemas import Day, Input, LongText, Output, ShortText, Version


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
