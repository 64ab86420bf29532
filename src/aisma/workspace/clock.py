"""The time an assessment is made "as of": given explicitly, pinned by the workspace, or now.

A result is only reproducible when its time is: evidence ages (measurements past ``max_age_days``
go stale, attestations expire), so the same workspace assessed on two days can differ. ``as_of``
in aisma.yaml pins the time for every command that assesses the workspace (``aisma demo``,
``aisma assess`` in every format, ``aisma roadmap``, ``aisma evidence-pack``, ``aisma push``) and for
the team server after ``aisma server import``. An explicit ``--at`` (or the API's ``assessed_at``)
still wins, and ``--at now`` asks for the wall clock.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Literal

TimeBasis = Literal["at", "as_of", "now"]
TIME_BASES: tuple[str, ...] = ("at", "as_of", "now")


def utc_time(value: date | datetime) -> datetime:
    """An aware UTC datetime; a date is its midnight UTC, a naive datetime is taken as UTC (like ``--at``)."""
    if not isinstance(value, datetime):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


PIN_FORMAT = "an ISO date or date-time such as 2026-11-16 or 2026-11-16T09:00:00Z"


def parse_pin(value: object) -> datetime | None:
    """An ``as_of`` value (YAML date or datetime, or ISO text) as UTC; ValueError names the format."""
    if value is None:
        return None
    if isinstance(value, date):
        return utc_time(value)
    if isinstance(value, str):
        try:
            return utc_time(datetime.fromisoformat(value))
        except ValueError:
            pass
    raise ValueError(f"expected {PIN_FORMAT}")


def wall_clock() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def assessment_time(given: datetime | None, pinned: datetime | None) -> tuple[datetime, TimeBasis]:
    """The assessment time and where it came from: ``given`` wins, then the pin, then the wall clock."""
    if given is not None:
        return utc_time(given), "at"
    if pinned is not None:
        return utc_time(pinned), "as_of"
    return wall_clock(), "now"
