"""The notification jobs: ``notifications.send`` (one email, retried with the alert deliveries'
backoff, each attempt in the log) and ``notifications.overdue`` (the daily digest: every member with
overdue items in the organization gets one email a day listing them; the schedule kind ``overdue``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from aisma.server import jobs
from aisma.server.auth import Actor, Role
from aisma.server.jobs import JobContext
from aisma.server.notify import DeliveryFailed, send_email
from aisma.server.settings import ServerSettings
from aisma.store.repositories import notifications as repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.types import utcnow
from aisma.web.features.monitoring.jobs import DELIVERY_ATTEMPTS, _bind
from aisma.web.features.notifications import service as notifications
from aisma.web.features.work import mywork

NO_SMTP = "not sent: no SMTP server configured (AISMA_SMTP_HOST)"


def _link(settings: ServerSettings, path: str) -> str:
    base = (settings.public_url or "").rstrip("/")
    return f"{base}{path}" if base else path


def _record(context: JobContext, notification_id: int, status: str, error: str) -> None:
    with context.database.transaction() as session:
        row = repo.get(session, notification_id)
        if row is None:
            return
        row.attempts = context.attempt
        row.status = status
        row.last_error = error[:1000]
        if status == "sent":
            row.sent_at = utcnow()


def send(settings: ServerSettings, context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    notification_id = int(args["notification"])
    with context.database.transaction(readonly=True) as session:
        row = repo.get(session, notification_id)
        if row is None or row.organization_id != context.organization_id:
            return {"notification": notification_id, "status": "gone"}
        to, subject, body, link = row.email, row.subject, row.body, row.link
    if not settings.smtp_host:
        _record(context, notification_id, "not_sent", NO_SMTP)
        return {"notification": notification_id, "status": "not_sent"}
    text = f"{body}\n\n{_link(settings, link)}\n" if link else f"{body}\n"
    try:
        send_email(settings, to, subject, text)
    except DeliveryFailed as exc:
        last = context.attempt >= DELIVERY_ATTEMPTS
        _record(context, notification_id, "failed" if last else "pending", str(exc))
        raise
    _record(context, notification_id, "sent", "")
    return {"notification": notification_id, "status": "sent", "attempts": context.attempt}


def overdue_digest(settings: ServerSettings, context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    """One email per member with overdue items, once a day (``args["today"]``: the day to count from)."""
    today = date.fromisoformat(str(args["today"])) if args.get("today") else utcnow().date()
    sent = members = 0
    with context.database.transaction() as session:
        org = orgs_repo.get(session, context.organization_id)
        if org is None:
            return {"sent": 0}
        for membership, user in orgs_repo.members(session, org.id):
            members += 1
            actor = Actor(user.id, org.id, org.slug, Role(membership.role), "system", (), user.email)
            late = [i for i in mywork.work_in_org(session, actor, org.name, today) if i.overdue]
            if not late or repo.digest_sent(session, org.id, user.id, today):
                continue
            lines = [f"- {i.kind} {i.item_id}: {i.title} (due {i.due})  {_link(settings, i.link)}" for i in late]
            made = notifications.notify(
                session,
                org.id,
                user,
                "overdue",
                f"aisma: {len(late)} overdue item{'s' if len(late) != 1 else ''} in {org.name}",
                f"Overdue on {today.isoformat()} in {org.name}:\n" + "\n".join(lines),
                f"/orgs/{org.slug}/my-work?state=overdue",
                day=today,
            )
            sent += made is not None
        outcome = {"day": today.isoformat(), "members": members, "sent": sent}
        context.finish(session, outcome)
    return outcome


def register(settings: ServerSettings) -> None:
    jobs.register(notifications.SEND_JOB, _bind(settings, send), max_attempts=DELIVERY_ATTEMPTS)
    jobs.register(notifications.OVERDUE_JOB, _bind(settings, overdue_digest), max_attempts=3)
