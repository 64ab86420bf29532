"""The monitoring page: schedules, evidence near its maximum age, alert channels and the delivery log.

Everyone who can read the organization sees its schedules and the freshness report, because both
say when the numbers on the dashboard will change; alert channels and deliveries hold signing
secrets' targets and what was sent out, so only owners see them (the services check it too). A form
that fails validation re-renders the page with the message beside what was typed, rather than a bare
error page.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from aisma.assurance.events import EVENT_KINDS
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid
from aisma.web.features.monitoring import service as monitoring
from aisma.web.features.monitoring.schemas import ChannelIn, ScheduleIn
from aisma.web.features.organizations import service as accounts
from aisma.web.render import form_error, form_int, org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, app_settings, require_csrf

SCHEDULE_KINDS = (
    ("assess", "Re-assess"),
    ("collect", "Run the collectors over the uploaded evidence"),
    ("live", "Refresh the live collectors"),
    ("freshness", "Check evidence freshness (alerts on evidence near its maximum age)"),
    ("overdue", "Email each member their overdue items (one digest a day)"),
    ("evidence_expiry", "Remind of evidence files near or past their expiry date"),
)
CRON_EXAMPLES = (("0 6 * * *", "every day at 06:00 UTC"), ("0 6 * * 1", "Mondays at 06:00 UTC"),
                 ("*/30 * * * *", "every 30 minutes"))  # fmt: skip
MAX_DELIVERIES_SHOWN = 50

router = APIRouter()


def base_url(actor: Actor) -> str:
    return f"{org_base(actor.org_slug)}/monitoring"


def _page(request: Request, session: DbSession, actor: Actor, **extra: Any) -> Response:
    owner = actor.can(Permission.MANAGE_TOKENS)
    return render_page(
        request,
        actor,
        "monitoring.html",
        active="monitoring",
        title="Monitoring",
        org_name=accounts.get_organization(session, actor).name,
        base=base_url(actor),
        schedules=monitoring.list_schedules(session, actor),
        freshness=monitoring.freshness_report(session, actor, app_settings(request).freshness_warn_days),
        warn_days=app_settings(request).freshness_warn_days,
        channels=monitoring.list_channels(session, actor) if owner else None,
        deliveries=monitoring.list_deliveries(session, actor)[:MAX_DELIVERIES_SHOWN] if owner else None,
        can_schedule=actor.can(Permission.RUN_ASSESSMENT),
        can_collect=actor.can(Permission.PUSH_MEASUREMENTS),
        schedule_kinds=SCHEDULE_KINDS,
        cron_examples=CRON_EXAMPLES,
        event_kinds=EVENT_KINDS,
        jobs_api=f"/api/v1/orgs/{actor.org_slug}/jobs",
        **extra,
    )


@router.get("/orgs/{org}/monitoring")
def monitoring_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _page(request, session, actor)


def _rejected(request: Request, session: DbSession, actor: Actor, message: str, form: dict[str, Any]) -> Response:
    page = _page(request, session, actor, flashes=[("error", message)], form=form)
    page.status_code = 422
    return page


@router.post("/orgs/{org}/monitoring/schedules", dependencies=[Depends(require_csrf)])
async def add_schedule(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    typed = {k: str(form.get(k, "")).strip() for k in ("kind", "cron", "collectors")}
    collectors = [c.strip() for c in typed["collectors"].split(",") if c.strip()]
    try:
        body = ScheduleIn(kind=typed["kind"], cron=typed["cron"], collectors=collectors or None)
        monitoring.create_schedule(session, actor, body)
    except ValidationError as exc:
        return _rejected(request, session, actor, form_error(exc), typed)
    except Invalid as exc:
        return _rejected(request, session, actor, str(exc), typed)
    return redirect(base_url(actor), "schedule-added")


@router.post("/orgs/{org}/monitoring/schedules/delete", dependencies=[Depends(require_csrf)])
async def delete_schedule(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    monitoring.delete_schedule(session, actor, form_int(form.get("schedule_id"), "schedule_id"))
    return redirect(base_url(actor), "schedule-deleted")


@router.post("/orgs/{org}/monitoring/channels", dependencies=[Depends(require_csrf)])
async def add_channel(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    actor.require(Permission.MANAGE_TOKENS)
    form = await request.form()
    typed = {"kind": str(form.get("kind", "")).strip(), "target": str(form.get("target", "")).strip()}
    events = [str(e) for e in form.getlist("events")]
    try:
        body = ChannelIn(kind=typed["kind"], target=typed["target"], events=events)
        created = monitoring.create_channel(session, actor, body)
    except ValidationError as exc:
        return _rejected(request, session, actor, form_error(exc), typed)
    except Invalid as exc:
        return _rejected(request, session, actor, str(exc), typed)
    # A webhook's signing secret is shown once, in this response only; never in a redirect URL or a log.
    secret = {"target": created.target, "value": created.secret} if created.secret else None
    flashes = [("ok", "Alert channel added.")]
    return _page(request, session, actor, new_secret=secret, flashes=flashes)


@router.post("/orgs/{org}/monitoring/channels/delete", dependencies=[Depends(require_csrf)])
async def delete_channel(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    monitoring.delete_channel(session, actor, form_int(form.get("channel_id"), "channel_id"))
    return redirect(base_url(actor), "channel-deleted")
