"""Evidence files as the API lists them (the bytes are downloaded separately)."""

from __future__ import annotations

from datetime import datetime

from aisma.web.schemas import Output


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
