"""Housekeeping each server process does in the background, in short transactions of its own.

- API token uses noted in memory (``TokenUsage``) are written at most once a minute, so reads made
  with a token never open a write transaction;
- expired login sessions and old failed-login records are deleted every ``PURGE_SECONDS``.

One daemon thread per process, started and stopped by the app's lifespan; a failure (a busy or
unreachable database) is logged and retried at the next tick, never raised into a request.
"""

from __future__ import annotations

import logging
import threading
import time

from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.features.admin.service import TokenUsage

log = logging.getLogger("aisma.maintenance")
TICK_SECONDS = 60.0
PURGE_SECONDS = 600.0


def purge_expired(database: Database, settings: ServerSettings) -> int:
    """Delete expired sessions and failed logins older than the rate-limit window; returns sessions removed."""
    from aisma.web.features.signin import ratelimit
    from aisma.web.features.signin import service as sessions

    with database.transaction() as session:
        removed = sessions.purge_expired(session)
        ratelimit.purge(session, settings.login_window_seconds)
    return removed


class Maintenance:
    def __init__(self, database: Database, settings: ServerSettings, usage: TokenUsage) -> None:
        self.database = database
        self.settings = settings
        self.usage = usage
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="aisma-maintenance", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._safely(self.usage.flush, self.database)

    def _run(self) -> None:
        last_purge = 0.0
        while not self._stop.wait(TICK_SECONDS):
            self._safely(self.usage.flush, self.database)
            if time.monotonic() - last_purge >= PURGE_SECONDS:
                self._safely(purge_expired, self.database, self.settings)
                last_purge = time.monotonic()

    @staticmethod
    def _safely(step: object, *args: object) -> None:
        try:
            step(*args)  # type: ignore[operator]
        except Exception:  # housekeeping retries at the next tick; it must never stop the server
            log.exception("aisma maintenance step failed; retrying at the next tick")
