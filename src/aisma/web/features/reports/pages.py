"""The reports page: every stored assessment with a download link per registered format."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from aisma.server.auth import Permission
from aisma.web.downloads import report_download
from aisma.web.features.assessments import service as assessments
from aisma.web.features.jobs import service as jobs
from aisma.web.features.jobs.router import file_response
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reports import jobs as render_job
from aisma.web.features.reports import service as report_service
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession, app_database, require_csrf

router = APIRouter()


@router.get("/orgs/{org}/reports")
def reports(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    organization = accounts.get_organization(session, actor)
    base = org_base(actor.org_slug)
    job_text = request.query_params.get("job", "")
    job = jobs.get_job(session, actor, int(job_text)) if job_text.isdigit() and len(job_text) < 12 else None
    if job is not None and job.name != render_job.NAME:
        job = None
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
        job=job,
        job_file_base=f"{base}/reports/jobs",
        refresh_seconds=2 if job is not None and job.status in ("queued", "running") else None,
    )


@router.post("/orgs/{org}/reports/{assessment_id}/render", dependencies=[Depends(require_csrf)])
def render(request: Request, assessment_id: int, actor: CurrentActor, format: str = Form("html")) -> Response:
    """Render a report as a job; the reports page shows its progress, then the download link."""
    job = render_job.submit(app_database(request), request.app.state.job_queue, actor, assessment_id, format)
    return RedirectResponse(f"{org_base(actor.org_slug)}/reports?job={job.id}", status_code=303)


@router.get("/orgs/{org}/reports/jobs/{job_id}/file")
def job_file(request: Request, job_id: int, session: DbSession, actor: CurrentActor) -> Response:
    return file_response(request, session, actor, job_id)


@router.get("/orgs/{org}/reports/{assessment_id}/report.{fmt}")
def download(assessment_id: int, fmt: str, session: DbSession, actor: CurrentActor) -> Response:
    report = report_service.render_report(session, actor, assessment_id, fmt)
    return report_download(report)
