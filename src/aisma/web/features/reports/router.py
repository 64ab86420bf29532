"""Reports of a stored assessment, in every registered format, as downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from aisma.web.downloads import report_download
from aisma.web.features.jobs.schemas import JobOut
from aisma.web.features.reports import jobs as render_job
from aisma.web.features.reports import service as reports
from aisma.web.features.reports.schemas import ReportRender
from aisma.web.routing import JOB_ACCEPTED, WRITE_ERRORS, RowId, job_url
from aisma.web.security import CurrentActor, DbSession, app_database

router = APIRouter(prefix="/orgs/{org}", tags=["assessments"], responses=WRITE_ERRORS)


@router.get(
    "/assessments/{assessment_id}/report",
    summary="Download a report of one assessment",
    # the 200's media types are the installed reporters', filled in when the document is built
    # (aisma.web.openapi): no plugin is loaded at import time
    responses={200: {"description": "The report, in the format's media type.", "content": {}}},
    openapi_extra={"x-aisma-report-download": True},
)
def download_report(
    assessment_id: RowId,
    session: DbSession,
    actor: CurrentActor,
    format: Annotated[
        str,
        Query(
            pattern=r"^[a-z][a-z0-9-]{0,30}$",
            description="A registered report format (json, md, html, pdf, xlsx, oscal, oscal-plan, ...); "
            "one whose optional dependency the server lacks answers 422 saying why.",
        ),
    ] = "html",
) -> Response:
    return report_download(reports.render_report(session, actor, assessment_id, format))


@router.post(
    "/assessments/{assessment_id}/reports",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Render a report in the background: a job whose URL is in Location; its file at .../jobs/{id}/file",
    responses=JOB_ACCEPTED,
)
def render_report(
    request: Request, response: Response, assessment_id: RowId, body: ReportRender, actor: CurrentActor
) -> JobOut:
    job = render_job.submit(app_database(request), request.app.state.job_queue, actor, assessment_id, body.format)
    response.headers["Location"] = job_url(actor.org_slug, job.id)
    return job
