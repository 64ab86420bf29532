"""Schedules, alert channels and deliveries: all SQL of continuous assurance."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import rowcount
from aisma.store.tables import AlertChannelRow, AlertDeliveryRow, ScheduleRow

__all__ = ["AlertChannelRow", "AlertDeliveryRow", "ScheduleRow"]


def add(session: Session, row: Any) -> Any:
    session.add(row)
    session.flush()
    return row


def schedules_for(session: Session, org_id: int) -> Sequence[ScheduleRow]:
    return session.scalars(
        select(ScheduleRow).where(ScheduleRow.organization_id == org_id).order_by(ScheduleRow.id)
    ).all()


def schedule(session: Session, org_id: int, schedule_id: int) -> ScheduleRow | None:
    return session.scalar(
        select(ScheduleRow).where(ScheduleRow.organization_id == org_id, ScheduleRow.id == schedule_id)
    )


def due(session: Session, now: datetime, limit: int = 100) -> Sequence[ScheduleRow]:
    return session.scalars(
        select(ScheduleRow)
        .where(ScheduleRow.enabled.is_(True), ScheduleRow.next_run_at <= now)
        .order_by(ScheduleRow.next_run_at, ScheduleRow.id)
        .limit(limit)
    ).all()


def claim(session: Session, schedule_id: int, seen_next: datetime, next_run_at: datetime, now: datetime) -> bool:
    """Move a due schedule on to its next fire time, unless another worker did first (then False)."""
    result = session.execute(
        update(ScheduleRow)
        .where(ScheduleRow.id == schedule_id, ScheduleRow.next_run_at == seen_next, ScheduleRow.enabled.is_(True))
        .values(next_run_at=next_run_at, last_run_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def set_last_job(session: Session, schedule_id: int, job_id: int) -> None:
    session.execute(
        update(ScheduleRow)
        .where(ScheduleRow.id == schedule_id)
        .values(last_job_id=job_id)
        .execution_options(synchronize_session=False)
    )


def channels_for(session: Session, org_id: int) -> Sequence[AlertChannelRow]:
    return session.scalars(
        select(AlertChannelRow).where(AlertChannelRow.organization_id == org_id).order_by(AlertChannelRow.id)
    ).all()


def channel(session: Session, org_id: int, channel_id: int) -> AlertChannelRow | None:
    return session.scalar(
        select(AlertChannelRow).where(AlertChannelRow.organization_id == org_id, AlertChannelRow.id == channel_id)
    )


def delivery(session: Session, delivery_id: int) -> AlertDeliveryRow | None:
    return session.get(AlertDeliveryRow, delivery_id)


def deliveries_for(session: Session, org_id: int, limit: int = 200) -> Sequence[AlertDeliveryRow]:
    return session.scalars(
        select(AlertDeliveryRow)
        .where(AlertDeliveryRow.organization_id == org_id)
        .order_by(AlertDeliveryRow.id.desc())
        .limit(limit)
    ).all()
