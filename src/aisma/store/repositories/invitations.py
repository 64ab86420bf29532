"""Invitations: looked up by the sha256 of the link's token, listed per organization."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from aisma.store.repositories._result import rowcount
from aisma.store.tables import InvitationRow


def add(session: Session, row: InvitationRow) -> InvitationRow:
    session.add(row)
    session.flush()
    return row


def get(session: Session, org_id: int, invitation_id: int) -> InvitationRow | None:
    return session.scalar(
        select(InvitationRow).where(InvitationRow.organization_id == org_id, InvitationRow.id == invitation_id)
    )


def get_by_hash(session: Session, token_hash: str) -> InvitationRow | None:
    return session.scalar(select(InvitationRow).where(InvitationRow.token_hash == token_hash))


def list_for_org(session: Session, org_id: int) -> Sequence[InvitationRow]:
    return session.scalars(
        select(InvitationRow)
        .where(InvitationRow.organization_id == org_id)
        .order_by(InvitationRow.created_at.desc(), InvitationRow.id.desc())
    ).all()


def open_for_email(session: Session, org_id: int, email: str, now: datetime) -> Sequence[InvitationRow]:
    """The organization's invitations of ``email`` that could still be accepted."""
    return session.scalars(
        select(InvitationRow).where(
            InvitationRow.organization_id == org_id,
            InvitationRow.email == email,
            InvitationRow.accepted_at.is_(None),
            InvitationRow.revoked_at.is_(None),
            InvitationRow.expires_at > now,
        )
    ).all()


def mark_accepted(session: Session, invitation_id: int, email: str, now: datetime) -> bool:
    """Use the invitation up; False when another request used, revoked or outlived it first."""
    result = session.execute(
        update(InvitationRow)
        .where(
            InvitationRow.id == invitation_id,
            InvitationRow.accepted_at.is_(None),
            InvitationRow.revoked_at.is_(None),
            InvitationRow.expires_at > now,
        )
        .values(accepted_at=now, accepted_by=email)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1


def mark_revoked(session: Session, invitation_id: int, now: datetime) -> bool:
    result = session.execute(
        update(InvitationRow)
        .where(
            InvitationRow.id == invitation_id,
            InvitationRow.accepted_at.is_(None),
            InvitationRow.revoked_at.is_(None),
        )
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    return rowcount(result) == 1
