"""Reminders of evidence files near or past their expiry date: the job ``evidence.expiry``.

A schedule of kind ``evidence_expiry`` runs it (daily at 06:00 UTC by default: the first expiry date
set in an organization creates that schedule when it has none). Each run looks at every file whose
current revision has an expiry date and sends, through the organization's alert channels (a webhook,
or email through ``AISMA_SMTP_*``), one ``evidence_expiry`` event per file that

- expires within the lead time (``AISMA_EVIDENCE_REMINDER_DAYS``, 30; ``days`` in the job's
  arguments replaces it): reminded once, as ``expiring``;
- has expired (its expiry date is before today): reminded once more, as ``expired``.

What was reminded is kept on the file (``reminded``), so a daily run reminds each state once; a new
revision or a changed expiry date starts over. When no channel takes the event, nothing is marked,
and a channel added later still gets the reminder. ``today`` in the arguments (an ISO date) replaces
the clock, for tests and for a catch-up run.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from aisma.assurance.events import Event
from aisma.server import jobs, schedules
from aisma.server.auth import Actor
from aisma.server.jobs import JobContext
from aisma.server.settings import ServerSettings
from aisma.store.repositories import evidence as repo
from aisma.store.repositories import schedules as schedules_repo
from aisma.store.tables import ScheduleRow
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.monitoring import service as monitoring

NAME = "evidence.expiry"
KIND = "evidence_expiry"
DAILY = "0 6 * * *"


def reminders(session: Session, org_id: int, today: date, lead_days: int) -> list[tuple[Any, str]]:
    """(file row, state) for every file to remind of now: ``expiring`` within the lead time, ``expired``."""
    due = []
    for row in repo.with_expiry(session, org_id):
        assert row.expires_on is not None
        left = (row.expires_on - today).days
        state = "expired" if left < 0 else ("expiring" if left <= lead_days else "")
        if state and row.reminded != state and not (state == "expiring" and row.reminded == "expired"):
            due.append((row, state))
    return due


def event(row: Any, state: str, today: date) -> Event:
    assert row.expires_on is not None
    left = (row.expires_on - today).days
    when = (
        f"expired on {row.expires_on.isoformat()}"
        if state == "expired"
        else f"expires on {row.expires_on.isoformat()} ({'today' if left == 0 else f'in {left} days'})"
    )
    return Event(
        "evidence_expiry",
        f"evidence/{row.filename}",
        f"evidence/{row.filename} (revision {row.revision}) {when}: upload a new revision or set new dates",
    )


def check(settings: ServerSettings, context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    today = date.fromisoformat(args["today"]) if args.get("today") else utcnow().date()
    lead = int(args["days"]) if args.get("days") is not None else settings.evidence_reminder_days
    with context.database.transaction() as session:
        due = reminders(session, context.organization_id, today, lead)
        events = [event(row, state, today) for row, state in due]
        alerted = monitoring.notify(
            session, context.organization_id, context.user_id, events, {"evidence_expiry": True}
        )
        if alerted:
            for row, state in due:
                row.reminded = state
        outcome = {
            "today": today.isoformat(),
            "lead_days": lead,
            "expiring": sum(1 for _, state in due if state == "expiring"),
            "expired": sum(1 for _, state in due if state == "expired"),
            "deliveries": len(alerted),
        }
        context.finish(session, outcome)
    return outcome


def ensure_schedule(session: Session, actor: Actor) -> None:
    """The daily reminder run, created with the organization's first expiry date (audited like any)."""
    if any(row.kind == KIND for row in schedules_repo.schedules_for(session, actor.org_id)):
        return
    now = utcnow()
    row = schedules_repo.add(
        session,
        ScheduleRow(
            organization_id=actor.org_id, kind=KIND, cron=DAILY, args={}, enabled=True,
            next_run_at=schedules.next_fire(DAILY, now), user_id=actor.user_id, created_by=actor.label, created_at=now,
        ),
    )  # fmt: skip
    audit.append(session, actor, "schedule.create", "schedule", row.id, None, {"kind": KIND, "cron": DAILY})


def _bound(settings: ServerSettings) -> Callable[[JobContext, dict[str, Any]], dict[str, Any]]:
    return lambda context, args: check(settings, context, args)


def register(settings: ServerSettings) -> None:
    jobs.register(NAME, _bound(settings), max_attempts=3)
