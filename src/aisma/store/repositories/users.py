"""User accounts (global; organizations are joined through memberships)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken
from aisma.store.tables import User


def get(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == email.strip().lower()))


def get_by_oidc_subject(session: Session, subject: str) -> User | None:
    return session.scalar(select(User).where(User.oidc_subject == subject))


def insert(session: Session, user: User) -> bool:
    """Insert; False when the email (or OIDC subject) is taken, e.g. by a concurrent request."""
    return add_unless_taken(session, user)


def count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(User)) or 0


def first_admin(session: Session) -> User | None:
    """The earliest active server administrator (the account the first ``aisma serve`` created)."""
    return session.scalar(
        select(User).where(User.is_admin.is_(True), User.is_active.is_(True)).order_by(User.id).limit(1)
    )


def list_all(session: Session) -> Sequence[User]:
    """Every account, by email (server administration)."""
    return session.scalars(select(User).order_by(User.email)).all()
