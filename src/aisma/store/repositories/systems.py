"""AI systems of the inventory, one document per row, with optimistic concurrency like answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken, after, rowcount
from aisma.store.tables import AISystemRow


def list_for_org(session: Session, org_id: int) -> Sequence[AISystemRow]:
    return session.scalars(
        select(AISystemRow)
        .where(AISystemRow.organization_id == org_id)
        .order_by(AISystemRow.position, AISystemRow.system_id)
    ).all()


def page(session: Session, org_id: int, key: Sequence[Any] | None, limit: int) -> Sequence[AISystemRow]:
    """``limit + 1`` systems in inventory order after ``key`` (position, system_id)."""
    columns = (AISystemRow.position, AISystemRow.system_id)
    return session.scalars(
        select(AISystemRow)
        .where(AISystemRow.organization_id == org_id, after(columns, key))
        .order_by(*columns)
        .limit(limit + 1)
    ).all()


def count(session: Session, org_id: int) -> int:
    return (
        session.scalar(select(func.count()).select_from(AISystemRow).where(AISystemRow.organization_id == org_id)) or 0
    )


def get(session: Session, org_id: int, system_id: str) -> AISystemRow | None:
    return session.scalar(
        select(AISystemRow).where(AISystemRow.organization_id == org_id, AISystemRow.system_id == system_id)
    )


def owned_by(session: Session, org_id: int, owner: str) -> Sequence[AISystemRow]:
    return session.scalars(
        select(AISystemRow).where(AISystemRow.organization_id == org_id, AISystemRow.owner == owner)
    ).all()


def next_position(session: Session, org_id: int) -> int:
    current = session.scalar(select(func.max(AISystemRow.position)).where(AISystemRow.organization_id == org_id))
    return 0 if current is None else current + 1


def insert(session: Session, row: AISystemRow) -> bool:
    return add_unless_taken(session, row)


def update_if_version(session: Session, org_id: int, system_id: str, expected: int, values: dict[str, Any]) -> bool:
    result = session.execute(
        update(AISystemRow)
        .where(
            AISystemRow.organization_id == org_id,
            AISystemRow.system_id == system_id,
            AISystemRow.version == expected,
        )
        .values(**values, version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def delete_if_version(session: Session, org_id: int, system_id: str, expected: int) -> bool:
    result = session.execute(
        delete(AISystemRow)
        .where(
            AISystemRow.organization_id == org_id,
            AISystemRow.system_id == system_id,
            AISystemRow.version == expected,
        )
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1
