"""Starting the server: migrate, make sure an admin exists, then hand the app factory to uvicorn.

Workers are separate processes that share nothing but the database and the evidence folder, so
uvicorn gets an import string and a factory: each worker builds its own app from the environment.
Migrations and the first admin happen once, in the parent, before any worker starts.
"""

from __future__ import annotations

import contextlib
import os

from fastapi import FastAPI

from aisma.server.settings import ServerSettings

ADMIN_EMAIL_ENV = "AISMA_ADMIN_EMAIL"
ADMIN_PASSWORD_ENV = "AISMA_ADMIN_PASSWORD"  # noqa: S105 (the variable name, not a password)


def app_from_environment() -> FastAPI:
    """The uvicorn factory: settings from AISMA_* variables, read when the worker starts."""
    from aisma.web.app import create_app

    return create_app(ServerSettings())


def prepare(settings: ServerSettings | None = None) -> list[str]:
    """Migrate the database and create the first admin when there is none; returns lines to print."""
    from aisma.store import migrate
    from aisma.store.db import Database, connection_errors_reported, display_url
    from aisma.web.features.organizations import bootstrap

    settings = settings or ServerSettings()
    key = settings.resolved_secret_key()  # created once here, not raced by several workers
    url = settings.database_url
    with connection_errors_reported(url):
        migrate.upgrade(url, "head")
        if uses_procrastinate(settings):
            migrate.ensure_queue_schema(url)
    database = Database(url, signing_key=key)
    try:
        with connection_errors_reported(url), database.transaction() as session:
            created = bootstrap.ensure_admin(
                session,
                email=os.environ.get(ADMIN_EMAIL_ENV) or None,
                password=os.environ.get(ADMIN_PASSWORD_ENV) or None,
            )
    finally:
        database.dispose()
    lines = [f"aisma: database ready ({display_url(url)})"]
    if created is not None:
        lines.append(f"aisma: created the first admin {created.email} in organization {created.org_slug}")
        if created.generated_password is not None:
            lines.append(
                f"aisma: one-time password: {created.generated_password}  (shown once; change it at /account/password)"
            )
    return lines


def uses_procrastinate(settings: ServerSettings) -> bool:
    from aisma.store.db import is_sqlite

    kind = settings.job_queue
    return kind == "procrastinate" or (kind == "auto" and not is_sqlite(settings.database_url))


def run_worker(concurrency: int = 1) -> None:
    """``aisma worker``: run background jobs here, until stopped (Ctrl+C or SIGTERM)."""
    from aisma.store import migrate
    from aisma.store.db import Database, connection_errors_reported
    from aisma.web.jobs import InProcessQueue, load_handlers, run_procrastinate_worker

    settings = ServerSettings()
    url = settings.database_url
    with connection_errors_reported(url):
        migrate.upgrade(url, "head")
        if uses_procrastinate(settings):
            migrate.ensure_queue_schema(url)
    load_handlers(settings)
    database = Database(url, signing_key=settings.resolved_secret_key())
    try:
        if uses_procrastinate(settings):
            run_procrastinate_worker(database, concurrency)
        else:
            with contextlib.suppress(KeyboardInterrupt):
                InProcessQueue(database).run()
    finally:
        database.dispose()


def run_server(host: str, port: int, workers: int) -> None:
    """uvicorn with ``workers`` processes. Each one imports aisma and builds its app before it answers the
    supervisor's health checks; on a busy 2-core machine that takes longer than uvicorn's default 5 s,
    and the supervisor killed and restarted workers in a loop. They now get ``AISMA_WORKER_START_SECONDS``.
    """
    import uvicorn

    settings = ServerSettings()
    uvicorn.run(
        "aisma.web.serve:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        proxy_headers=False,  # X-Forwarded-* is read by the app, from AISMA_TRUSTED_PROXIES only
        server_header=False,
        timeout_worker_healthcheck=settings.worker_start_seconds,
    )
