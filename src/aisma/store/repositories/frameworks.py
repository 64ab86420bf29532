"""Imported frameworks: all SQL of the frameworks an organization uploaded (every query filters on it)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken
from aisma.store.tables import FrameworkRow

__all__ = ["FrameworkRow", "add", "get", "list_for_org"]


def list_for_org(session: Session, org_id: int) -> Sequence[FrameworkRow]:
    return session.scalars(
        select(FrameworkRow).where(FrameworkRow.organization_id == org_id).order_by(FrameworkRow.framework_id)
    ).all()


def get(session: Session, org_id: int, framework_id: str) -> FrameworkRow | None:
    return session.scalar(
        select(FrameworkRow).where(FrameworkRow.organization_id == org_id, FrameworkRow.framework_id == framework_id)
    )


def add(session: Session, row: FrameworkRow) -> bool:
    """False when the organization already has a framework with that id (a concurrent import, say)."""
    return add_unless_taken(session, row)
