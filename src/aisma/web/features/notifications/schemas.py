"""Notifications as the API reads them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from aisma.web.schemas import Output

NotificationKind = Literal["assigned", "returned", "mention", "overdue"]
NotificationStatus = Literal["pending", "sent", "failed", "not_sent"]
KINDS: tuple[str, ...] = ("assigned", "returned", "mention", "overdue")
STATUSES: tuple[str, ...] = ("pending", "sent", "failed", "not_sent")


class NotificationOut(Output):
    id: int
    kind: NotificationKind
    email: str = Field(description="Where it was sent.")
    subject: str
    body: str = Field(description="The email's text, as sent.")
    link: str = Field(description="The page it is about (a path on this server).")
    day: date | None = Field(description="An overdue digest's day (one a day per member and organization).")
    status: NotificationStatus = Field(
        description="pending, sent, failed (after its retries), or not_sent (the server has no SMTP settings)."
    )
    attempts: int
    last_error: str
    created_at: datetime
    sent_at: datetime | None
