"""Measurements pushed by collectors (at the edge or at import)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import after
from aisma.store.tables import MeasurementRow


def add_all(session: Session, rows: Sequence[MeasurementRow]) -> None:
    session.add_all(rows)
    session.flush()


def page(session: Session, org_id: int, key: Sequence[Any] | None, limit: int) -> Sequence[MeasurementRow]:
    """``limit + 1`` measurements, newest first, after ``key`` (observed_at, id)."""
    columns = (MeasurementRow.observed_at, MeasurementRow.id)
    return session.scalars(
        select(MeasurementRow)
        .where(MeasurementRow.organization_id == org_id, after(columns, key, descending=True))
        .order_by(MeasurementRow.observed_at.desc(), MeasurementRow.id.desc())
        .limit(limit + 1)
    ).all()


def list_for_org(session: Session, org_id: int, limit: int | None = None) -> Sequence[MeasurementRow]:
    query = (
        select(MeasurementRow)
        .where(MeasurementRow.organization_id == org_id)
        .order_by(MeasurementRow.observed_at.desc(), MeasurementRow.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()
