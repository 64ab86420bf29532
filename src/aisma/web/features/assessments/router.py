"""Assessments: run one (a frozen snapshot), list, read, trend, and download reports of a snapshot."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from fastapi.responses import Response

from aisma.server.errors import NotFound
from aisma.web.downloads import report_download
from aisma.web.routing import WRITE_ERRORS, RowId
from aisma.web.schemas import AssessmentOut, AssessmentRun, AssessmentSummary, TrendPoint
from aisma.web.security import CurrentActor, DbSession

REPORT_TYPES = {
    "json": "application/json",
    "md": "text/markdown; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "oscal": "application/oscal.ar+json",
    "oscal-plan": "application/oscal.ap+json",
}


def stored_out(stored: Any) -> AssessmentOut:
    """``StoredAssessment(summary, result)`` as one API object."""
    summary = AssessmentSummary.model_validate(stored.summary)
    return AssessmentOut(**summary.model_dump(), result=stored.result)


def build_router() -> APIRouter:
    router = APIRouter(prefix="/orgs/{org}", tags=["assessments"], responses=WRITE_ERRORS)

    @router.get("/assessments", response_model=list[AssessmentSummary], summary="Assessments, newest first")
    def list_assessments(session: DbSession, actor: CurrentActor) -> list[AssessmentSummary]:
        from aisma.web.features.assessments import service as assessments

        return [AssessmentSummary.model_validate(row) for row in assessments.list_assessments(session, actor)]

    @router.post(
        "/assessments",
        response_model=AssessmentOut,
        status_code=status.HTTP_201_CREATED,
        summary="Assess now (or at a given time) and store the result snapshot",
    )
    def run_assessment(session: DbSession, actor: CurrentActor, body: AssessmentRun | None = None) -> AssessmentOut:
        from aisma.web.features.assessments import service as assessments

        at = body.assessed_at if body is not None else None
        summary = assessments.run_assessment(session, actor, at)
        return stored_out(assessments.get_assessment(session, actor, summary.id))

    @router.get("/assessments/{assessment_id}", response_model=AssessmentOut, summary="One assessment")
    def get_assessment(assessment_id: RowId, session: DbSession, actor: CurrentActor) -> AssessmentOut:
        from aisma.web.features.assessments import service as assessments

        return stored_out(assessments.get_assessment(session, actor, assessment_id))

    @router.get(
        "/assessments/{assessment_id}/report",
        summary="Download a report of one assessment",
        responses={200: {"content": {media: {} for media in REPORT_TYPES.values()}}},
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
        from aisma.web.features.reports import service as reports

        report = reports.render_report(session, actor, assessment_id, format)
        return report_download(report)

    @router.get("/results/latest", summary="The latest assessment's result (aisma.result/v1)")
    def latest_result(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
        from aisma.web.features.assessments import service as assessments

        stored = assessments.latest_assessment(session, actor)
        if stored is None:
            raise NotFound("no assessment yet: run one first")
        return stored.result

    @router.get("/trend", response_model=list[TrendPoint], summary="Overall and per-category levels over time")
    def trend(session: DbSession, actor: CurrentActor) -> list[TrendPoint]:
        from aisma.web.features.assessments import service as assessments

        return [TrendPoint.model_validate(point) for point in assessments.trend(session, actor)]

    return router
