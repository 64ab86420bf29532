"""Background jobs' state. Every change of status is one conditional UPDATE, so of two workers that
race for the same job exactly one claims it, and only the attempt that holds it may finish it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import after, rowcount
from aisma.store.tables import JobRow


def add(session: Session, row: JobRow) -> JobRow:
    session.add(row)
    session.flush()
    return row


def get(session: Session, job_id: int) -> JobRow | None:
    return session.get(JobRow, job_id)


def get_for_org(session: Session, org_id: int, job_id: int) -> JobRow | None:
    return session.scalar(select(JobRow).where(JobRow.organization_id == org_id, JobRow.id == job_id))


def page(session: Session, org_id: int, key: Sequence[Any] | None, limit: int) -> Sequence[JobRow]:
    """``limit + 1`` jobs, newest first, after ``key`` (id)."""
    return session.scalars(
        select(JobRow)
        .where(JobRow.organization_id == org_id, after((JobRow.id,), key, descending=True))
        .order_by(JobRow.id.desc())
        .limit(limit + 1)
    ).all()


def claim(session: Session, job_id: int, now: datetime, stale_before: datetime) -> int | None:
    """Take the job (queued and due, or running with a heartbeat older than ``stale_before``: its worker
    died); returns the attempt number now holding it, or None when another worker has it."""
    result = session.execute(
        update(JobRow)
        .where(
            JobRow.id == job_id,
            or_(
                (JobRow.status == "queued") & (JobRow.run_after <= now),
                (JobRow.status == "running") & (JobRow.heartbeat_at < stale_before),
            ),
        )
        .values(status="running", attempts=JobRow.attempts + 1, started_at=now, heartbeat_at=now, message="")
        .execution_options(synchronize_session=False)
    )
    if rowcount(result) != 1:
        return None
    attempt = session.scalar(select(JobRow.attempts).where(JobRow.id == job_id))
    return int(attempt) if attempt is not None else None


def next_due(session: Session, now: datetime, stale_before: datetime) -> int | None:
    """The oldest job a worker may take now, if any."""
    return session.scalar(
        select(JobRow.id)
        .where(
            or_(
                (JobRow.status == "queued") & (JobRow.run_after <= now),
                (JobRow.status == "running") & (JobRow.heartbeat_at < stale_before),
            )
        )
        .order_by(JobRow.run_after, JobRow.id)
        .limit(1)
    )


def update_held(session: Session, job_id: int, attempt: int, **values: Any) -> bool:
    """Change the job only while ``attempt`` still holds it (running, same attempt number)."""
    result = session.execute(
        update(JobRow)
        .where(JobRow.id == job_id, JobRow.status == "running", JobRow.attempts == attempt)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def waiting(session: Session, before: datetime) -> Sequence[int]:
    """Queued jobs due before ``before`` (the queue's sweeper hands them to a worker again)."""
    return session.scalars(
        select(JobRow.id).where(JobRow.status == "queued", JobRow.run_after <= before).order_by(JobRow.id).limit(100)
    ).all()
