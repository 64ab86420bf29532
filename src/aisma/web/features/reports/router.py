"""Reports of a stored assessment, in every registered format, as downloads."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from aisma.web.downloads import report_download
from aisma.web.features.reports import service as reports
from aisma.web.routing import WRITE_ERRORS, RowId
from aisma.web.security import CurrentActor, DbSession

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
