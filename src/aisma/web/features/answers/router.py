"""Answers to control objectives, with optimistic concurrency.

A PUT carries the version the client read. The service applies it as one conditional UPDATE, so of
two writers holding the same version exactly one wins; the other gets 409 with the current record
and can merge and retry. An update is never lost silently.
"""

from __future__ import annotations

from typing import IO, Annotated, Any

from fastapi import APIRouter, File, Query, Request, UploadFile

from aisma.server.errors import TooLarge
from aisma.web.routing import WRITE_ERRORS, ObjectId, stale_as
from aisma.web.schemas import (
    AnswerIn,
    AnswerOut,
    ErrorOut,
    StaleAnswer,
    WorkbookChangeOut,
    WorkbookImportOut,
)
from aisma.web.security import CurrentActor, DbSession, app_settings


def read_upload(handle: IO[bytes], limit: int) -> bytes:
    """At most ``limit`` bytes of an upload; one byte more is refused with 413 (pages use it too)."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


def workbook_limit(request: Request) -> int:
    from aisma.workbook.safety import MAX_FILE_BYTES

    return min(app_settings(request).max_upload_bytes, MAX_FILE_BYTES)


def import_out(outcome: Any) -> WorkbookImportOut:
    return WorkbookImportOut(
        applied=outcome.applied,
        changes=[
            WorkbookChangeOut(
                objective_id=c.objective_id, row=c.row, fields=[list(f) for f in c.fields], summary=c.describe()
            )
            for c in outcome.changes
        ],
    )


def build_router() -> APIRouter:
    router = APIRouter(prefix="/orgs/{org}/answers", tags=["answers"], responses=WRITE_ERRORS)

    @router.get("", response_model=list[AnswerOut], summary="All answers")
    def list_answers(session: DbSession, actor: CurrentActor) -> list[AnswerOut]:
        from aisma.web.features.answers import service as answers

        return [AnswerOut.model_validate(row) for row in answers.list_answers(session, actor)]

    @router.post(
        "/workbook",
        response_model=WorkbookImportOut,
        summary="Import a filled-in aisma workbook (XLSX): every changed answer is saved, or listed on a dry run",
        responses={413: {"model": ErrorOut, "description": "The file is over the upload limit."}},
    )
    def import_workbook(
        request: Request,
        file: Annotated[UploadFile, File(description="The workbook aisma exported (report format xlsx).")],
        session: DbSession,
        actor: CurrentActor,
        dry_run: Annotated[bool, Query(description="Only list the changes; save nothing.")] = False,
    ) -> WorkbookImportOut:
        from aisma.web.features.workbook import service as workbook_import

        data = read_upload(file.file, workbook_limit(request))
        outcome = workbook_import.import_workbook(session, actor, data, file.filename or "workbook.xlsx", dry_run)
        return import_out(outcome)

    @router.get("/{objective_id}", response_model=AnswerOut, summary="The answer to one objective")
    def get_answer(objective_id: ObjectId, session: DbSession, actor: CurrentActor) -> AnswerOut:
        from aisma.web.features.answers import service as answers

        return AnswerOut.model_validate(answers.get_answer(session, actor, objective_id))

    @router.put(
        "/{objective_id}",
        response_model=AnswerOut,
        summary="Create or change the answer to one objective",
        responses={409: {"model": StaleAnswer, "description": "Stale version: the current answer is returned."}},
    )
    def save_answer(objective_id: ObjectId, body: AnswerIn, session: DbSession, actor: CurrentActor) -> AnswerOut:
        from aisma.web.features.answers import service as answers

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
