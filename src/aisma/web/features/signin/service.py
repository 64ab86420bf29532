"""Server-side login sessions: the cookie carries a random token, the database only its sha256.

Being server-side, a session can be revoked at once (logout, password change) on every worker.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from aisma.store.repositories import logins as repo
from aisma.store.repositories import users as users_repo
from aisma.store.tables import LoginSession, User
from aisma.store.types import utcnow


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewSession:
    token: str  # goes into the cookie; never stored
    csrf: str  # goes into forms and the X-CSRF-Token header


def create_session(session: Session, user: User, max_age_seconds: int) -> NewSession:
    """A new login session; expired ones (anyone's) are deleted on the way, so the table never fills up.

    Each server process also purges them every few minutes (``aisma.web.maintenance``).
    """
    purge_expired(session)
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    repo.add_session(
        session,
        LoginSession(
            id=token_hash(token),
            user_id=user.id,
            csrf_secret=csrf,
            created_at=now,
            expires_at=now + timedelta(seconds=max_age_seconds),
        ),
    )
    return NewSession(token, csrf)


def resolve_session(session: Session, token: str) -> tuple[User, str] | None:
    """The signed-in user and the session's CSRF secret, or None for an unknown or expired token."""
    if not token:
        return None
    row = repo.get_session(session, token_hash(token))
    if row is None or row.expires_at <= utcnow():
        return None
    user = users_repo.get(session, row.user_id)
    if user is None or not user.is_active:
        return None
    return user, row.csrf_secret


def revoke(session: Session, token: str) -> None:
    repo.delete_session(session, token_hash(token))


def revoke_all(session: Session, user_id: int) -> None:
    repo.delete_user_sessions(session, user_id)


def purge_expired(session: Session) -> int:
    return repo.delete_expired_sessions(session, utcnow())
