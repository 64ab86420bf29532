"""Answers to control objectives, with optimistic concurrency.

A PUT carries the version the client read. The service applies it as one conditional UPDATE, so of
two writers holding the same version exactly one wins; the other gets 409 with the current record
and can merge and retry. An update is never lost silently.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aisma.web.features.answers import service as answers
from aisma.web.features.answers.schemas import AnswerIn, AnswerOut, AnswerStatus, EvidenceReviewIn, StaleAnswer
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS, ObjectId, stale_as
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}/answers", tags=["answers"], responses=WRITE_ERRORS)


@router.get("", response_model=list[AnswerOut], summary="The answers, a page at a time", responses=LIST_RESPONSES)
def list_answers(
    request: Request,
    page: PageParams,
    session: DbSession,
    actor: CurrentActor,
    status: Annotated[AnswerStatus | None, Query(description="Only answers in this life-cycle status.")] = None,
    category: Annotated[
        str | None, Query(max_length=20, pattern=r"^[A-Za-z0-9_]+$", description="Only this category's answers.")
    ] = None,
) -> Response:
    listed = [
        a
        for a in answers.list_answers(session, actor)
        if (status is None or a.status == status) and (category is None or a.objective_id.split("-")[0] == category)
    ]
    return list_response(request, slice_page(listed, page), AnswerOut)


@router.get("/{objective_id}", response_model=AnswerOut, summary="The answer to one objective")
def get_answer(objective_id: ObjectId, session: DbSession, actor: CurrentActor) -> AnswerOut:
    return answers.get_answer(session, actor, objective_id)


@router.put(
    "/{objective_id}",
    response_model=AnswerOut,
    summary="Create or change the answer to one objective",
    responses={409: {"model": StaleAnswer, "description": "Stale version: the current answer is returned."}},
)
def save_answer(objective_id: ObjectId, body: AnswerIn, session: DbSession, actor: CurrentActor) -> AnswerOut:
    with stale_as(AnswerOut):
        return answers.save_answer(
            session,
            actor,
            objective_id,
            answer=body.answer,
            note=body.note,
            justification=body.justification,
            evidence=list(body.evidence),
            expires=body.expires,
            expected_version=body.version,
        )


@router.post(
    "/{objective_id}/evidence-review",
    response_model=AnswerOut,
    summary="Accept or reject the evidence an answer cites (assessors and owners; never one's own answer)",
    responses={409: {"model": StaleAnswer, "description": "The answer changed since that version."}},
)
def review_evidence(
    objective_id: ObjectId, body: EvidenceReviewIn, session: DbSession, actor: CurrentActor
) -> AnswerOut:
    with stale_as(AnswerOut):
        return answers.review_evidence(session, actor, objective_id, body.decision, body.version, body.note)
