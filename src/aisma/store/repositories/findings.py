"""Findings. Changes are one ``UPDATE ... WHERE version = :expected``, as for answers."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken, rowcount
from aisma.store.tables import FindingRow


def list_for_org(session: Session, org_id: int) -> Sequence[FindingRow]:
    """Newest first."""
    return session.scalars(
        select(FindingRow).where(FindingRow.organization_id == org_id).order_by(FindingRow.id.desc())
    ).all()


def keys(session: Session, org_id: int) -> set[str]:
    return set(session.scalars(select(FindingRow.key).where(FindingRow.organization_id == org_id)).all())


def get(session: Session, org_id: int, finding_id: int) -> FindingRow | None:
    return session.scalar(select(FindingRow).where(FindingRow.organization_id == org_id, FindingRow.id == finding_id))


def insert(session: Session, row: FindingRow) -> bool:
    """False when a finding with the same key exists already (another writer derived it first)."""
    return add_unless_taken(session, row)


def update_if_version(session: Session, org_id: int, finding_id: int, expected: int, values: dict[str, Any]) -> bool:
    result = session.execute(
        update(FindingRow)
        .where(FindingRow.organization_id == org_id, FindingRow.id == finding_id, FindingRow.version == expected)
        .values(**values, version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def refresh(session: Session, row: FindingRow) -> FindingRow:
    session.refresh(row)
    return row
