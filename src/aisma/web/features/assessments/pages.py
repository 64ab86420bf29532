"""Dashboard and roadmap: the pages that read stored assessment snapshots."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from markupsafe import Markup

from aisma.reports.viewmodel import lapsed_line
from aisma.server.auth import Permission
from aisma.store.types import utcnow
from aisma.web.features.assessments import jobs as assessment_job
from aisma.web.features.assessments import service as assessments
from aisma.web.features.assessments.trend import TrendPoint
from aisma.web.features.assessments.view import dashboard_view, kpi_rows
from aisma.web.features.assessments.view_cache import ViewCache
from aisma.web.features.findings import service as findings
from aisma.web.features.jobs import service as jobs
from aisma.web.features.organizations import service as accounts
from aisma.web.features.work.view import line_context
from aisma.web.render import org_base, page_environment, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, app_database, require_csrf
from aisma.web.templating import render_template
from aisma.workspace.clock import parse_pin


def _trend(points: list[Any]) -> list[TrendPoint]:
    return [
        TrendPoint(
            assessed_at=p.assessed_at.isoformat() if hasattr(p.assessed_at, "isoformat") else str(p.assessed_at),
            score=p.score,
            evidenced_score=p.evidenced_score,
            level=p.level,
            evidenced_level=p.evidenced_level,
        )
        for p in points
    ]


def view_cache(request: Request) -> ViewCache:
    cache: ViewCache | None = getattr(request.app.state, "dashboard_views", None)
    if cache is None:
        cache = ViewCache()
        request.app.state.dashboard_views = cache
    return cache


router = APIRouter()


def _pin_text(organization: Any) -> str | None:
    try:
        pinned = parse_pin((organization.settings or {}).get("as_of"))
    except ValueError:
        return None
    return pinned.strftime("%Y-%m-%d %H:%M UTC") if pinned else None


@router.get("/orgs/{org}")
def dashboard(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    organization = accounts.get_organization(session, actor)
    running = None
    job_text = request.query_params.get("job", "")
    if job_text.isdigit():  # after "Run an assessment": show its progress until it is done
        job = jobs.get_job(session, actor, int(job_text))
        if job.status == "succeeded":
            return redirect(org_base(actor.org_slug), "assessed")
        running = job
    points, kpi_series = assessments.dashboard_series(session, actor)
    history = _trend(points)
    if points:
        # snapshots are frozen: the view of the newest one is reused until a newer one exists
        latest_id = points[-1].assessment_id
        key = (actor.org_id, latest_id, len(points))
        context = view_cache(request).get_or_build(
            key, lambda: _snapshot_view(request, assessments.get_assessment(session, actor, latest_id).result, history)
        )
    else:
        context = dashboard_view(None, history)
    base = org_base(actor.org_slug)
    kpis = kpi_rows(kpi_series) if points else []
    urls = {
        "questionnaire": f"{base}/questionnaire",
        "inventory": f"{base}/inventory",
        "run_assessment": f"{base}/assessments",
    }
    return render_page(
        request,
        actor,
        "dashboard.html",
        active="dashboard",
        title="Dashboard",
        org_name=organization.name,
        urls=urls,
        # no second "run" button while one assessment is still on its way
        can_assess=actor.can(Permission.RUN_ASSESSMENT) and (running is None or running.status == "failed"),
        job=running,
        kpis=kpis,
        # the organization's as_of (from the aisma.yaml it was imported from) decides what "run" assesses
        pinned_as_of=_pin_text(organization),
        # live, never cached: evidence that went stale between the shown assessment and now
        lapsed=lapsed_line(context["result"], utcnow()) if context.get("result") is not None else None,
        refresh_seconds=2 if running is not None and running.status in ("queued", "running") else None,
        **context,
    )


def _snapshot_view(request: Request, snapshot: dict[str, Any], history: list[TrendPoint]) -> dict[str, Any]:
    """The dashboard's context for one snapshot, with the gating table (up to 200 rows, most of the page's
    rendering) rendered here once: it depends on the snapshot alone, so every later view reuses the HTML."""
    context = dashboard_view(snapshot, history)
    html = render_template(page_environment(request), "_dashboard_gating.html", context)
    context["gating_section"] = Markup(html)  # noqa: S704 - rendered by the autoescaping environment
    return context


@router.post("/orgs/{org}/assessments", dependencies=[Depends(require_csrf)])
def run_assessment(request: Request, actor: CurrentActor) -> Response:
    """Start the assessment as a job; the dashboard shows its progress (and reloads itself) until it is done."""
    actor.require(Permission.RUN_ASSESSMENT)
    job = jobs.submit(app_database(request), request.app.state.job_queue, actor, assessment_job.NAME, {"at": None})
    return RedirectResponse(f"{org_base(actor.org_slug)}?job={job.id}", status_code=303)


@router.get("/orgs/{org}/roadmap")
def roadmap(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    organization = accounts.get_organization(session, actor)
    latest = assessments.latest_assessment(session, actor)
    result = latest.result if latest else {}
    return render_page(
        request,
        actor,
        "roadmap.html",
        active="roadmap",
        title="Roadmap",
        org_name=organization.name,
        assessed=latest is not None,
        assessed_at=str(result.get("assessed_at", "")),
        phases=list(result.get("roadmap") or []),
        **line_context(session, actor, "roadmap"),
        findings_of=_findings_by_objective(session, actor),
        findings_url=f"{org_base(actor.org_slug)}/findings",
    )


def _findings_by_objective(session: DbSession, actor: CurrentActor) -> dict[str, list[Any]]:
    """The findings each roadmap item would close (the open and in-progress ones, by objective)."""
    out: dict[str, list[Any]] = {}
    for f in findings.list_findings(session, actor):
        if f.objective_id and f.status in ("open", "in_progress"):
            out.setdefault(f.objective_id, []).append(f)
    return out
