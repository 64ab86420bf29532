"""How every output names the time its figures hold for: "As of 2026-11-16 09:00 UTC (pinned by as_of
in aisma.yaml)".

Defined once, below the reports and the frameworks, because each of them opens with this line: an
auditor comparing a report, a workbook and a framework posture must read the same words for the
same time and see whether it was pinned, asked for, or simply when the command ran.
"""

from __future__ import annotations

from datetime import UTC, datetime

TIME_BASIS_TEXT = {
    "as_of": "pinned by as_of in aisma.yaml",
    "at": "the time asked for",
    "now": "the time it ran",
}


def as_of_text(assessed_at: str) -> str:
    """ "2026-11-16 09:00 UTC"; text that is not an ISO time is shown as it is."""
    try:
        when = datetime.fromisoformat(assessed_at).astimezone(UTC)
    except ValueError:
        return assessed_at
    return when.strftime("%Y-%m-%d %H:%M UTC")


def as_of_line(assessed_at: str, time_basis: str | None) -> str:
    """ "As of 2026-11-16 09:00 UTC (pinned by as_of in aisma.yaml)"; no parenthesis for an unknown basis."""
    basis = TIME_BASIS_TEXT.get(time_basis or "")
    return f"As of {as_of_text(assessed_at)}" + (f" ({basis})" if basis else "")
