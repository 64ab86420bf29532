"""Comments on objectives, AI systems and roadmap items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import rowcount
from aisma.store.tables import CommentRow


def for_item(session: Session, org_id: int, subject: str, item_id: str) -> Sequence[CommentRow]:
    """Oldest first: a thread reads top to bottom."""
    return session.scalars(
        select(CommentRow)
        .where(CommentRow.organization_id == org_id, CommentRow.subject == subject, CommentRow.item_id == item_id)
        .order_by(CommentRow.id)
    ).all()


def counts(session: Session, org_id: int, subject: str) -> dict[str, int]:
    """How many comments each item of ``subject`` has (for the lists' "3 comments" links)."""
    rows = session.execute(
        select(CommentRow.item_id, func.count())
        .where(CommentRow.organization_id == org_id, CommentRow.subject == subject)
        .group_by(CommentRow.item_id)
    )
    return {str(item): int(n) for item, n in rows}


def get(session: Session, org_id: int, comment_id: int) -> CommentRow | None:
    return session.scalar(select(CommentRow).where(CommentRow.organization_id == org_id, CommentRow.id == comment_id))


def add(session: Session, row: CommentRow) -> CommentRow:
    session.add(row)
    session.flush()
    return row


def update_if_version(session: Session, org_id: int, comment_id: int, expected: int, values: dict[str, Any]) -> bool:
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.organization_id == org_id, CommentRow.id == comment_id, CommentRow.version == expected)
        .values(**values, version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def delete_if_version(session: Session, org_id: int, comment_id: int, expected: int) -> bool:
    result = session.execute(
        delete(CommentRow)
        .where(CommentRow.organization_id == org_id, CommentRow.id == comment_id, CommentRow.version == expected)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def refresh(session: Session, row: CommentRow) -> CommentRow:
    session.refresh(row)
    return row
