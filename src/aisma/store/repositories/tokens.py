"""API tokens: stored as sha256 only."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from aisma.store.tables import ApiToken


def add(session: Session, token: ApiToken) -> ApiToken:
    session.add(token)
    session.flush()
    return token


def get_by_hash(session: Session, token_hash: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))


def get(session: Session, org_id: int, token_id: int) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.organization_id == org_id, ApiToken.id == token_id))


def list_for_org(session: Session, org_id: int) -> Sequence[ApiToken]:
    return session.scalars(
        select(ApiToken).where(ApiToken.organization_id == org_id).order_by(ApiToken.created_at, ApiToken.id)
    ).all()


def touch(session: Session, token_id: int, at: datetime) -> None:
    """Record a use, never moving ``last_used_at`` backwards (several processes write it)."""
    session.execute(
        update(ApiToken)
        .where(ApiToken.id == token_id, or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < at))
        .values(last_used_at=at)
        .execution_options(synchronize_session=False)
    )
