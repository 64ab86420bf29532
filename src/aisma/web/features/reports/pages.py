"""The reports page: every stored assessment with a download link per registered format."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.server.auth import Permission
from aisma.web.downloads import report_download
from aisma.web.features.assessments import service as assessments
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reports import service as report_service
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession

router = APIRouter()


@router.get("/orgs/{org}/reports")
def reports(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    organization = accounts.get_organization(session, actor)
    base = org_base(actor.org_slug)
    return render_page(
        request,
        actor,
        "reports.html",
        active="reports",
        title="Reports",
        org_name=organization.name,
        assessments=[
            {
                "id": p.assessment_id,
                "assessed_at": p.assessed_at,
                "level": p.level,
                "score": p.score,
                "evidenced_level": p.evidenced_level,
                "evidenced_score": p.evidenced_score,
            }
            for p in reversed(assessments.trend(session, actor))
        ],
        formats=report_service.report_formats(),
        download_base=f"{base}/reports",
        run_url=f"{base}/assessments",
        can_assess=actor.can(Permission.RUN_ASSESSMENT),
    )


@router.get("/orgs/{org}/reports/{assessment_id}/report.{fmt}")
def download(assessment_id: int, fmt: str, session: DbSession, actor: CurrentActor) -> Response:
    report = report_service.render_report(session, actor, assessment_id, fmt)
    return report_download(report)
