"""Where background jobs run: the queues behind ``aisma.server.jobs``.

- ``InProcessQueue`` (the embedded SQLite default): a thread in each server process takes due jobs
  from the ``jobs`` table (one conditional UPDATE claims a job, so several processes never run it
  twice) and runs them one at a time; a job whose worker died (kill -9: its heartbeat stops) is taken
  again after ``STALE_AFTER``. ``aisma worker`` runs the same loop in the foreground.
- ``ProcrastinateQueue`` (PostgreSQL): procrastinate, a maintained PostgreSQL-backed task queue
  (LISTEN/NOTIFY, ``SELECT ... FOR UPDATE SKIP LOCKED``, worker heartbeats), carries each job to one
  of any number of ``aisma worker`` processes on any number of machines. A job's procrastinate
  ``lock`` keeps two workers from running it at once; when a worker is killed, its heartbeat stops,
  and the other workers retry its stalled jobs. The ``jobs`` row stays the state the API shows; a
  job committed but never handed over (the process died between the two) is handed over again by
  the workers' sweeper.

Handlers are registered by ``load_handlers()`` (the built-in features' ``jobs.py`` modules, and the
modules named in ``AISMA_JOB_MODULES``), at start-up, never at import.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import threading
import time
from datetime import datetime, timedelta
from importlib import import_module
from typing import Any, Protocol

from aisma.server import jobs, schedules
from aisma.server.settings import ServerSettings
from aisma.store.db import Database, is_sqlite
from aisma.store.repositories import jobs as repo
from aisma.store.types import utcnow

log = logging.getLogger("aisma.jobs")
BUILTIN_JOB_MODULES = (
    "aisma.web.features.assessments.jobs",
    "aisma.web.features.evidence.jobs",
    "aisma.web.features.evidence.expiry",
    "aisma.web.features.reports.jobs",
    "aisma.web.features.monitoring.jobs",
    "aisma.web.features.notifications.jobs",
)
POLL_SECONDS = 1.0
SWEEP_AFTER = timedelta(seconds=60)
QUEUE_NAME = "aisma"
TASK_NAME = "aisma.run_job"


def load_handlers(settings: ServerSettings) -> None:
    """Register every job handler: built-in features, then ``AISMA_JOB_MODULES``: each module's
    ``register()``, or ``register(settings)`` when it takes the server settings (the evidence store's)."""
    for name in (*BUILTIN_JOB_MODULES, *settings.job_module_list):
        register = import_module(name).register
        if inspect.signature(register).parameters:
            register(settings)
        else:
            register()


class Queue(Protocol):
    def notify(self, job_id: int) -> None: ...

    def start(self) -> None: ...

    def stop(self) -> None: ...


class InProcessQueue:
    """A worker thread polling the ``jobs`` table (woken at once by ``notify`` from this process)."""

    def __init__(self, database: Database, run_worker: bool = True) -> None:
        self.database = database
        self.run_worker = run_worker
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def notify(self, job_id: int) -> None:
        self._wake.set()

    def start(self) -> None:
        if self.run_worker:
            self._thread = threading.Thread(target=self.run, name="aisma-jobs", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=60)

    def run(self) -> None:
        """Take and run due jobs until stopped; fire due schedules every ``schedules.TICK_SECONDS``."""
        next_tick = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_tick:
                next_tick = time.monotonic() + schedules.TICK_SECONDS
                schedules.fire_due(self.database)
            try:
                job_id = jobs.next_due(self.database)
                if job_id is not None:
                    jobs.execute(self.database, job_id)
                    continue
            except Exception:  # a busy database: try again at the next tick
                log.warning("job worker: could not take a job; retrying", exc_info=True)
            self._wake.wait(POLL_SECONDS)
            self._wake.clear()


def procrastinate_app(database_url: str) -> Any:
    """The procrastinate app on the server database, with the one task that runs an aisma job."""
    import procrastinate
    from sqlalchemy.engine import make_url

    url = make_url(database_url).set(drivername="postgresql")
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url.render_as_string(False)))

    @app.task(
        name=TASK_NAME,
        queue=QUEUE_NAME,
        pass_context=False,
        retry=procrastinate.RetryStrategy(max_attempts=100, wait=10, retry_exceptions={JobHeld}),
    )
    def run_job(job_id: int) -> None:
        outcome = jobs.execute(_task_database(database_url), job_id)
        if outcome.state == "held":  # its last worker may be dying: procrastinate asks again in 10 s
            raise JobHeld(f"job {job_id} is held by a running attempt")
        if outcome.state == "retrying":  # aisma's own backoff: due again later
            defer(app, job_id, outcome.run_after)

    return app


