"""Login sessions and failed login attempts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import rowcount
from aisma.store.tables import LoginAttempt, LoginSession


def add_session(session: Session, row: LoginSession) -> None:
    session.add(row)
    session.flush()


def get_session(session: Session, id_hash: str) -> LoginSession | None:
    return session.get(LoginSession, id_hash)


def delete_session(session: Session, id_hash: str) -> None:
    session.execute(delete(LoginSession).where(LoginSession.id == id_hash))


def delete_user_sessions(session: Session, user_id: int) -> None:
    session.execute(delete(LoginSession).where(LoginSession.user_id == user_id))


def delete_expired_sessions(session: Session, now: datetime) -> int:
    return rowcount(session.execute(delete(LoginSession).where(LoginSession.expires_at <= now)))


def add_attempt(session: Session, key: str, at: datetime) -> None:
    session.add(LoginAttempt(key=key, attempted_at=at))
    session.flush()


def count_attempts(session: Session, key: str, since: datetime) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(LoginAttempt)
            .where(LoginAttempt.key == key, LoginAttempt.attempted_at > since)
        )
        or 0
    )


def clear_attempts(session: Session, key: str) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.key == key))


def purge_attempts(session: Session, before: datetime) -> None:
    session.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at <= before))
