"""Schedules: per-organization cron expressions (five fields, UTC) that record jobs when due.

Every worker ticks ``fire_due`` (the in-process queue's thread on SQLite, ``aisma worker``'s
housekeeping on PostgreSQL). A due schedule is claimed by one conditional UPDATE that moves
``next_run_at`` to the next fire time after *now*, in the same transaction that records the job: of
several workers exactly one fires it, and fire times missed while no worker ran (all killed, or the
server down) are coalesced into one run when a worker is back. The job itself then has the queue's
guarantees (retried after a kill, finished once).

Kinds: ``assess`` (assessment.run), ``collect`` (collectors.run over the uploaded evidence), ``live``
(collectors.run of the live collectors configured for the organization), ``freshness``
(freshness.check: measurements near or past their maximum age, alerted), ``overdue``
(notifications.overdue: each member's overdue items, one email a day), ``evidence_expiry``
(evidence.expiry: evidence files near or past their expiry date, reminded).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from croniter import croniter

from aisma.errors import AismaError
from aisma.server import jobs
from aisma.store.db import Database
from aisma.store.repositories import schedules as repo
from aisma.store.types import utcnow

log = logging.getLogger("aisma.schedules")
TICK_SECONDS = 5.0
KINDS: dict[str, tuple[str, dict[str, Any]]] = {
    "assess": ("assessment.run", {"at": None}),
    "collect": ("collectors.run", {"collectors": None, "at": None}),
    "live": ("collectors.run", {"collectors": None, "at": None, "live": True}),
    "freshness": ("freshness.check", {}),
    "overdue": ("notifications.overdue", {}),
    "evidence_expiry": ("evidence.expiry", {}),
}


def register_kind(kind: str, job_name: str, args: dict[str, Any] | None = None) -> None:
    """A schedule kind a plug-in adds (from its ``register()``, like its job handler)."""
    KINDS[kind] = (job_name, dict(args or {}))


def check_cron(expression: str) -> str:
    """A five-field cron expression (minute hour day month weekday), else an error saying what is expected."""
    text = " ".join(expression.split())
    if len(text.split(" ")) != 5 or not croniter.is_valid(text):
        raise AismaError(
            f"cron {expression!r}: expected five fields, minute hour day-of-month month day-of-week "
            "(e.g. '0 6 * * *' for 06:00 UTC every day, '*/15 * * * *' every 15 minutes)"
        )
    return text


def next_fire(expression: str, after: datetime) -> datetime:
    """The first fire time strictly after ``after`` (UTC)."""
    fire: datetime = croniter(expression, after).get_next(datetime)
    return fire


def fire_due(database: Database, now: datetime | None = None) -> list[int]:
    """Record a job for every due schedule (each in its own short transaction); returns the new job ids."""
    now = now or utcnow()
    with database.transaction(readonly=True) as session:
        due = [(row.id, row.next_run_at) for row in repo.due(session, now)]
    fired: list[int] = []
    for schedule_id, seen_next in due:
        try:
            with database.transaction() as session:
                row = session.get(repo.ScheduleRow, schedule_id)
                if row is None or row.kind not in KINDS:
                    continue
                if not repo.claim(session, schedule_id, seen_next, next_fire(row.cron, now), now):
                    continue  # another worker fired it
                name, base = KINDS[row.kind]
                job = jobs.enqueue(
                    session,
                    name,
                    {**base, **(row.args or {}), "schedule": schedule_id},
                    org_id=row.organization_id,
                    user_id=row.user_id,
                    created_by=f"schedule {schedule_id} ({row.kind} {row.cron})",
                )
                repo.set_last_job(session, schedule_id, job.id)
                fired.append(job.id)
        except Exception:  # a busy database or a handler this process lacks: the next tick tries again
            log.warning("schedule %s: could not fire; retrying at the next tick", schedule_id, exc_info=True)
    return fired
