"""The answer life cycle over the API: submit an answer, accept or return it, and the review queue."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from aisma.web.features.answers.schemas import AnswerOut, StaleAnswer
from aisma.web.features.reviews import service as reviews
from aisma.web.features.reviews.schemas import DecisionIn, ReviewQueueOut, SubmitIn
from aisma.web.routing import WRITE_ERRORS, ObjectId, stale_as
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}", tags=["reviews"], responses=WRITE_ERRORS)
STALE: dict[int | str, dict[str, Any]] = {
    409: {"model": StaleAnswer, "description": "The answer changed since that version."}
}


@router.get("/reviews", response_model=ReviewQueueOut, summary="Answers submitted, returned and in draft")
def review_queue(session: DbSession, actor: CurrentActor) -> ReviewQueueOut:
    return reviews.review_queue(session, actor)


@router.post(
    "/answers/{objective_id}/submit",
    response_model=AnswerOut,
    summary="Submit a draft or returned answer for review",
    responses=STALE,
)
def submit_answer(objective_id: ObjectId, body: SubmitIn, session: DbSession, actor: CurrentActor) -> AnswerOut:
    with stale_as(AnswerOut):
        return reviews.submit_answer(session, actor, objective_id, body.version)


@router.post(
    "/answers/{objective_id}/decision",
    response_model=AnswerOut,
    summary="Accept a submitted answer or return it with a reason (assessors and owners; never one's own)",
    responses=STALE,
)
def decide_answer(objective_id: ObjectId, body: DecisionIn, session: DbSession, actor: CurrentActor) -> AnswerOut:
    with stale_as(AnswerOut):
        return reviews.decide_answer(session, actor, objective_id, body.decision, body.version, body.reason)
