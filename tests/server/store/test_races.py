"""Concurrent requests that create the same thing end in one success and clean errors, never a crash."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from pathlib import Path

from aisma.server.auth import Role
from aisma.server.errors import Conflict
from aisma.store.db import Database
from aisma.web.features.evidence import service as evidence
from aisma.web.features.organizations import service as accounts

from ..factories import OrgWithMembers


def _race(count: int, action: Callable[[int], str]) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            outcomes.append(action(index))
        except Conflict:
            outcomes.append("conflict")
        except Exception as exc:  # anything else is the bug this test looks for
            outcomes.append(f"error {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def test_same_user_created_concurrently(database: Database) -> None:
    def create(_: int) -> str:
        with database.transaction() as s:
            accounts.create_user(s, "race@example.org", None)
        return "created"

    outcomes = _race(5, create)
    assert sorted(outcomes) == ["conflict"] * 4 + ["created"]


def test_same_organization_created_concurrently(database: Database) -> None:
    def create(_: int) -> str:
        with database.transaction() as s:
            accounts.create_organization(s, "race", "Race")
        return "created"

    outcomes = _race(5, create)
    assert sorted(outcomes) == ["conflict"] * 4 + ["created"]


def test_same_new_evidence_name_uploaded_concurrently(
    database: Database, org_a: OrgWithMembers, tmp_path: Path
) -> None:
    owner = org_a.actors[Role.OWNER]

    def upload(index: int) -> str:
        with database.transaction() as s:
            evidence.store_evidence(s, owner, tmp_path, "same.md", io.BytesIO(f"v{index}".encode()), 100)
        return f"v{index}"

    outcomes = _race(5, upload)
    assert not [o for o in outcomes if o.startswith("error")], outcomes
    with database.transaction(readonly=True) as s:
        stored = evidence.list_evidence(s, owner)
    assert len(stored) == 1 and stored[0].size == 2
