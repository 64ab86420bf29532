"""The audit log: one hash chain per organization (0: server-wide), appends serialized per chain.

An append locks the chain's head row (``audit_heads``): ``SELECT ... FOR UPDATE`` on PostgreSQL, so
two organizations never wait for each other; on SQLite every write transaction already holds the
database lock (``BEGIN IMMEDIATE``). The head row also carries the chain's signed checkpoint.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Select, func, select, union
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from aisma.store.repositories._result import count_of
from aisma.store.tables import AuditEntry, AuditHead
from aisma.store.types import utcnow

GENESIS = "0" * 64
SYSTEM_CHAIN = 0  # server-wide events (users, OIDC links): not any organization's
LEGACY_CHAIN = -1  # rows written before migration 0004, one global chain


def lock_chain(session: Session, chain: int = SYSTEM_CHAIN) -> AuditHead:
    """The chain's head row, created if new, locked until the transaction ends."""
    dialect = session.get_bind().dialect.name
    values = {"chain": chain, "seq": 0, "hash": GENESIS, "signature": "", "updated_at": utcnow()}
    if dialect == "postgresql":
        session.execute(pg_insert(AuditHead).values(**values).on_conflict_do_nothing(index_elements=["chain"]))
    elif dialect == "sqlite":
        session.execute(sqlite_insert(AuditHead).values(**values).on_conflict_do_nothing(index_elements=["chain"]))
    elif session.get(AuditHead, chain) is None:
        session.add(AuditHead(**values))
        session.flush()
    head = session.scalar(
        select(AuditHead).where(AuditHead.chain == chain).with_for_update().execution_options(populate_existing=True)
    )
    assert head is not None
    return head


def add(session: Session, entry: AuditEntry) -> AuditEntry:
    session.add(entry)
    session.flush()
    return entry


def chains(session: Session) -> list[int]:
    """Every chain that has rows or a head, in order."""
    query = union(select(AuditEntry.chain).distinct(), select(AuditHead.chain))
    return sorted(int(chain) for chain in session.scalars(query).all())


def head(session: Session, chain: int) -> AuditHead | None:
    return session.get(AuditHead, chain)


def iterate(session: Session, chain: int, batch: int = 1000) -> Iterator[AuditEntry]:
    """Every entry of one chain in order, a batch at a time so a long log costs constant memory."""
    after = -1
    while True:
        rows = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.chain == chain, AuditEntry.seq > after)
            .order_by(AuditEntry.seq)
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def newest(session: Session) -> AuditEntry | None:
    return session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))


@dataclass(frozen=True)
class AuditFilter:
    """What a list of the trail keeps: one action, one kind of entity, actors whose label contains ``actor``."""

    action: str = ""
    entity: str = ""
    actor: str = ""


def _matching(org_id: int, where: AuditFilter) -> Select[AuditEntry]:
    query = select(AuditEntry).where(AuditEntry.organization_id == org_id)
    if where.action:
        query = query.where(AuditEntry.action == where.action)
    if where.entity:
        query = query.where(AuditEntry.entity == where.entity)
    if where.actor:
        pattern = "%" + where.actor.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query = query.where(func.lower(AuditEntry.actor).like(pattern, escape="\\"))
    return query


def for_org(
    session: Session,
    org_id: int,
    limit: int | None = 100,
    before_id: int | None = None,
    where: AuditFilter | None = None,
    offset: int = 0,
) -> list[AuditEntry]:
    """The organization's entries (legacy ones too), newest first, older than row ``before_id`` when given."""
    query = _matching(org_id, where or AuditFilter())
    if before_id is not None:
        query = query.where(AuditEntry.id < before_id)
    return list(session.scalars(query.order_by(AuditEntry.id.desc()).offset(offset).limit(limit)).all())


def count(session: Session, org_id: int, where: AuditFilter | None = None) -> int:
    return count_of(session, _matching(org_id, where or AuditFilter()))


def kinds(session: Session, org_id: int) -> tuple[list[str], list[str]]:
    """The actions and the entity kinds in the organization's trail, by name (the list's filters)."""
    mine = AuditEntry.organization_id == org_id
    actions = session.scalars(select(AuditEntry.action).where(mine).distinct().order_by(AuditEntry.action)).all()
    entities = session.scalars(select(AuditEntry.entity).where(mine).distinct().order_by(AuditEntry.entity)).all()
    return list(actions), list(entities)
