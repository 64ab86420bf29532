"""Login rate limiting kept in the database, so every stateless worker counts the same failures.

The key is chosen by the caller: typically ``"ip:<address>"`` and ``"email:<address>"``, checked
separately so neither one address nor one account can be hammered.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from aisma.store.repositories import logins as repo
from aisma.store.types import utcnow

DEFAULT_MAX_FAILURES = 5
DEFAULT_WINDOW_SECONDS = 15 * 60


def check_login_allowed(
    session: Session, key: str, max_failures: int = DEFAULT_MAX_FAILURES, window_seconds: int = DEFAULT_WINDOW_SECONDS
) -> bool:
    """False once ``key`` has failed ``max_failures`` times within the last ``window_seconds``."""
    since = utcnow() - timedelta(seconds=window_seconds)
    return repo.count_attempts(session, key, since) < max_failures


def record_failure(session: Session, key: str) -> None:
    repo.add_attempt(session, key, utcnow())


def record_success(session: Session, key: str) -> None:
    repo.clear_attempts(session, key)


def purge(session: Session, window_seconds: int = DEFAULT_WINDOW_SECONDS) -> None:
    repo.purge_attempts(session, utcnow() - timedelta(seconds=window_seconds))