class JobHeld(Exception):
    """Another attempt holds the job and its heartbeat is fresh: try again later."""


_DATABASES: dict[str, Database] = {}
_DATABASES_LOCK = threading.Lock()


def _task_database(url: str) -> Database:
    with _DATABASES_LOCK:
        if url not in _DATABASES:
            from aisma.server.settings import ServerSettings

            _DATABASES[url] = Database(url, signing_key=ServerSettings().resolved_secret_key())
        return _DATABASES[url]


class ProcrastinateQueue:
    """Hands jobs to ``aisma worker`` processes through procrastinate (PostgreSQL)."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.app = procrastinate_app(database.url)
        self._opened = False
        self._lock = threading.Lock()

    def notify(self, job_id: int) -> None:
        with self._lock:
            if not self._opened:  # its connection pool opens on the first job, in the process that serves
                self.app.open()
                self._opened = True
        defer(self.app, job_id)

    def start(self) -> None:
        pass

    def stop(self) -> None:
        with self._lock:
            if self._opened:
                self.app.close()
                self._opened = False


def defer(app: Any, job_id: int, when: datetime | None = None) -> None:
    """Give the job to procrastinate; once only (a job already waiting there is left as it is).

    ``lock`` keeps two workers from running it at once; ``queueing_lock`` keeps it waiting once.
    """
    from procrastinate import exceptions

    task = app.configure_task(TASK_NAME, lock=f"job-{job_id}", queueing_lock=f"job-{job_id}", schedule_at=when)
    with contextlib.suppress(exceptions.AlreadyEnqueued):
        task.defer(job_id=job_id)


def make_queue(settings: ServerSettings, database: Database) -> Queue:
    """In-process on SQLite (or with ``AISMA_JOB_QUEUE=inprocess``); procrastinate on PostgreSQL."""
    kind = settings.job_queue
    if kind == "auto":
        kind = "inprocess" if is_sqlite(database.url) else "procrastinate"
    if kind == "inprocess":
        return InProcessQueue(database, run_worker=settings.inprocess_worker)
    return ProcrastinateQueue(database)


def run_procrastinate_worker(database: Database, concurrency: int = 1) -> None:
    """``aisma worker`` on PostgreSQL: procrastinate's worker, plus the retry of stalled jobs and the sweeper."""
    app = procrastinate_app(database.url)

    async def housekeeping() -> None:
        while True:
            await asyncio.sleep(10)
            try:
                for job in await app.job_manager.get_stalled_jobs(seconds_since_heartbeat=30):
                    log.warning("job %s: its worker stopped; retrying it", job.id)
                    await app.job_manager.retry_job(job)
                await asyncio.to_thread(_fire_schedules, app, database)
                await asyncio.to_thread(_sweep, app, database)
            except Exception:
                log.warning("job housekeeping failed; retrying", exc_info=True)

    async def main() -> None:
        async with app.open_async():
            keeper = asyncio.create_task(housekeeping())
            try:
                await app.run_worker_async(
                    queues=[QUEUE_NAME],
                    concurrency=concurrency,
                    update_heartbeat_interval=5.0,
                    stalled_worker_timeout=30.0,
                    install_signal_handlers=True,
                )
            finally:
                keeper.cancel()

    asyncio.run(main())


def _fire_schedules(app: Any, database: Database) -> None:
    for job_id in schedules.fire_due(database):
        defer(app, job_id)


def _sweep(app: Any, database: Database) -> None:
    """Jobs committed but never handed over (their process died first): hand them over now."""
    with database.transaction(readonly=True) as session:
        waiting = repo.waiting(session, utcnow() - SWEEP_AFTER)
    for job_id in waiting:
        defer(app, job_id)
