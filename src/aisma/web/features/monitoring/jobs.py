"""The jobs of continuous assurance: ``alerts.deliver`` (one alert to one channel, retried with backoff,
every attempt in the delivery log) and ``freshness.check`` (measurements near or past their max age,
alerted as ``evidence_stale``). ``alert_after_assessment`` is called by the assessment job in its
final transaction, so the alerts of an assessment are recorded exactly once with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from aisma.assurance.events import Event, assessment_events, summary_text
from aisma.server import jobs
from aisma.server.jobs import JobContext
from aisma.server.notify import DeliveryFailed, post_webhook, send_email
from aisma.server.settings import ServerSettings
from aisma.store.repositories import assessments as assessments_repo
from aisma.store.repositories import schedules as repo
from aisma.store.types import utcnow
from aisma.web.features.monitoring import service as monitoring

FRESHNESS_JOB = "freshness.check"
DELIVERY_ATTEMPTS = 6  # first try and five retries: 5 s, 10 s, 20 s, 40 s, 80 s apart (aisma.server.jobs.backoff)


def alert_after_assessment(
    session: Session, org_id: int, user_id: int, assessment_id: int, result: dict[str, Any], kpi_threshold: float
) -> int:
    """Compare the new result with the assessment before it and record the alerts; returns deliveries made."""
    previous_row = next(
        (row for row in assessments_repo.list_for_org(session, org_id) if row.id != assessment_id), None
    )
    previous = assessments_repo.result_of(session, previous_row.id) if previous_row is not None else None
    events = assessment_events(previous, result, kpi_threshold)
    context = {"assessment_id": assessment_id, "assessed_at": result.get("assessed_at")}
    return len(monitoring.notify(session, org_id, user_id, events, context))


def _record(context: JobContext, delivery_id: int, status: str, code: int | None, error: str) -> None:
    with context.database.transaction() as session:
        row = repo.delivery(session, delivery_id)
        if row is None:
            return
        row.attempts = context.attempt
        row.status = status
        row.last_status = code
        row.last_error = error[:1000]
        row.log = [
            *row.log,
            {"attempt": context.attempt, "at": utcnow().isoformat(), "status": code, "error": error[:300]},
        ]
        if status == "delivered":
            row.delivered_at = utcnow()


def deliver(settings: ServerSettings, context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    delivery_id = int(args["delivery"])
    with context.database.transaction(readonly=True) as session:
        row = repo.delivery(session, delivery_id)
        channel = repo.channel(session, context.organization_id, row.channel_id) if row is not None else None
        if row is None or channel is None or row.organization_id != context.organization_id:
            return {"delivery": delivery_id, "status": "gone"}
        kind, target, secret = channel.kind, channel.target, channel.secret
        payload, events = dict(row.payload), list(row.events)
    try:
        if kind == "webhook":
            code = post_webhook(target, secret, payload, delivery_id, events)
        else:
            subject = (
                f"aisma: {len(payload['aisma']['events'])} alert(s) for {payload['aisma']['organization']['name']}"
            )
            code = send_email(settings, target, subject, str(payload["text"]))
    except DeliveryFailed as exc:
        last = context.attempt >= DELIVERY_ATTEMPTS
        _record(context, delivery_id, "failed" if last else "pending", exc.status, str(exc))
        raise
    _record(context, delivery_id, "delivered", code, "")
    return {"delivery": delivery_id, "status": "delivered", "code": code, "attempts": context.attempt}


def check_freshness(settings: ServerSettings, context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    with context.database.transaction() as session:
        found = monitoring.freshness(session, context.organization_id, settings.freshness_warn_days)
        events = [
            Event(
                "evidence_stale",
                f"{f.objective}:{f.metric}:{f.file}",
                f"{f.objective} {f.metric} from {f.file or f.tool} observed {f.observed_at.date()}: "
                + (f"stale since {f.expires_at.date()}" if f.state == "stale" else f"expires {f.expires_at.date()}"),
            )
            for f in found
        ]
        alerted = monitoring.notify(session, context.organization_id, context.user_id, events, {"freshness": True})
        outcome = {
            "stale": sum(1 for f in found if f.state == "stale"),
            "expiring": sum(1 for f in found if f.state == "expiring"),
            "deliveries": len(alerted),
            "summary": summary_text("", events)[:2000] if events else "",
        }
        context.finish(session, outcome)
    return outcome


def _bind(
    settings: ServerSettings, handler: Callable[[ServerSettings, JobContext, dict[str, Any]], dict[str, Any]]
) -> Callable[[JobContext, dict[str, Any]], dict[str, Any]]:
    return lambda context, args: handler(settings, context, args)


def register(settings: ServerSettings) -> None:
    jobs.register(monitoring.DELIVER_JOB, _bind(settings, deliver), max_attempts=DELIVERY_ATTEMPTS)
    jobs.register(FRESHNESS_JOB, _bind(settings, check_freshness), max_attempts=3)
