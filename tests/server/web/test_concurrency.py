"""A burst of requests larger than the database pool queues instead of deadlocking the worker."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.app import create_app
from aisma.web.concurrency import pool_capacity
from aisma.web.features.signin import service as sessions

from ..factories import OrgWithMembers


def test_pool_capacity_reads_the_engine(database_url: str) -> None:
    database = Database(database_url)
    try:
        pool = database.engine.pool
        connections = pool.size() + pool._max_overflow  # type: ignore[attr-defined]
        # two connections per request at most (the caller's lookup, the request's transaction), two for threads
        assert pool_capacity(database.engine) == (connections - 2) // 2
    finally:
        database.dispose()


@pytest.mark.slow
def test_a_burst_four_times_the_pool_is_served(
    tmp_path: Path, database_url: str, database: Database, org_a: OrgWithMembers
) -> None:
    app = create_app(ServerSettings(data_dir=tmp_path / "data", database_url=database_url, secret_key="k" * 32))
    burst = 4 * pool_capacity(app.state.database.engine)
    with database.transaction() as session:
        from aisma.web.features.organizations import service as accounts

        user = accounts.get_user(session, org_a.user_ids[Role.VIEWER])
        token = sessions.create_session(session, user, 3600).token

    async def run() -> list[int]:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://test", cookies={"aisma_session": token}
        ) as client:
            pages = [client.get(f"/orgs/{org_a.slug}/questionnaire/GOV", timeout=600) for _ in range(burst)]
            return [r.status_code for r in await asyncio.wait_for(asyncio.gather(*pages), timeout=600)]

    try:
        # a thread of its own: the browser tests' Playwright keeps an event loop in this one
        with ThreadPoolExecutor(1) as pool:
            statuses = pool.submit(lambda: asyncio.run(run())).result()
    finally:
        app.state.database.dispose()
    assert statuses == [200] * burst
