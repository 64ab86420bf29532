"""Assessments: run one (a frozen snapshot), list, read, the latest result and the trend."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from aisma.server.auth import Permission
from aisma.server.errors import NotFound
from aisma.web.features.assessments import jobs as assessment_job
from aisma.web.features.assessments import service as assessments
from aisma.web.features.assessments.schemas import (
    AssessmentOut,
    AssessmentRun,
    AssessmentSummary,
    KpiSeriesOut,
    TrendPoint,
)
from aisma.web.features.jobs import service as jobs
from aisma.web.features.jobs.schemas import JobOut
from aisma.web.pagination import LIST_RESPONSES, PageParams, client_has, list_response, slice_page
from aisma.web.routing import JOB_ACCEPTED, WRITE_ERRORS, RowId, job_url
from aisma.web.security import CurrentActor, DbSession, app_database

router = APIRouter(prefix="/orgs/{org}", tags=["assessments"], responses=WRITE_ERRORS)


@router.get(
    "/assessments",
    response_model=list[AssessmentSummary],
    summary="Assessments, newest first",
    responses=LIST_RESPONSES,
)
def list_assessments(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(assessments.list_assessments(session, actor), page), AssessmentSummary)


@router.post(
    "/assessments",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Assess now (or at a given time): a background job; its URL is in Location",
    responses=JOB_ACCEPTED,
)
def run_assessment(
    request: Request, response: Response, actor: CurrentActor, body: AssessmentRun | None = None
) -> JobOut:
    actor.require(Permission.RUN_ASSESSMENT)
    at = body.assessed_at.isoformat() if body is not None and body.assessed_at is not None else None
    job = jobs.submit(app_database(request), request.app.state.job_queue, actor, assessment_job.NAME, {"at": at})
    response.headers["Location"] = job_url(actor.org_slug, job.id)
    return job


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut, summary="One assessment")
def get_assessment(assessment_id: RowId, session: DbSession, actor: CurrentActor) -> AssessmentOut:
    return assessments.get_assessment(session, actor, assessment_id)


@router.get(
    "/results/latest",
    summary="The latest assessment's result (aisma.result/v1)",
    response_model=dict[str, Any],
    responses={304: {"description": "Not modified: the latest result is the one whose ETag you sent."}},
)
def latest_result(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """The stored document as it is: a snapshot never changes, so its ETag is the assessment's id and
    a dashboard polling with ``If-None-Match`` gets a 304 until a new assessment lands."""
    stored = assessments.latest_result_text(session, actor)
    if stored is None:
        raise NotFound("no assessment yet: run one first")
    assessment_id, text = stored
    headers = {"ETag": f'W/"assessment-{assessment_id}"', "Cache-Control": "private, no-cache"}
    if client_has(request, headers["ETag"]):
        return Response(status_code=304, headers=headers)
    return Response(text.encode(), media_type="application/json", headers=headers)


@router.get(
    "/trend",
    response_model=list[TrendPoint],
    summary="Overall and per-category levels over time, oldest first",
    responses=LIST_RESPONSES,
)
def trend(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(assessments.trend(session, actor), page), TrendPoint)


@router.get(
    "/kpis",
    response_model=list[KpiSeriesOut],
    summary="Every KPI (measured metric) over the last assessments, oldest point first; one series per metric",
    responses=LIST_RESPONSES,
)
def kpi_trend(
    request: Request,
    page: PageParams,
    session: DbSession,
    actor: CurrentActor,
    assessments_back: int = Query(50, alias="assessments", ge=1, le=1000, description="How many assessments back."),
    metric: str | None = Query(None, max_length=200, description="Only this metric id."),
) -> Response:
    series = [KpiSeriesOut.model_validate(s) for s in assessments.kpi_trend(session, actor, assessments_back, metric)]
    return list_response(request, slice_page(series, page), KpiSeriesOut)
