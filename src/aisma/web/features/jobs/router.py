"""Background jobs of the organization: the URL a 202 names, polled for progress and the result."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

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
