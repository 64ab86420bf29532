"""The audit trail: every change is recorded, and verify names a changed or deleted row."""

from __future__ import annotations

from sqlalchemy import text

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.answers import service as answers
from aisma.web.features.audit import service as audit

from ..factories import OrgWithMembers


def _some_history(database: Database, org: OrgWithMembers) -> None:
    assessor = org.actors[Role.ASSESSOR]
    with database.transaction() as s:
        answers.save_answer(s, assessor, "GOV-1.1", "not")
    for version, word in ((1, "partially"), (2, "largely"), (3, "fully")):
        with database.transaction() as s:
            answers.save_answer(s, assessor, "GOV-1.1", word, expected_version=version)


def test_changes_are_recorded_with_before_and_after(database: Database, org_a: OrgWithMembers) -> None:
    _some_history(database, org_a)
    with database.transaction(readonly=True) as s:
        entries = audit.recent(s, org_a.actors[Role.VIEWER])
        report = audit.verify(s)
    last = entries[0]
    assert last.action == "answer.save" and last.actor == org_a.emails[Role.ASSESSOR]
    assert last.before is not None and last.before["answer"] == "largely"
    assert last.after is not None and last.after["answer"] == "fully" and last.after["version"] == 4
    assert report.ok and report.checked >= len(entries)


def test_verify_detects_a_changed_row(database: Database, org_a: OrgWithMembers) -> None:
    _some_history(database, org_a)
    with database.transaction() as s:
        assert audit.verify(s).ok
        target = s.execute(
            text("SELECT seq FROM audit_log WHERE action = 'answer.save' ORDER BY seq LIMIT 1 OFFSET 1")
        ).scalar_one()
        s.execute(
            text("UPDATE audit_log SET after = :after WHERE seq = :seq"),
            {"after": '{"answer": "fully", "version": 2}', "seq": target},
        )
    with database.transaction(readonly=True) as s:
        report = audit.verify(s)
    assert not report.ok and report.seq == target
    assert f"seq {target} was changed" in report.problem


def test_verify_detects_a_deleted_row(database: Database, org_a: OrgWithMembers) -> None:
    _some_history(database, org_a)
    chain = {"c": org_a.org_id}
    with database.transaction() as s:
        before_chain = s.execute(text("SELECT count(*) FROM audit_log WHERE chain < :c"), chain).scalar_one()
        total = s.execute(text("SELECT count(*) FROM audit_log WHERE chain = :c"), chain).scalar_one()
        s.execute(text("DELETE FROM audit_log WHERE chain = :c AND seq = :seq"), {**chain, "seq": total - 2})
    with database.transaction(readonly=True) as s:
        report = audit.verify(s)
    assert not report.ok and report.seq == total - 2 and "missing" in report.problem
    assert report.checked == before_chain + total - 3


def test_verify_detects_the_newest_rows_deleted_without_an_anchor(database: Database, org_a: OrgWithMembers) -> None:
    """Truncating a chain leaves a consistent shorter chain; its signed head still says how far it reached."""
    _some_history(database, org_a)
    chain = {"c": org_a.org_id}
    with database.transaction() as s:
        last = s.execute(text("SELECT max(seq) FROM audit_log WHERE chain = :c"), chain).scalar_one()
        s.execute(text("DELETE FROM audit_log WHERE chain = :c AND seq >= :s"), {**chain, "s": last - 1})
    with database.transaction(readonly=True) as s:
        report = audit.verify(s)
    assert not report.ok and f"rows after seq {last - 2} were deleted" in report.problem, report.problem


def test_verify_detects_a_moved_back_head(database: Database, org_a: OrgWithMembers) -> None:
    """Deleting rows and moving the head back to match: the head's signature no longer matches."""
    _some_history(database, org_a)
    chain = {"c": org_a.org_id}
    with database.transaction() as s:
        last = s.execute(text("SELECT max(seq) FROM audit_log WHERE chain = :c"), chain).scalar_one()
        previous = s.execute(
            text("SELECT hash FROM audit_log WHERE chain = :c AND seq = :s"), {**chain, "s": last - 1}
        ).scalar_one()
        s.execute(text("DELETE FROM audit_log WHERE chain = :c AND seq = :s"), {**chain, "s": last})
        s.execute(
            text("UPDATE audit_heads SET seq = :s, hash = :h WHERE chain = :c"), {**chain, "s": last - 1, "h": previous}
        )
    with database.transaction(readonly=True) as s:
        report = audit.verify(s)
    assert not report.ok and "not signed by this server's key" in report.problem


def test_organizations_have_chains_of_their_own(
    database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    _some_history(database, org_a)
    _some_history(database, org_b)
    with database.transaction(readonly=True) as s:
        report = audit.verify(s)
        chains = s.execute(text("SELECT chain, min(seq), max(seq) FROM audit_log GROUP BY chain")).all()
    assert report.ok and report.chains == 3  # server-wide, A, B
    assert {c for c, _lo, _hi in chains} == {0, org_a.org_id, org_b.org_id}
    assert all(lo == 1 for _c, lo, _hi in chains)


def test_verify_detects_a_recomputed_row_hash(database: Database, org_a: OrgWithMembers) -> None:
    """Rewriting a row AND its own hash still breaks the link from the next row."""
    _some_history(database, org_a)
    with database.transaction() as s:
        row = s.execute(text("SELECT seq, prev_hash FROM audit_log ORDER BY seq LIMIT 1 OFFSET 2")).one()
        s.execute(
            text("UPDATE audit_log SET actor = 'mallory', hash = :h WHERE seq = :seq"), {"h": "f" * 64, "seq": row.seq}
        )
    with database.transaction(readonly=True) as s:
        report = audit.verify(s)
    assert not report.ok and report.seq == row.seq


def test_hash_chain_has_no_forks_under_concurrent_appends(database: Database, org_a: OrgWithMembers) -> None:
    import threading

    barrier = threading.Barrier(6)

    def append(index: int) -> None:
        barrier.wait()
        with database.transaction() as s:
            audit.append(s, org_a.actors[Role.OWNER], "test.append", "test", index, None, {"i": index})

    threads = [threading.Thread(target=append, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with database.transaction(readonly=True) as s:
        report = audit.verify(s)
        count = s.execute(text("SELECT count(*) FROM audit_log WHERE action = 'test.append'")).scalar_one()
    assert report.ok and count == 6
