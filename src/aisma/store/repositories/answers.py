"""Answers. Updates are one ``UPDATE ... WHERE version = :expected``: a concurrent writer can never be lost."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken, rowcount
from aisma.store.tables import AnswerRow


def list_for_org(session: Session, org_id: int) -> Sequence[AnswerRow]:
    return session.scalars(
        select(AnswerRow).where(AnswerRow.organization_id == org_id).order_by(AnswerRow.objective_id)
    ).all()


def get(session: Session, org_id: int, objective_id: str) -> AnswerRow | None:
    return session.scalar(
        select(AnswerRow).where(AnswerRow.organization_id == org_id, AnswerRow.objective_id == objective_id)
    )


def insert(session: Session, row: AnswerRow) -> bool:
    """Insert a new answer; False when another writer created it first (the unique key caught it)."""
    return add_unless_taken(session, row)


def update_if_version(session: Session, org_id: int, objective_id: str, expected: int, values: dict[str, Any]) -> bool:
    """Apply ``values`` and bump the version only if the stored version is ``expected``."""
    return _set_at_version(session, org_id, objective_id, expected, {**values, "version": expected + 1})


def review_if_version(session: Session, org_id: int, objective_id: str, expected: int, values: dict[str, Any]) -> bool:
    """Record an evidence review only if the answer is still at version ``expected`` (the one reviewed).

    The version is not bumped: a review is about the answer, not a change of it.
    """
    return _set_at_version(session, org_id, objective_id, expected, values)


def set_status_if_version(
    session: Session, org_id: int, objective_id: str, expected: int, values: dict[str, Any]
) -> bool:
    """Move the answer along its life cycle only if it is still at version ``expected`` (no version bump)."""
    return _set_at_version(session, org_id, objective_id, expected, values)


def with_status(session: Session, org_id: int, statuses: Sequence[str]) -> Sequence[AnswerRow]:
    """The organization's answers in any of ``statuses``, by objective id (a review queue)."""
    return session.scalars(
        select(AnswerRow)
        .where(AnswerRow.organization_id == org_id, AnswerRow.status.in_(list(statuses)))
        .order_by(AnswerRow.objective_id)
    ).all()


def _set_at_version(session: Session, org_id: int, objective_id: str, expected: int, values: dict[str, Any]) -> bool:
    """One ``UPDATE ... WHERE version = :expected``: True when the row was still at that version."""
    result = session.execute(
        update(AnswerRow)
        .where(
            AnswerRow.organization_id == org_id,
            AnswerRow.objective_id == objective_id,
            AnswerRow.version == expected,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def refresh(session: Session, row: AnswerRow) -> AnswerRow:
    session.refresh(row)
    return row
