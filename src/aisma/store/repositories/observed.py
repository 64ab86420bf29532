"""Observed AI assets (discovery input), replaced per organization and source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import after, rowcount
from aisma.store.tables import ObservedAssetRow


def replace_for_source(session: Session, org_id: int, source: str, rows: Sequence[ObservedAssetRow]) -> int:
    """Delete the organization's assets from ``source`` and add ``rows``; returns how many were removed."""
    removed = rowcount(
        session.execute(
            delete(ObservedAssetRow).where(
                ObservedAssetRow.organization_id == org_id, ObservedAssetRow.source == source
            )
        )
    )
    session.add_all(rows)
    session.flush()
    return removed


def page(session: Session, org_id: int, key: Sequence[Any] | None, limit: int) -> Sequence[ObservedAssetRow]:
    """``limit + 1`` assets in list order after ``key`` (source, kind, identifier, tool, file, id)."""
    columns = (
        ObservedAssetRow.source,
        ObservedAssetRow.kind,
        ObservedAssetRow.identifier,
        ObservedAssetRow.tool,
        ObservedAssetRow.file,
        ObservedAssetRow.id,
    )
    return session.scalars(
        select(ObservedAssetRow)
        .where(ObservedAssetRow.organization_id == org_id, after(columns, key))
        .order_by(*columns)
        .limit(limit + 1)
    ).all()


def list_for_org(session: Session, org_id: int, limit: int | None = None) -> Sequence[ObservedAssetRow]:
    query = (
        select(ObservedAssetRow)
        .where(ObservedAssetRow.organization_id == org_id)
        .order_by(
            ObservedAssetRow.source,
            ObservedAssetRow.kind,
            ObservedAssetRow.identifier,
            ObservedAssetRow.tool,
            ObservedAssetRow.file,
            ObservedAssetRow.id,
        )
    )
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()
