"""Background jobs of the organization: the URL a 202 names, polled for progress and the result."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from aisma.web.features.jobs import service as jobs
from aisma.web.features.jobs.schemas import JobOut
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response
from aisma.web.routing import ERRORS, RowId
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}/jobs", tags=["jobs"], responses=ERRORS)


@router.get("", response_model=list[JobOut], summary="Background jobs, newest first", responses=LIST_RESPONSES)
def list_jobs(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, jobs.jobs_page(session, actor, page), JobOut)


@router.get("/{job_id}", response_model=JobOut, summary="One job: status, progress, result")
def get_job(job_id: RowId, session: DbSession, actor: CurrentActor) -> JobOut:
    return jobs.get_job(session, actor, job_id)


@router.get(
    "/{job_id}/file",
    summary="The file a finished job made (a rendered report)",
    responses={200: {"content": {"application/octet-stream": {}}}},
)
def job_file(request: Request, job_id: RowId, session: DbSession, actor: CurrentActor) -> Response:
    return file_response(request, session, actor, job_id)


def file_response(request: Request, session: Any, actor: Any, job_id: int) -> Response:
    """Always an attachment and ``nosniff``, streamed from the evidence store (any server process)."""
    job, key = jobs.job_file(session, actor, job_id)
    assert job.result is not None
    headers = {
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(str(job.result['filename']))}",
        "Content-Length": str(job.result["size"]),
        "X-Content-Type-Options": "nosniff",
    }
    store = request.app.state.evidence_store
    return StreamingResponse(store.chunks(key), media_type=str(job.result["media_type"]), headers=headers)
