"""Assignments of objectives and roadmap items. Changes are one ``UPDATE ... WHERE version = :expected``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken, rowcount
from aisma.store.tables import AssignmentRow


def for_org(session: Session, org_id: int, subject: str | None = None) -> Sequence[AssignmentRow]:
    query = select(AssignmentRow).where(AssignmentRow.organization_id == org_id)
    if subject:
        query = query.where(AssignmentRow.subject == subject)
    return session.scalars(query.order_by(AssignmentRow.subject, AssignmentRow.item_id)).all()


def of_assignee(session: Session, org_id: int, user_id: int) -> Sequence[AssignmentRow]:
    return session.scalars(
        select(AssignmentRow)
        .where(AssignmentRow.organization_id == org_id, AssignmentRow.assignee_id == user_id)
        .order_by(AssignmentRow.subject, AssignmentRow.item_id)
    ).all()


def is_assigned(session: Session, org_id: int, subject: str, item_id: str, user_id: int) -> bool:
    return (
        session.scalar(
            select(AssignmentRow.id).where(
                AssignmentRow.organization_id == org_id,
                AssignmentRow.subject == subject,
                AssignmentRow.item_id == item_id,
                AssignmentRow.assignee_id == user_id,
            )
        )
        is not None
    )


def get(session: Session, org_id: int, subject: str, item_id: str) -> AssignmentRow | None:
    return session.scalar(
        select(AssignmentRow).where(
            AssignmentRow.organization_id == org_id,
            AssignmentRow.subject == subject,
            AssignmentRow.item_id == item_id,
        )
    )


def insert(session: Session, row: AssignmentRow) -> bool:
    """False when the item was assigned meanwhile (the unique key refused it)."""
    return add_unless_taken(session, row)


def update_if_version(
    session: Session, org_id: int, subject: str, item_id: str, expected: int, values: dict[str, Any]
) -> bool:
    result = session.execute(
        update(AssignmentRow)
        .where(
            AssignmentRow.organization_id == org_id,
            AssignmentRow.subject == subject,
            AssignmentRow.item_id == item_id,
            AssignmentRow.version == expected,
        )
        .values(**values, version=expected + 1)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def refresh(session: Session, row: AssignmentRow) -> AssignmentRow:
    session.refresh(row)
    return row
