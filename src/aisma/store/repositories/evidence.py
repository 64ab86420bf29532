"""Evidence file records (the bytes are on disk, see ``aisma.web.features.evidence.service``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken, after, count_of
from aisma.store.tables import EvidenceFile, EvidenceRevisionRow


def list_for_org(session: Session, org_id: int) -> Sequence[EvidenceFile]:
    return session.scalars(
        select(EvidenceFile).where(EvidenceFile.organization_id == org_id).order_by(EvidenceFile.filename)
    ).all()


def page(session: Session, org_id: int, key: Sequence[Any] | None, limit: int) -> Sequence[EvidenceFile]:
    """``limit + 1`` files by name after ``key`` (filename)."""
    return session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.organization_id == org_id, after((EvidenceFile.filename,), key))
        .order_by(EvidenceFile.filename)
        .limit(limit + 1)
    ).all()


def count(session: Session, org_id: int) -> int:
    return count_of(session, select(EvidenceFile).where(EvidenceFile.organization_id == org_id))


def get(session: Session, org_id: int, evidence_id: int) -> EvidenceFile | None:
    return session.scalar(
        select(EvidenceFile).where(EvidenceFile.organization_id == org_id, EvidenceFile.id == evidence_id)
    )


def get_by_filename(session: Session, org_id: int, filename: str, *, lock: bool = False) -> EvidenceFile | None:
    """``lock``: hold the row until the transaction ends (PostgreSQL), so two new versions of one file
    number their revisions one after the other; SQLite's write transactions are serial already."""
    query = select(EvidenceFile).where(EvidenceFile.organization_id == org_id, EvidenceFile.filename == filename)
    if lock:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.scalar(query)


def get_by_sha256(session: Session, org_id: int, sha256: str) -> EvidenceFile | None:
    return session.scalar(
        select(EvidenceFile)
        .where(EvidenceFile.organization_id == org_id, EvidenceFile.sha256 == sha256)
        .order_by(EvidenceFile.id)
        .limit(1)
    )


def save(session: Session, row: EvidenceFile) -> bool:
    """Insert or update; False when a new row's filename was taken meanwhile (a concurrent upload)."""
    return add_unless_taken(session, row)


def add_revision(session: Session, row: EvidenceRevisionRow) -> bool:
    """False when that revision number was taken meanwhile (a concurrent upload of the same file)."""
    return add_unless_taken(session, row)


def revisions(session: Session, org_id: int, evidence_id: int) -> Sequence[EvidenceRevisionRow]:
    """Oldest first."""
    return session.scalars(
        select(EvidenceRevisionRow)
        .where(EvidenceRevisionRow.organization_id == org_id, EvidenceRevisionRow.evidence_id == evidence_id)
        .order_by(EvidenceRevisionRow.revision)
    ).all()


def revision(session: Session, org_id: int, evidence_id: int, number: int) -> EvidenceRevisionRow | None:
    return session.scalar(
        select(EvidenceRevisionRow).where(
            EvidenceRevisionRow.organization_id == org_id,
            EvidenceRevisionRow.evidence_id == evidence_id,
            EvidenceRevisionRow.revision == number,
        )
    )


def all_revisions(session: Session, org_id: int) -> Sequence[EvidenceRevisionRow]:
    """Every revision of the organization's files, by file and number."""
    return session.scalars(
        select(EvidenceRevisionRow)
        .where(EvidenceRevisionRow.organization_id == org_id)
        .order_by(EvidenceRevisionRow.evidence_id, EvidenceRevisionRow.revision)
    ).all()


def with_expiry(session: Session, org_id: int) -> Sequence[EvidenceFile]:
    """Files whose current revision has an expiry date, soonest first."""
    return session.scalars(
        select(EvidenceFile)
        .where(EvidenceFile.organization_id == org_id, EvidenceFile.expires_on.is_not(None))
        .order_by(EvidenceFile.expires_on, EvidenceFile.filename)
    ).all()
