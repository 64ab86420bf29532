"""Schedules, alert channels, deliveries and the freshness report as the API shows them."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints

from aisma.assurance.events import EventKind
from aisma.web.schemas import Input, Output

ScheduleKind = Literal["assess", "collect", "live", "freshness", "overdue", "evidence_expiry"]
Cron = Annotated[str, StringConstraints(min_length=9, max_length=200)]


class ScheduleIn(Input):
    kind: ScheduleKind = Field(
        description="assess (re-assess), collect (collectors over the uploaded evidence), live (refresh the "
        "live collectors configured for the organization), freshness (report and alert evidence near its max age), "
        "overdue (email each member their overdue items, once a day), "
        "evidence_expiry (remind of evidence files near or past their expiry date)."
    )
    cron: Cron = Field(description="Five fields, UTC: minute hour day-of-month month day-of-week, e.g. '0 6 * * *'.")
    enabled: bool = True
    collectors: list[Annotated[str, StringConstraints(min_length=1, max_length=100)]] | None = Field(
        default=None, max_length=100, description="collect/live: only these collector ids."
    )


class ScheduleOut(Output):
    id: int
    kind: str
    cron: str
    enabled: bool
    args: dict[str, Any]
    next_run_at: datetime
    last_run_at: datetime | None
    last_job_id: int | None
    created_by: str
    created_at: datetime


class ChannelIn(Input):
    kind: Literal["webhook", "email"]
    target: Annotated[str, StringConstraints(min_length=3, max_length=2000)] = Field(
        description="webhook: an https:// (or http://) URL, e.g. a Slack incoming webhook; email: an address."
    )
    events: list[EventKind] = Field(default_factory=list, max_length=10, description="Empty: every event.")
    enabled: bool = True


class ChannelOut(Output):
    id: int
    kind: str
    target: str
    events: list[str]
    enabled: bool
    created_by: str
    created_at: datetime


class ChannelCreated(ChannelOut):
    secret: str = Field(description="webhook: the HMAC-SHA256 signing key, shown once; verify X-Aisma-Signature.")


class DeliveryOut(Output):
    id: int
    channel_id: int
    events: list[str]
    status: Literal["pending", "delivered", "failed"]
    attempts: int
    last_status: int | None
    last_error: str
    log: list[dict[str, Any]]
    created_at: datetime
    delivered_at: datetime | None


class FreshnessOut(Output):
    objective: str
    metric: str
    observed_at: datetime
    max_age_days: int
    expires_at: datetime
    days_left: float = Field(description="Negative: already stale.")
    state: Literal["stale", "expiring"]
    tool: str
    file: str
