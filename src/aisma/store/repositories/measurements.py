"""Measurements pushed by collectors (at the edge or at import)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import after, count_of
from aisma.store.tables import MeasurementRow


def add_all(session: Session, rows: Sequence[MeasurementRow]) -> None:
    session.add_all(rows)
    session.flush()


def _matching(org_id: int, metric: str | None) -> Select[MeasurementRow]:
    query = select(MeasurementRow).where(MeasurementRow.organization_id == org_id)
    return query.where(MeasurementRow.metric == metric) if metric else query


NEWEST_FIRST = (MeasurementRow.observed_at.desc(), MeasurementRow.id.desc())


def page(
    session: Session, org_id: int, key: Sequence[Any] | None, limit: int, metric: str | None = None
) -> Sequence[MeasurementRow]:
    """``limit + 1`` measurements, newest first, after ``key`` (observed_at, id)."""
    columns = (MeasurementRow.observed_at, MeasurementRow.id)
    return session.scalars(
        _matching(org_id, metric).where(after(columns, key, descending=True)).order_by(*NEWEST_FIRST).limit(limit + 1)
    ).all()


def count(session: Session, org_id: int, metric: str | None = None) -> int:
    return count_of(session, _matching(org_id, metric))


def window(
    session: Session, org_id: int, offset: int, limit: int | None, metric: str | None = None
) -> Sequence[MeasurementRow]:
    """Measurements newest first from ``offset`` (a page of the list page, or every one for an export)."""
    return session.scalars(_matching(org_id, metric).order_by(*NEWEST_FIRST).offset(offset).limit(limit)).all()


def metrics(session: Session, org_id: int) -> list[str]:
    """The metrics this organization has measurements of, by name (the list page's filter)."""
    return list(
        session.scalars(
            select(MeasurementRow.metric)
            .where(MeasurementRow.organization_id == org_id)
            .distinct()
            .order_by(MeasurementRow.metric)
        ).all()
    )


def list_for_org(session: Session, org_id: int, limit: int | None = None) -> Sequence[MeasurementRow]:
    query = (
        select(MeasurementRow)
        .where(MeasurementRow.organization_id == org_id)
        .order_by(MeasurementRow.observed_at.desc(), MeasurementRow.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return session.scalars(query).all()


def provenances(session: Session, org_id: int) -> Sequence[tuple[int, str, Any, dict[str, Any]]]:
    """(id, metric, observed_at, provenance) of every measurement, newest first: which files they read."""
    return [
        (row.id, row.metric, row.observed_at, dict(row.provenance or {}))
        for row in session.execute(
            select(MeasurementRow.id, MeasurementRow.metric, MeasurementRow.observed_at, MeasurementRow.provenance)
            .where(MeasurementRow.organization_id == org_id)
            .order_by(MeasurementRow.observed_at.desc(), MeasurementRow.id.desc())
        ).all()
    ]
