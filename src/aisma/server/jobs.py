"""Background jobs: enqueue by name with JSON arguments, per organization; status, progress, result;
retries with exponential backoff. The small API other features build on (schedules, alerts, ...).

    from aisma.server import jobs
    jobs.register("assessment.run", run_assessment_job, max_attempts=3)   # at app start, not import
    job_id = jobs.enqueue(session, "assessment.run", {"at": None}, org_id=actor.org_id,
                          user_id=actor.user_id, created_by=actor.label)  # in the caller's transaction
    # after the commit: the queue (``Queue.notify``) hands it to a worker

A handler is ``handler(ctx, args) -> dict`` (its JSON result). It may report ``ctx.progress(percent,
message)``; its final write calls ``ctx.finish(session, result)`` inside that same transaction, so the
result is stored exactly once even when a worker was killed and the job retried: only the attempt
that holds the job may finish it. A handler raising ``AismaError`` (the caller's mistake) fails the
job at once with that message; any other exception is retried after 5 s, 10 s, 20 s, ... (at most
``MAX_BACKOFF``) until ``max_attempts``.

Where jobs run: ``Queue`` implementations in ``aisma.web.jobs`` (a thread in each server process on
SQLite; procrastinate on PostgreSQL, with ``aisma worker`` processes on any number of machines).
This module is the job's state machine, shared by both.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from aisma.errors import AismaError
from aisma.store.db import Database
from aisma.store.repositories import jobs as repo
from aisma.store.tables import JobRow
from aisma.store.types import utcnow

log = logging.getLogger("aisma.jobs")
HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(seconds=30)  # a running job whose heartbeat is older belongs to a dead worker
BASE_BACKOFF = timedelta(seconds=5)
MAX_BACKOFF = timedelta(minutes=10)


@dataclass(frozen=True)
class JobSpec:
    name: str
    handler: Callable[[JobContext, dict[str, Any]], dict[str, Any]]
    max_attempts: int = 3


_REGISTRY: dict[str, JobSpec] = {}


def register(name: str, handler: Callable[[JobContext, dict[str, Any]], dict[str, Any]], max_attempts: int = 3) -> None:
    _REGISTRY[name] = JobSpec(name, handler, max_attempts)


def registered() -> dict[str, JobSpec]:
    return dict(_REGISTRY)


def backoff(attempt: int) -> timedelta:
    return min(MAX_BACKOFF, BASE_BACKOFF * int(2 ** max(0, attempt - 1)))


def enqueue(
    session: Session,
    name: str,
    args: dict[str, Any],
    *,
    org_id: int,
    user_id: int,
    created_by: str,
    run_after: datetime | None = None,
) -> JobRow:
    """Record a job in the caller's transaction; notify the queue after the commit."""
    spec = _REGISTRY.get(name)
    if spec is None:
        raise AismaError(f"no job named {name!r}; registered: {', '.join(sorted(_REGISTRY)) or 'none'}")
    now = utcnow()
    return repo.add(
        session,
        JobRow(
            organization_id=org_id,
            name=name,
            args=dict(args),
            status="queued",
            progress=0,
            message="",
            attempts=0,
            max_attempts=spec.max_attempts,
            run_after=run_after or now,
            user_id=user_id,
            created_by=created_by,
            created_at=now,
        ),
    )


@dataclass
class JobContext:
    """What a handler gets: the database, its job, and the means to report progress and finish."""

    database: Database
    job_id: int
    attempt: int
    organization_id: int
    user_id: int
    name: str
    _finished: bool = field(default=False, repr=False)

    def progress(self, percent: int, message: str = "") -> None:
        with self.database.transaction() as session:
            repo.update_held(
                session, self.job_id, self.attempt, progress=max(0, min(100, percent)), message=message[:500]
            )

    def finish(self, session: Session, result: dict[str, Any]) -> None:
        """Mark the job done in the handler's own final transaction; raises if another attempt took over."""
        done = repo.update_held(
            session, self.job_id, self.attempt, status="succeeded", progress=100, result=result, finished_at=utcnow()
        )
        if not done:
            raise JobLost(f"job {self.job_id}: attempt {self.attempt} no longer holds it")
        self._finished = True


class JobLost(Exception):
    """The job was taken over (its heartbeat went stale): this attempt's work is rolled back."""


def _heartbeat(database: Database, job_id: int, attempt: int, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT_SECONDS):
        try:
            with database.transaction() as session:
                if not repo.update_held(session, job_id, attempt, heartbeat_at=utcnow()):
                    return
        except Exception:  # a busy database: the next beat tries again
            log.warning("job %s: heartbeat failed", job_id, exc_info=True)


@dataclass(frozen=True)
class Outcome:
    """What ``execute`` did: succeeded, failed, retrying (due again at ``run_after``), held (another
    live attempt runs it: ask again later) or done (nothing to do: finished, failed or gone)."""

    state: str
    run_after: datetime | None = None


def execute(database: Database, job_id: int) -> Outcome:
    """Claim and run one job, unless another attempt holds it; never raises for the job's own failure."""
    now = utcnow()
    with database.transaction() as session:
        attempt = repo.claim(session, job_id, now, now - STALE_AFTER)
        row = repo.get(session, job_id)
    if row is None:
        return Outcome("done")
    if attempt is None:
        if row.status == "running":
            return Outcome("held")
        if row.status == "queued":
            return Outcome("retrying", row.run_after)
        return Outcome("done")
    spec = _REGISTRY.get(row.name)
    context = JobContext(database, job_id, attempt, row.organization_id, row.user_id, row.name)
    stop = threading.Event()
    beat = threading.Thread(target=_heartbeat, args=(database, job_id, attempt, stop), daemon=True)
    beat.start()
    try:
        if spec is None:
            raise AismaError(f"no handler for job {row.name!r} in this process")
        result = spec.handler(context, dict(row.args))
        if not context._finished:
            with database.transaction() as session:
                context.finish(session, result)
        return Outcome("succeeded")
    except JobLost:
        return Outcome("done")
    except AismaError as exc:
        _fail(database, job_id, attempt, str(exc))
        return Outcome("failed")
    except Exception as exc:
        log.exception("job %s (%s) attempt %s failed", job_id, row.name, attempt)
        if attempt < row.max_attempts:
            due = utcnow() + backoff(attempt)
            with database.transaction() as session:
                repo.update_held(
                    session,
                    job_id,
                    attempt,
                    status="queued",
                    run_after=due,
                    message=f"attempt {attempt} failed ({type(exc).__name__}); retrying",
                )
            return Outcome("retrying", due)
        _fail(database, job_id, attempt, f"failed after {attempt} attempts ({type(exc).__name__}: {exc})"[:500])
        return Outcome("failed")
    finally:
        stop.set()


def _fail(database: Database, job_id: int, attempt: int, message: str) -> None:
    with database.transaction() as session:
        repo.update_held(session, job_id, attempt, status="failed", message=message[:500], finished_at=utcnow())


def next_due(database: Database) -> int | None:
    now = utcnow()
    with database.transaction(readonly=True) as session:
        return repo.next_due(session, now, now - STALE_AFTER)
