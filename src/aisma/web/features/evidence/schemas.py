"""Evidence files as the API lists them (the bytes are downloaded separately), their revisions,
their dates, and what cites them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field

from aisma.web.schemas import Day, Input, Output, Timestamp


class EvidenceOut(Output):
    id: int
    sha256: str
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    revision: int = Field(default=1, description="The current revision's number (1: never replaced).")
    effective_on: date | None = Field(default=None, description="The day the current revision is in force from.")
    expires_on: date | None = Field(
        default=None, description="Its last day in force (None: it does not expire); after it, it stops counting."
    )
    expired: bool = Field(default=False, description="Today (UTC) is after expires_on.")

    @property
    def ref(self) -> str:
        """How an answer cites this file."""
        return f"evidence/{self.filename}"


class EvidenceRevisionOut(Output):
    revision: int
    sha256: str
    size: int
    uploaded_by: str
    uploaded_at: datetime
    effective_on: date | None
    expires_on: date | None
    current: bool = Field(description="The revision the file's record shows and answers citing its path use.")


class EvidenceDates(Input):
    """The current revision's dates; both given each time (null clears one)."""

    effective_on: Day | None = None
    expires_on: Day | None = None
    revision: int = Field(ge=1, le=2**31 - 1, description="The revision you saw (a newer upload is a 409).")


class CitingAnswer(Output):
    objective_id: str
    answer: str
    status: str
    version: int
    cites: str = Field(description="The reference in the answer: evidence/<file> or sha256:<hex>.")
    revision: int | None = Field(description="The revision a sha256 citation names (None: the current one).")


class CitingMeasurement(Output):
    id: int
    metric: str
    observed_at: datetime
    tool: str
    file: str
    sha256: str
    revision: int | None = Field(description="The revision whose bytes the collector read, when its hash is known.")


class CitedByOut(Output):
    evidence_id: int
    answers: list[CitingAnswer]
    measurements: list[CitingMeasurement]
    measurements_total: int = Field(description="All measurements that read the file (the list shows the newest).")


class CollectorRun(Input):
    collectors: list[str] | None = Field(
        default=None,
        max_length=100,
        description="Collector ids to run (default: every installed file collector).",
    )
    at: Timestamp | None = Field(default=None, description="The time collectors count windows back from; default now.")
