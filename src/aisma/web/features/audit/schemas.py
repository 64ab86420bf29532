"""The audit trail as the API reads it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aisma.web.schemas import Output


class AuditOut(Output):
    seq: int
    actor: str
    at: datetime
    action: str
    entity: str
    entity_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    hash: str
