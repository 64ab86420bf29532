"""Answers: permissions per role, organization isolation, and optimistic concurrency on both databases."""

from __future__ import annotations

import threading
from datetime import date

import pytest

from aisma.server.auth import Role
from aisma.server.errors import Forbidden, Invalid, NotFound, StaleWrite
from aisma.store.db import Database
from aisma.web.features.answers import service as answers
from aisma.web.features.inventory import service as inventory

from ..factories import OrgWithMembers

ORG_WIDE = "GOV-1.1"  # applies_to is empty: the whole program's, so only assessors and owners answer it
BUILD_ONLY = "INV-2.3"  # applies to tracks build and platform


def _system(system_id: str, owner: str, track: str = "build") -> dict[str, object]:
    return {"id": system_id, "name": system_id, "owner": owner, "track": track, "deployment_type": "self_hosted"}


def test_create_update_and_stale_write(database: Database, org_a: OrgWithMembers) -> None:
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        first = answers.save_answer(s, assessor, ORG_WIDE, "partially", note=" draft ", evidence=["evidence/a.md"])
    assert first.version == 1 and first.note == "draft" and first.answered_by == assessor.email
    with database.transaction() as s:
        second = answers.save_answer(s, assessor, ORG_WIDE, "largely", expected_version=1, expires=date(2027, 1, 1))
    assert second.version == 2 and second.answer == "largely" and second.expires == date(2027, 1, 1)
    with database.transaction() as s, pytest.raises(StaleWrite) as stale:
        answers.save_answer(s, assessor, ORG_WIDE, "fully", expected_version=1)
    assert stale.value.current.version == 2 and stale.value.current.answer == "largely"
    with database.transaction() as s, pytest.raises(StaleWrite):
        answers.save_answer(s, assessor, ORG_WIDE, "fully")  # creating what exists is stale too
    with database.transaction(readonly=True) as s:
        assert answers.get_answer(s, org_a.actors[Role.VIEWER], ORG_WIDE).answer == "largely"
        assert [a.objective_id for a in answers.list_answers(s, org_a.actors[Role.VIEWER])] == [ORG_WIDE]


def test_answers_are_checked(database: Database, org_a: OrgWithMembers) -> None:
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        with pytest.raises(Invalid, match="answer"):
            answers.save_answer(s, assessor, ORG_WIDE, "yes")
        with pytest.raises(Invalid, match="justification"):
            answers.save_answer(s, assessor, ORG_WIDE, "na")
        with pytest.raises(NotFound, match="not an objective"):
            answers.save_answer(s, assessor, "NOPE-1.1", "fully")
        with pytest.raises(NotFound):
            answers.save_answer(s, assessor, ORG_WIDE, "fully", expected_version=1)


def test_role_permissions(database: Database, org_a: OrgWithMembers) -> None:
    contributor = org_a.actors[Role.CONTRIBUTOR]
    with database.transaction() as s:
        with pytest.raises(Forbidden):
            answers.save_answer(s, org_a.actors[Role.VIEWER], ORG_WIDE, "fully")
        with pytest.raises(Forbidden, match="owns no system"):
            answers.save_answer(s, contributor, BUILD_ONLY, "fully")
        answers.save_answer(s, org_a.actors[Role.OWNER], ORG_WIDE, "fully")
    with database.transaction() as s:
        inventory.create_system(s, org_a.actors[Role.ASSESSOR], _system("fraud", contributor.email))
    with database.transaction() as s:
        assert answers.save_answer(s, contributor, BUILD_ONLY, "partially").version == 1
        with pytest.raises(Forbidden):  # a program-wide objective stays the assessors'
            answers.save_answer(s, contributor, ORG_WIDE, "fully", expected_version=1)


