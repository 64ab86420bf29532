"""Stored assessment results (snapshots)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, load_only

from aisma.store.tables import AssessmentRow


def add(session: Session, row: AssessmentRow) -> AssessmentRow:
    session.add(row)
    session.flush()
    return row


def get(session: Session, org_id: int, assessment_id: int) -> AssessmentRow | None:
    return session.scalar(
        select(AssessmentRow).where(AssessmentRow.organization_id == org_id, AssessmentRow.id == assessment_id)
    )


def latest(session: Session, org_id: int) -> AssessmentRow | None:
    return session.scalar(
        select(AssessmentRow)
        .where(AssessmentRow.organization_id == org_id)
        .order_by(AssessmentRow.assessed_at.desc(), AssessmentRow.id.desc())
        .limit(1)
    )


def list_for_org(
    session: Session, org_id: int, with_result: bool = False, with_summary: bool = False
) -> Sequence[AssessmentRow]:
    """Newest first; without the (large) result document unless asked for."""
    query: Any = select(AssessmentRow).where(AssessmentRow.organization_id == org_id)
    if not with_result:
        extra = [AssessmentRow.summary] if with_summary else []
        query = query.options(
            load_only(
                *extra,
                AssessmentRow.id,
                AssessmentRow.assessed_at,
                AssessmentRow.model_id,
                AssessmentRow.model_version,
                AssessmentRow.level,
                AssessmentRow.score,
                AssessmentRow.evidenced_level,
                AssessmentRow.created_by,
                AssessmentRow.created_at,
                raiseload=True,
            )
        )
    return session.scalars(query.order_by(AssessmentRow.assessed_at.desc(), AssessmentRow.id.desc())).all()
