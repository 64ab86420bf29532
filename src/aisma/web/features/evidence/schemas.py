"""Evidence files as the API lists them (the bytes are downloaded separately)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from aisma.web.schemas import Input, Output, Timestamp


class EvidenceOut(Output):
    id: int
    sha256: str
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: datetime

    @property
    def ref(self) -> str:
        """How an answer cites this file."""
        return f"evidence/{self.filename}"


class CollectorRun(Input):
    collectors: list[str] | None = Field(
        default=None,
        max_length=100,
        description="Collector ids to run (default: every installed file collector).",
    )
    at: Timestamp | None = Field(default=None, description="The time collectors count windows back from; default now.")
