"""The audit log. Appends are serialized so the hash chain has no forks.

On SQLite every write transaction already holds the database lock (``BEGIN IMMEDIATE``); on
PostgreSQL a transaction-scoped advisory lock does the same for the one moment of reading the last
row and inserting the next.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from aisma.store.tables import AuditEntry

AUDIT_LOCK_KEY = 0x41495341  # "AISA": an arbitrary constant naming the audit chain's lock


def lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": AUDIT_LOCK_KEY})


def last(session: Session) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1))


def add(session: Session, entry: AuditEntry) -> AuditEntry:
    session.add(entry)
    session.flush()
    return entry


def iterate(session: Session, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry in chain order, a batch at a time so a long log costs constant memory."""
    after = -1
    while True:
        rows = session.scalars(
            select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def for_org(session: Session, org_id: int, limit: int = 100, before_seq: int | None = None) -> list[AuditEntry]:
    """The organization's entries, newest first, older than ``before_seq`` when given."""
    query = select(AuditEntry).where(AuditEntry.organization_id == org_id)
    if before_seq is not None:
        query = query.where(AuditEntry.seq < before_seq)
    return list(session.scalars(query.order_by(AuditEntry.seq.desc()).limit(limit)).all())
