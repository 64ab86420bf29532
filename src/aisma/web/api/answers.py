"""Answers to control objectives, with optimistic concurrency.

A PUT carries the version the client read. The service applies it as one conditional UPDATE, so of
two writers holding the same version exactly one wins; the other gets 409 with the current record
and can merge and retry. An update is never lost silently.
"""

from __future__ import annotations

from fastapi import APIRouter

from aisma.web.api.common import WRITE_ERRORS, ObjectId, stale_as
from aisma.web.api.schemas import AnswerIn, AnswerOut, StaleAnswer
from aisma.web.security import CurrentActor, DbSession


def build_router() -> APIRouter:
    router = APIRouter(prefix="/orgs/{org}/answers", tags=["answers"], responses=WRITE_ERRORS)

    @router.get("", response_model=list[AnswerOut], summary="All answers")
    def list_answers(session: DbSession, actor: CurrentActor) -> list[AnswerOut]:
        from aisma.server.services import answers

        return [AnswerOut.model_validate(row) for row in answers.list_answers(session, actor)]

    @router.get("/{objective_id}", response_model=AnswerOut, summary="The answer to one objective")
    def get_answer(objective_id: ObjectId, session: DbSession, actor: CurrentActor) -> AnswerOut:
        from aisma.server.services import answers

        return AnswerOut.model_validate(answers.get_answer(session, actor, objective_id))

    @router.put(
        "/{objective_id}",
        response_model=AnswerOut,
        summary="Create or change the answer to one objective",
        responses={409: {"model": StaleAnswer, "description": "Stale version: the current answer is returned."}},
    )
    def save_answer(objective_id: ObjectId, body: AnswerIn, session: DbSession, actor: CurrentActor) -> AnswerOut:
        from aisma.server.services import answers

        with stale_as(AnswerOut):
            row = answers.save_answer(
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
        return AnswerOut.model_validate(row)

    return router
