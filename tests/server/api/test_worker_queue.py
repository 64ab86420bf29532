"""Jobs on PostgreSQL through procrastinate and separate ``aisma worker`` processes.

Two workers share one database. A job is taken by one of them; that worker is killed with SIGKILL
in the middle of the job; the other one finds the job stalled (its worker's heartbeat stopped),
takes it over and finishes it, once. The same job never runs in two workers at once (the second
attempt starts only after the first worker is dead).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from aisma.server import jobs
from aisma.store import migrate
from aisma.store.db import Database
from aisma.store.repositories import jobs as jobs_repo

from .. import job_fixtures
from ..factories import OrgWithMembers
from ..waiting import wait_until

pytestmark = pytest.mark.slow  # aisma worker processes, killed and restarted

TESTS = Path(__file__).parent.parent.parent


def _worker(env: dict[str, str], log: Path, *options: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "aisma.cli.main", "worker", *options],
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
    )


@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_worker_killed_mid_job_has_its_job_retried_and_finished_once(
    backend: str, database_url: str, org_a: OrgWithMembers, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from aisma.web.jobs import ProcrastinateQueue

    migrate.ensure_queue_schema(database_url)
    env = {
        **os.environ,
        "AISMA_DATABASE_URL": database_url,
        "AISMA_DATA_DIR": str(tmp_path / "data"),
        "AISMA_SECRET_KEY": "worker-test-key",
        "AISMA_JOB_QUEUE": "procrastinate",
        "AISMA_JOB_MODULES": "server.job_fixtures",
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    # the second worker yields the CPU (--nice): its jobs run as any other's, at a lower priority
    workers = [_worker(env, tmp_path / "worker-0.log"), _worker(env, tmp_path / "worker-1.log", "--nice", "7")]
    try:
        niced = min(19, os.getpriority(os.PRIO_PROCESS, 0) + 7)
        wait_until(
            lambda: os.getpriority(os.PRIO_PROCESS, workers[1].pid) == niced, "the --nice worker to lower its priority"
        )
        job_fixtures.register()
        database = Database(database_url, signing_key="worker-test-key")
        queue = ProcrastinateQueue(database)
        folder = tmp_path / "gate"
        folder.mkdir()
        with database.transaction() as session:
            owner = org_a.actors[next(iter(org_a.actors))]
            row = jobs.enqueue(
                session,
                job_fixtures.NAME,
                {"folder": str(folder)},
                org_id=owner.org_id,
                user_id=owner.user_id,
                created_by="test",
            )
            job_id = row.id
        queue.notify(job_id)
        wait_until(lambda: (folder / "started-1").exists(), "a worker to start the job")
        holder = int((folder / "started-1").read_text())
        victim = next(w for w in workers if w.pid == holder)
        os.kill(victim.pid, signal.SIGKILL)  # mid-job: it is waiting for the release file
        victim.wait()
        (folder / "release").touch()
        wait_until(lambda: (folder / "completed").exists(), "the other worker to take over and finish")
        with database.transaction(readonly=True) as session:
            job = jobs_repo.get(session, job_id)
            assert job is not None
            state = (job.status, job.attempts, job.result)
        survivor = next(w for w in workers if w is not victim)
        assert state == ("succeeded", 2, {"attempt": 2, "pid": survivor.pid})
        assert (folder / "completed").read_text() == "2\n", "finished exactly once"
        assert sorted(p.name for p in folder.glob("started-*")) == ["started-1", "started-2"]
        queue.stop()
        database.dispose()
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
        for worker in workers:
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
