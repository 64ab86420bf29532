"""Assessments: run one (a frozen snapshot), list, read, the latest result and the trend."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from aisma.server.errors import NotFound
from aisma.web.features.assessments import service as assessments
from aisma.web.features.assessments.schemas import AssessmentOut, AssessmentRun, AssessmentSummary, TrendPoint
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS, RowId
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
    response_model=AssessmentOut,
    status_code=status.HTTP_201_CREATED,
    summary="Assess now (or at a given time) and store the result snapshot",
)
def run_assessment(request: Request, actor: CurrentActor, body: AssessmentRun | None = None) -> AssessmentOut:
    at = body.assessed_at if body is not None else None
    database = app_database(request)
    summary = assessments.assess_and_store(database, actor, at)
    with database.transaction(readonly=True) as session:
        return assessments.get_assessment(session, actor, summary.id)


@router.get("/assessments/{assessment_id}", response_model=AssessmentOut, summary="One assessment")
def get_assessment(assessment_id: RowId, session: DbSession, actor: CurrentActor) -> AssessmentOut:
    return assessments.get_assessment(session, actor, assessment_id)


@router.get("/results/latest", summary="The latest assessment's result (aisma.result/v1)")
def latest_result(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    stored = assessments.latest_assessment(session, actor)
    if stored is None:
        raise NotFound("no assessment yet: run one first")
    return stored.result


@router.get(
    "/trend",
    response_model=list[TrendPoint],
    summary="Overall and per-category levels over time, oldest first",
    responses=LIST_RESPONSES,
)
def trend(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(assessments.trend(session, actor), page), TrendPoint)
