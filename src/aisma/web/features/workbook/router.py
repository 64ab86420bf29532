"""Workbook import through the API: a filled-in aisma workbook (XLSX) becomes saved answers."""

from __future__ import annotations

from typing import IO, Annotated

from fastapi import APIRouter, File, Query, Request, UploadFile

from aisma.server.errors import TooLarge
from aisma.web.features.workbook import service as workbook_import
from aisma.web.features.workbook.schemas import WorkbookConflictsOut, WorkbookImportOut
from aisma.web.routing import WRITE_ERRORS
from aisma.web.schemas import ErrorOut
from aisma.web.security import CurrentActor, DbSession, app_settings

router = APIRouter(prefix="/orgs/{org}/answers", tags=["answers"], responses=WRITE_ERRORS)


def read_upload(handle: IO[bytes], limit: int) -> bytes:
    """At most ``limit`` bytes of an upload; one byte more is refused with 413 (pages use it too)."""
    data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(limit)
    return data


def workbook_limit(request: Request) -> int:
    from aisma.formats.xlsx_safety import MAX_FILE_BYTES

    return min(app_settings(request).max_upload_bytes, MAX_FILE_BYTES)


@router.post(
    "/workbook",
    response_model=WorkbookImportOut,
    summary="Import a filled-in aisma workbook (XLSX): every changed answer is saved, or listed on a dry run",
    responses={
        409: {
            "model": WorkbookConflictsOut,
            "description": "The workbook edits answers changed since it was exported; nothing was saved.",
        },
        413: {"model": ErrorOut, "description": "The file is over the upload limit."},
    },
)
def import_workbook(
    request: Request,
    file: Annotated[UploadFile, File(description="The workbook aisma exported (report format xlsx).")],
    session: DbSession,
    actor: CurrentActor,
    dry_run: Annotated[bool, Query(description="Only list the changes; save nothing.")] = False,
    force: Annotated[
        bool,
        Query(
            description="Save the edits even of answers changed since the workbook was exported "
            "(the workbook's edited cells win; recorded in the audit log)."
        ),
    ] = False,
) -> WorkbookImportOut:
    data = read_upload(file.file, workbook_limit(request))
    return workbook_import.import_workbook(session, actor, data, file.filename or "workbook.xlsx", dry_run, force)
