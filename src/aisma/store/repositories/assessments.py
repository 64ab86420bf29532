"""Stored assessment results (snapshots)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import Session

from aisma.store.tables import AssessmentResult, AssessmentRow


def add(session: Session, row: AssessmentRow, result: dict[str, Any]) -> AssessmentRow:
    """Store the assessment's row and, apart from it, its result document."""
    session.add(row)
    session.flush()
    session.add(AssessmentResult(assessment_id=row.id, result=result))
    session.flush()
    return row


def result_of(session: Session, assessment_id: int) -> dict[str, Any]:
    stored = session.get(AssessmentResult, assessment_id)
    return stored.result if stored is not None else {}


def result_text_of(session: Session, assessment_id: int) -> str | None:
    """The stored result document as the JSON text the database holds, not parsed.

    Serving a multi-megabyte result parsed and serialized again costs tens of milliseconds per
    request; the stored text is already the document, and a snapshot never changes once stored.
    """
    return session.scalar(
        select(cast(AssessmentResult.result, Text)).where(AssessmentResult.assessment_id == assessment_id)
    )


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


def list_for_org(session: Session, org_id: int) -> Sequence[AssessmentRow]:
    """Newest first (small rows: the result documents are in ``assessment_results``)."""
    return session.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.organization_id == org_id)
        .order_by(AssessmentRow.assessed_at.desc(), AssessmentRow.id.desc())
    ).all()
