"""A schedule that comes due while no worker runs (they were killed) fires once when workers are back,
and its job, whose worker is then killed with SIGKILL mid-run, is taken over and finished once.

Two ``aisma worker`` processes on one PostgreSQL (procrastinate) tick the schedules; the schedule's
job is the test gate (``job_fixtures``), so the test kills the worker holding it at a moment it chooses.
"""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from aisma.store import migrate
from aisma.store.db import Database
from aisma.store.repositories import schedules as schedules_repo
from aisma.store.tables import JobRow, ScheduleRow
from aisma.store.types import utcnow

from ..factories import OrgWithMembers
from ..waiting import wait_until
from .test_worker_queue import TESTS, _worker

pytestmark = pytest.mark.slow  # two aisma worker processes on PostgreSQL, one killed


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_schedule_due_while_workers_were_killed_runs_once(
    backend: str, database_url: str, org_a: OrgWithMembers, tmp_path: Path
) -> None:
    migrate.ensure_queue_schema(database_url)
    database = Database(database_url, signing_key="worker-test-key")
    folder = tmp_path / "gate"
    folder.mkdir()
    owner = org_a.actors[next(iter(org_a.actors))]
    with database.transaction() as session:
        # yearly, and due since yesterday: it came due while no worker was alive; it must run once, not
        # once per missed time nor once per worker
        row = schedules_repo.add(
            session,
            ScheduleRow(
                organization_id=owner.org_id,
                kind="gate",
                cron="0 0 1 1 *",
                args={"folder": str(folder)},
                enabled=True,
                next_run_at=utcnow() - timedelta(days=1),
                user_id=owner.user_id,
                created_by="test",
            ),
        )
        schedule_id = row.id
    env = {
        **os.environ,
        "AISMA_DATABASE_URL": database_url,
        "AISMA_DATA_DIR": str(tmp_path / "data"),
        "AISMA_SECRET_KEY": "worker-test-key",
        "AISMA_JOB_QUEUE": "procrastinate",
        "AISMA_JOB_MODULES": "server.schedule_fixtures",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    workers = [_worker(env, tmp_path / f"worker-{i}.log") for i in range(2)]
    try:
        wait_until(lambda: (folder / "started-1").exists(), "a worker to fire the schedule and start its job")
        holder = int((folder / "started-1").read_text())
        victim = next(w for w in workers if w.pid == holder)
        os.kill(victim.pid, signal.SIGKILL)  # mid-job: it waits for the release file
        victim.wait()
        (folder / "release").touch()
        wait_until(lambda: (folder / "completed").exists(), "the other worker to take the job over and finish it")
        with database.transaction(readonly=True) as session:
            fired = [j for j in session.query(JobRow).all() if (j.args or {}).get("schedule") == schedule_id]
            schedule = schedules_repo.schedule(session, owner.org_id, schedule_id)
            assert schedule is not None
            assert len(fired) == 1, "fired once, by one of the two workers"
            assert (fired[0].status, fired[0].attempts) == ("succeeded", 2)
            assert schedule.last_job_id == fired[0].id and schedule.next_run_at > utcnow()
        assert (folder / "completed").read_text() == "2\n", "finished exactly once"
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
        database.dispose()
