"""Jobs of an organization: submit one (by name, JSON arguments), read its state.

The permission to start a job is the feature's (an assessment needs ``RUN_ASSESSMENT``); reading
jobs needs ``READ``, and only the actor's own organization's jobs are visible.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from aisma.server import jobs
from aisma.server.auth import Actor, Permission
from aisma.server.errors import NotFound
from aisma.store.db import Database
from aisma.store.repositories import jobs as repo
from aisma.web.features.jobs.schemas import JobOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows


def submit(database: Database, queue: Any, actor: Actor, name: str, args: dict[str, Any]) -> JobOut:
    """Record the job (its own short transaction), then hand it to the queue."""
    with database.transaction() as session:
        row = jobs.enqueue(session, name, args, org_id=actor.org_id, user_id=actor.user_id, created_by=actor.label)
        job = JobOut.model_validate(row)
    queue.notify(job.id)
    return job


def get_job(session: Session, actor: Actor, job_id: int) -> JobOut:
    actor.require(Permission.READ)
    row = repo.get_for_org(session, actor.org_id, job_id)
    if row is None:
        raise NotFound(f"job {job_id} not found")
    return JobOut.model_validate(row)


def jobs_page(session: Session, actor: Actor, page: PageRequest) -> Page[JobOut]:
    actor.require(Permission.READ)
    rows = repo.page(session, actor.org_id, checked_key(page, int), page.limit)
    found = from_rows(rows, page.limit, lambda row: (row.id,))
    return Page([JobOut.model_validate(row) for row in found.items], found.next_key)


FILE_JOBS = ("reports.render",)


def job_file(session: Session, actor: Actor, job_id: int) -> tuple[JobOut, str]:
    """A finished job's file (a rendered report) and its object in the evidence store."""
    job = get_job(session, actor, job_id)
    if job.name not in FILE_JOBS or job.status != "succeeded" or not job.result:
        raise NotFound(f"job {job_id} has no file (yet): {job.name} is {job.status}")
    from aisma.web.features.reports.jobs import report_object

    return job, report_object(actor.org_id, str(job.result["sha256"]))
