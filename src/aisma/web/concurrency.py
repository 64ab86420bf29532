"""At most as many requests in flight per worker as the database pool has connections.

Starlette runs each sync dependency and endpoint in a thread pool (40 threads), and the request's
database transaction is opened in one thread (the ``db_session`` dependency) and used in another
(the endpoint). Under a burst larger than the connection pool, every thread can end up waiting for a
connection held by requests that are themselves waiting for a thread: nothing moves until the pool's
30 s timeout turns them all into 500s. Letting a request in only when a connection is sure to be free
makes the extra requests wait in the event loop instead (no thread, no connection held), in arrival
order, so the worker stays busy and never deadlocks.
"""

from __future__ import annotations

import asyncio

from sqlalchemy import Engine
from starlette.types import ASGIApp, Receive, Scope, Send

UNBOUNDED_POOL_LIMIT = 64


CONNECTIONS_PER_REQUEST = 2  # the caller's short read-only lookup, then the request's own transaction
BACKGROUND_CONNECTIONS = 2  # the job worker and the maintenance thread


def pool_capacity(engine: Engine) -> int:
    """How many requests may run at once so that none ever waits for a connection another request holds.

    A request holds at most ``CONNECTIONS_PER_REQUEST`` connections (its transaction may be open while
    the caller is looked up in a second, short one), and the background threads need theirs.
    """
    pool = engine.pool
    size = getattr(pool, "size", None)
    overflow = getattr(pool, "_max_overflow", None)
    if callable(size) and isinstance(overflow, int) and overflow >= 0:
        return max(1, (int(size()) + overflow - BACKGROUND_CONNECTIONS) // CONNECTIONS_PER_REQUEST)
    return UNBOUNDED_POOL_LIMIT


class ConcurrencyLimit:
    """ASGI middleware: HTTP requests beyond ``max_requests`` wait for a slot before they start."""

    def __init__(self, app: ASGIApp, max_requests: int) -> None:
        self.app = app
        self.max_requests = max_requests
        self._slots: asyncio.Semaphore | None = None  # made in the worker's event loop, on first use

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.max_requests)
        async with self._slots:
            await self.app(scope, receive, send)
