"""Helpers every repository shares: adding a row that a unique key may refuse, and typed DML results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from sqlalchemy import ColumnElement, CursorResult, Result, Select, func, literal, select, true, tuple_
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


def after(columns: Sequence[Any], key: Sequence[Any] | None, *, descending: bool = False) -> ColumnElement[bool]:
    """Keyset pagination: rows whose sort key comes after ``key`` (a row-value comparison, on both databases).

    ``columns`` are the ORDER BY columns (all ascending, or all descending); ``key`` their values for the
    last row of the previous page, or None for the first page.
    """
    if key is None:
        return true()
    left = tuple_(*columns)
    right = tuple_(*(literal(value, type_=column.type) for column, value in zip(columns, key, strict=True)))
    return left < right if descending else left > right


def count_of(session: Session, query: Select[Any]) -> int:
    """How many rows ``query`` selects (its ORDER BY dropped): the total a list page shows."""
    return int(session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0)
