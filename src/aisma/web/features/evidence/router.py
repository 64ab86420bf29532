"""Evidence files: multipart upload (size-limited, sha256 recorded), listing and download."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from fastapi.responses import FileResponse, Response, StreamingResponse

from aisma.errors import AismaError
from aisma.server.auth import Permission
from aisma.server.errors import Invalid
from aisma.web.features.evidence import citations
from aisma.web.features.evidence import jobs as collect_job
from aisma.web.features.evidence import service as evidence
from aisma.web.features.evidence.schemas import (
    CitedByOut,
    CollectorRun,
    EvidenceDates,
    EvidenceOut,
    EvidenceRevisionOut,
)
from aisma.web.features.jobs import service as jobs
from aisma.web.features.jobs.schemas import JobOut
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response
from aisma.web.routing import JOB_ACCEPTED, WRITE_ERRORS, RowId, job_url
from aisma.web.schemas import Day, ErrorOut
from aisma.web.security import CurrentActor, DbSession, app_database, app_settings

TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {"model": ErrorOut, "description": "The file is over the server's upload limit."}
}

router = APIRouter(prefix="/orgs/{org}/evidence", tags=["evidence"], responses=WRITE_ERRORS)


@router.get("", response_model=list[EvidenceOut], summary="Evidence files, by name", responses=LIST_RESPONSES)
def list_evidence(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, evidence.evidence_page(session, actor, page), EvidenceOut)


@router.post(
    "",
    response_model=EvidenceOut,
    status_code=status.HTTP_201_CREATED,
    responses=TOO_LARGE,
    summary="Upload an evidence file",
)
def upload_evidence(
    request: Request,
    file: Annotated[UploadFile, File(description="The document or tool output.")],
    session: DbSession,
    actor: CurrentActor,
    path: Annotated[
        str, Form(max_length=500, description="Where it goes under evidence/ (default: the file's name).")
    ] = "",
    effective_on: Annotated[Day | None, Form(description="The day this revision is in force from.")] = None,
    expires_on: Annotated[Day | None, Form(description="Its last day in force (after it, it stops counting).")] = None,
) -> EvidenceOut:
    """A name already stored gets a new revision: the record shows it, earlier revisions are kept."""
    settings = app_settings(request)
    name = path or file.filename or ""
    store = request.app.state.evidence_store
    return evidence.store_evidence(
        session, actor, store, name, file.file, settings.max_upload_bytes, effective_on=effective_on,
        expires_on=expires_on,
    )  # fmt: skip


@router.get("/{evidence_id}", response_model=EvidenceOut, summary="One evidence file's record")
def get_evidence(evidence_id: RowId, session: DbSession, actor: CurrentActor) -> EvidenceOut:
    return evidence.get_evidence(session, actor, evidence_id)


@router.get(
    "/{evidence_id}/content",
    summary="Download an evidence file",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_evidence(request: Request, evidence_id: RowId, session: DbSession, actor: CurrentActor) -> Response:
    """The current revision, from this machine's folder or streamed from the object store."""
    record, relative = evidence.evidence_object(session, actor, evidence_id)
    return download(request, record, relative, record.size)


@router.put(
    "/{evidence_id}", response_model=EvidenceOut, summary="Set the current revision's effective and expiry dates"
)
def set_dates(evidence_id: RowId, body: EvidenceDates, session: DbSession, actor: CurrentActor) -> EvidenceOut:
    return evidence.set_dates(session, actor, evidence_id, body)


@router.get(
    "/{evidence_id}/revisions", response_model=list[EvidenceRevisionOut], summary="Every revision, newest first"
)
def list_revisions(evidence_id: RowId, session: DbSession, actor: CurrentActor) -> list[EvidenceRevisionOut]:
    return evidence.list_revisions(session, actor, evidence_id)


@router.get(
    "/{evidence_id}/revisions/{revision}/content",
    summary="Download one revision",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def download_revision(
    request: Request, evidence_id: RowId, revision: RowId, session: DbSession, actor: CurrentActor
) -> Response:
    record, relative, size = evidence.revision_object(session, actor, evidence_id, revision)
    return download(request, record, relative, size)


@router.get(
    "/{evidence_id}/cited-by", response_model=CitedByOut, summary="The answers and measurements that use the file"
)
def cited_by(evidence_id: RowId, session: DbSession, actor: CurrentActor) -> CitedByOut:
    return citations.cited_by(session, actor, evidence_id)


def download(request: Request, record: EvidenceOut, relative: str, size: int) -> Response:
    """From this machine's folder, or streamed from the object store (whichever server answers)."""
    store = request.app.state.evidence_store
    name = record.filename.rsplit("/", 1)[-1]
    headers = {"X-Content-Type-Options": "nosniff"}
    local = store.local_path(relative)
    if local is not None:
        return FileResponse(local, media_type="application/octet-stream", filename=name, headers=headers)
    headers["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    headers["Content-Length"] = str(size)
    return StreamingResponse(store.chunks(relative), media_type="application/octet-stream", headers=headers)


@router.post(
    "/collect",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run the collectors over the uploaded evidence: a background job; its URL is in Location",
    responses=JOB_ACCEPTED,
)
def collect(request: Request, response: Response, actor: CurrentActor, body: CollectorRun | None = None) -> JobOut:
    actor.require(Permission.PUSH_MEASUREMENTS)
    if body is not None and body.collectors:
        try:
            collect_job.chosen_collectors(list(body.collectors), {})
        except AismaError as exc:
            raise Invalid("collectors", exc.message) from None
    args = {
        "collectors": list(body.collectors) if body is not None and body.collectors else None,
        "at": body.at.isoformat() if body is not None and body.at is not None else None,
    }
    job = jobs.submit(app_database(request), request.app.state.job_queue, actor, collect_job.NAME, args)
    response.headers["Location"] = job_url(actor.org_slug, job.id)
    return job
