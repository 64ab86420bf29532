"""Helpers every repository shares: adding a row that a unique key may refuse, and typed DML results."""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy import CursorResult, Result
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session


def rowcount(result: Result[Any]) -> int:
    """Rows an UPDATE/DELETE matched (``Session.execute`` is typed as a plain Result)."""
    return int(cast(CursorResult[Any], result).rowcount)


def add_unless_taken(session: Session, row: object) -> bool:
    """Add (or update) ``row`` in a savepoint; False when a unique key refuses it.

    Concurrent requests creating the same thing race to the unique key; the loser's savepoint rolls
    back alone, so its transaction stays usable and the service can answer with a clean conflict.
    """
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        return False
    return True
