"""Inventory systems: validation, versions, permissions and isolation."""

from __future__ import annotations

import pytest

from aisma.server.auth import Role
from aisma.server.errors import Conflict, Forbidden, Invalid, NotFound, StaleWrite
from aisma.store.db import Database
from aisma.web.features.inventory import service as inventory

from ..factories import OrgWithMembers

SYSTEM = {"id": "chatbot", "name": "Chatbot", "track": "copilot", "deployment_type": "api_saas", "owner": "x@y.example"}


def test_create_update_delete(database: Database, org_a: OrgWithMembers) -> None:
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        created = inventory.create_system(s, assessor, SYSTEM)
        inventory.create_system(s, assessor, {**SYSTEM, "id": "second"})
        with pytest.raises(Conflict):
            inventory.create_system(s, assessor, SYSTEM)
    assert created.version == 1 and created.document == SYSTEM
    with database.transaction() as s:
        updated = inventory.update_system(s, assessor, "chatbot", {**SYSTEM, "name": "Bot"}, expected_version=1)
        assert updated.version == 2 and updated.system.name == "Bot"
        with pytest.raises(StaleWrite):
            inventory.update_system(s, assessor, "chatbot", SYSTEM, expected_version=1)
        with pytest.raises(Invalid, match="id"):
            inventory.update_system(s, assessor, "chatbot", {**SYSTEM, "id": "other"}, expected_version=2)
    with database.transaction() as s:
        assert [r.system_id for r in inventory.list_systems(s, org_a.actors[Role.VIEWER])] == ["chatbot", "second"]
        inventory.delete_system(s, assessor, "chatbot", expected_version=2)
        with pytest.raises(NotFound):
            inventory.get_system(s, assessor, "chatbot")


def test_validation_names_the_field(database: Database, org_a: OrgWithMembers) -> None:
    with database.transaction() as s:
        with pytest.raises(Invalid, match="track"):
            inventory.create_system(s, org_a.actors[Role.OWNER], {**SYSTEM, "track": "nonsense"})
        with pytest.raises(Invalid, match="surprise"):
            inventory.create_system(s, org_a.actors[Role.OWNER], {**SYSTEM, "surprise": 1})


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER])
def test_only_assessors_and_owners_edit(database: Database, org_a: OrgWithMembers, role: Role) -> None:
    with database.transaction() as s, pytest.raises(Forbidden):
        inventory.create_system(s, org_a.actors[role], SYSTEM)


def test_isolation(database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers) -> None:
    with database.transaction() as s:
        inventory.create_system(s, org_b.actors[Role.OWNER], SYSTEM)
    with database.transaction() as s:
        assert inventory.list_systems(s, org_a.actors[Role.OWNER]) == []
        with pytest.raises(NotFound):
            inventory.get_system(s, org_a.actors[Role.OWNER], "chatbot")
        with pytest.raises(NotFound):
            inventory.update_system(s, org_a.actors[Role.OWNER], "chatbot", SYSTEM, expected_version=1)
        with pytest.raises(NotFound):
            inventory.delete_system(s, org_a.actors[Role.OWNER], "chatbot", expected_version=1)
        inventory.create_system(s, org_a.actors[Role.OWNER], SYSTEM)  # the same id is free in org A


def test_concurrent_inventory_updates_one_wins(database: Database, org_a: OrgWithMembers) -> None:
    import threading

    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        inventory.create_system(s, assessor, SYSTEM)
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def write(index: int) -> None:
        barrier.wait()
        try:
            with database.transaction() as s:
                inventory.update_system(s, assessor, "chatbot", {**SYSTEM, "name": f"n{index}"}, expected_version=1)
            outcomes.append(f"n{index}")
        except StaleWrite:
            outcomes.append("stale")

    threads = [threading.Thread(target=write, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o != "stale"]
    assert len(winners) == 1 and outcomes.count("stale") == 5
    with database.transaction(readonly=True) as s:
        stored = inventory.get_system(s, assessor, "chatbot")
    assert stored.version == 2 and stored.system.name == winners[0]