def test_other_organization_answers_are_not_found(
    database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    with database.transaction() as s:
        answers.save_answer(s, org_b.actors[Role.ASSESSOR], ORG_WIDE, "fully")
    with database.transaction() as s:
        with pytest.raises(NotFound):
            answers.get_answer(s, org_a.actors[Role.OWNER], ORG_WIDE)
        assert answers.list_answers(s, org_a.actors[Role.OWNER]) == []
        with pytest.raises(NotFound):  # updating B's answer from A: A has none, B's stays untouched
            answers.save_answer(s, org_a.actors[Role.OWNER], ORG_WIDE, "not", expected_version=1)
        assert answers.get_answer(s, org_b.actors[Role.VIEWER], ORG_WIDE).answer == "fully"


@pytest.mark.parametrize("writers", [8])
def test_concurrent_writers_one_wins_no_lost_update(database: Database, org_a: OrgWithMembers, writers: int) -> None:
    """N threads save the same answer with the same expected version: exactly one wins."""
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        answers.save_answer(s, assessor, ORG_WIDE, "not")
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []
    lock = threading.Lock()

    def write(index: int) -> None:
        barrier.wait()
        try:
            with database.transaction() as s:
                answers.save_answer(s, assessor, ORG_WIDE, "fully", note=f"writer {index}", expected_version=1)
            result = f"won:{index}"
        except StaleWrite:
            result = "stale"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o.startswith("won")]
    assert len(outcomes) == writers and len(winners) == 1 and outcomes.count("stale") == writers - 1
    with database.transaction(readonly=True) as s:
        final = answers.get_answer(s, assessor, ORG_WIDE)
    assert final.version == 1 + len(winners)
    assert final.note == f"writer {winners[0].split(':')[1]}"  # the winner's write is the one stored


def test_sequential_writers_never_lose_an_update(database: Database, org_a: OrgWithMembers) -> None:
    """Writers that each reload before saving all succeed: the version counts every write."""
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        answers.save_answer(s, assessor, ORG_WIDE, "not", note="0")
    errors: list[BaseException] = []

    def worker(count: int) -> None:
        for _ in range(count):
            while True:
                try:
                    with database.transaction() as s:
                        current = answers.get_answer(s, assessor, ORG_WIDE)
                        answers.save_answer(
                            s,
                            assessor,
                            ORG_WIDE,
                            "fully",
                            note=str(int(current.note) + 1),
                            expected_version=current.version,
                        )
                    break
                except StaleWrite:
                    continue
                except BaseException as exc:  # pragma: no cover - reported below
                    errors.append(exc)
                    return

    threads = [threading.Thread(target=worker, args=(5,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with database.transaction(readonly=True) as s:
        final = answers.get_answer(s, assessor, ORG_WIDE)
    assert final.note == "20" and final.version == 21


def test_concurrent_creators_one_wins(database: Database, org_a: OrgWithMembers) -> None:
    """Writers that all create the same new answer: one insert wins, the rest get StaleWrite."""
    assessor = org_a.actors[Role.ASSESSOR]
    barrier = threading.Barrier(6)
    outcomes: list[str] = []

    def create(index: int) -> None:
        barrier.wait()
        try:
            with database.transaction() as s:
                answers.save_answer(s, assessor, ORG_WIDE, "partially", note=f"creator {index}")
            outcomes.append(f"creator {index}")
        except StaleWrite as exc:
            assert exc.current is None or exc.current.version == 1
            outcomes.append("stale")

    threads = [threading.Thread(target=create, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [o for o in outcomes if o != "stale"]
    assert len(winners) == 1 and outcomes.count("stale") == 5
    with database.transaction(readonly=True) as s:
        final = answers.get_answer(s, assessor, ORG_WIDE)
    assert final.version == 1 and final.note == winners[0]


def test_versions_count_exactly_the_accepted_writes(database: Database, org_a: OrgWithMembers) -> None:
    """Property: whatever versions writers claim, the stored version is 1 + accepted updates, and
    every accepted write (and only those) is in the audit trail."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from aisma.web.features.audit import service as audit

    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        answers.save_answer(s, assessor, ORG_WIDE, "not")

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(st.lists(st.integers(min_value=-1, max_value=2), min_size=1, max_size=8))
    def run(offsets: list[int]) -> None:
        with database.transaction(readonly=True) as s:
            start = answers.get_answer(s, assessor, ORG_WIDE).version
            audited = len([e for e in audit.recent(s, assessor, 10_000) if e.action == "answer.save"])
        accepted = 0
        for offset in offsets:
            with database.transaction(readonly=True) as s:
                current = answers.get_answer(s, assessor, ORG_WIDE).version
            claimed = current + offset  # offset 0: the version read; anything else is stale
            try:
                with database.transaction() as s:
                    answers.save_answer(s, assessor, ORG_WIDE, "largely", expected_version=claimed)
                accepted += 1
                assert offset == 0
            except StaleWrite:
                assert offset != 0
        with database.transaction(readonly=True) as s:
            assert answers.get_answer(s, assessor, ORG_WIDE).version == start + accepted
            after = len([e for e in audit.recent(s, assessor, 10_000) if e.action == "answer.save"])
        assert after == audited + accepted

    run()
