"""The notification log: emails to members, and whether each went out."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisma.store.tables import NotificationRow


def add(session: Session, row: NotificationRow) -> NotificationRow:
    session.add(row)
    session.flush()
    return row


def get(session: Session, notification_id: int) -> NotificationRow | None:
    return session.get(NotificationRow, notification_id)


def for_user(session: Session, org_id: int, user_id: int) -> Sequence[NotificationRow]:
    """One member's notifications in one organization, newest first."""
    return session.scalars(
        select(NotificationRow)
        .where(NotificationRow.organization_id == org_id, NotificationRow.user_id == user_id)
        .order_by(NotificationRow.id.desc())
    ).all()


def digest_sent(session: Session, org_id: int, user_id: int, day: date) -> bool:
    return (
        session.scalar(
            select(NotificationRow.id).where(
                NotificationRow.organization_id == org_id,
                NotificationRow.user_id == user_id,
                NotificationRow.kind == "overdue",
                NotificationRow.day == day,
            )
        )
        is not None
    )
