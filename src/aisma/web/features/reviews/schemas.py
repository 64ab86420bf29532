"""Requests of the answer life cycle (submit, accept, return) and the review queue."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from aisma.web.features.answers.schemas import AnswerOut
from aisma.web.schemas import Input, LongText, Output, Version


class SubmitIn(Input):
    version: Version = Field(description="The answer version you submit: a newer one is a 409.")


class DecisionIn(Input):
    decision: Literal["accepted", "returned"]
    version: Version = Field(description="The answer version you reviewed: a newer one is a 409.")
    reason: LongText = Field(default="", description="Why; required to return an answer.")


class ReviewQueueOut(Output):
    review_required: bool = Field(description="Whether only accepted answers count as evidenced here.")
    submitted: list[AnswerOut] = Field(description="Waiting for an assessor.")
    returned: list[AnswerOut] = Field(description="Sent back with a reason; the answerer changes and resubmits.")
    drafts: list[AnswerOut] = Field(description="Saved but not submitted.")
    accepted: list[AnswerOut] = Field(default_factory=list, description="Accepted by an assessor (they count).")
