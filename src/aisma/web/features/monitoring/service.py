"""Schedules, alert channels, the delivery log and the freshness monitor of one organization.

Schedules need ``RUN_ASSESSMENT`` (assessors and owners); alert channels hold signing secrets and
send the organization's data out, so only owners (``MANAGE_TOKENS``) manage them. ``notify`` records
one delivery per subscribed channel and one ``alerts.deliver`` job each, in the caller's transaction.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from aisma.assurance.events import Event, summary_text
from aisma.errors import AismaError
from aisma.server import jobs, schedules
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid, NotFound
from aisma.server.models import model_by_id
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import schedules as repo
from aisma.store.tables import AlertChannelRow, AlertDeliveryRow, ScheduleRow
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.measurements.service import current_measurements
from aisma.web.features.monitoring.schemas import (
    ChannelCreated,
    ChannelIn,
    ChannelOut,
    DeliveryOut,
    FreshnessOut,
    ScheduleIn,
    ScheduleOut,
)

DELIVER_JOB = "alerts.deliver"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _schedule_args(body: ScheduleIn) -> dict[str, Any]:
    return {"collectors": list(body.collectors)} if body.collectors else {}


def create_schedule(session: Session, actor: Actor, body: ScheduleIn) -> ScheduleOut:
    """The jobs act as ``actor``'s member later; the schedule needs what each job does, now (so a token
    without the push scope cannot schedule collector runs that store measurements)."""
    actor.require(Permission.RUN_ASSESSMENT)
    if body.kind in ("collect", "live"):
        actor.require(Permission.PUSH_MEASUREMENTS)
    try:
        cron = schedules.check_cron(body.cron)
    except AismaError as exc:
        raise Invalid("cron", exc.message) from None
    row = repo.add(
        session,
        ScheduleRow(
            organization_id=actor.org_id,
            kind=body.kind,
            cron=cron,
            args=_schedule_args(body),
            enabled=body.enabled,
            next_run_at=schedules.next_fire(cron, utcnow()),
            user_id=actor.user_id,
            created_by=actor.label,
            created_at=utcnow(),
        ),
    )
    audit.append(session, actor, "schedule.create", "schedule", row.id, None, {"kind": row.kind, "cron": cron})
    return ScheduleOut.model_validate(row)


def list_schedules(session: Session, actor: Actor) -> list[ScheduleOut]:
    actor.require(Permission.READ)
    return [ScheduleOut.model_validate(r) for r in repo.schedules_for(session, actor.org_id)]


def delete_schedule(session: Session, actor: Actor, schedule_id: int) -> None:
    actor.require(Permission.RUN_ASSESSMENT)
    row = repo.schedule(session, actor.org_id, schedule_id)
    if row is None:
        raise NotFound(f"schedule {schedule_id} not found")
    audit.append(session, actor, "schedule.delete", "schedule", row.id, {"kind": row.kind, "cron": row.cron}, None)
    session.delete(row)


def _check_target(body: ChannelIn) -> str:
    target = body.target.strip()
    if body.kind == "webhook":
        try:
            parts = urlsplit(target)
            host = parts.hostname
        except ValueError:  # e.g. an unclosed [IPv6 bracket
            host = None
        if not host or parts.scheme not in ("https", "http") or any(c in target for c in "\r\n "):
            raise Invalid("target", "a webhook needs an https:// (or http://) URL")
    elif not EMAIL.match(target) or any(c in target for c in "\r\n,;<>"):
        raise Invalid("target", "an email channel needs one address such as security@example.org")
    return target


def create_channel(session: Session, actor: Actor, body: ChannelIn) -> ChannelCreated:
    actor.require(Permission.MANAGE_TOKENS)
    row = repo.add(
        session,
        AlertChannelRow(
            organization_id=actor.org_id,
            kind=body.kind,
            target=_check_target(body),
            secret=secrets.token_urlsafe(32) if body.kind == "webhook" else "",
            events=list(dict.fromkeys(body.events)),
            enabled=body.enabled,
            created_by=actor.label,
            created_at=utcnow(),
        ),
    )
    audit.append(session, actor, "alerts.channel.create", "alert_channel", row.id, None, {"kind": row.kind})
    return ChannelCreated(**ChannelOut.model_validate(row).model_dump(), secret=row.secret)


def list_channels(session: Session, actor: Actor) -> list[ChannelOut]:
    actor.require(Permission.MANAGE_TOKENS)
    return [ChannelOut.model_validate(r) for r in repo.channels_for(session, actor.org_id)]


def delete_channel(session: Session, actor: Actor, channel_id: int) -> None:
    actor.require(Permission.MANAGE_TOKENS)
    row = repo.channel(session, actor.org_id, channel_id)
    if row is None:
        raise NotFound(f"alert channel {channel_id} not found")
    audit.append(session, actor, "alerts.channel.delete", "alert_channel", row.id, {"kind": row.kind}, None)
    session.delete(row)


def list_deliveries(session: Session, actor: Actor) -> list[DeliveryOut]:
    actor.require(Permission.MANAGE_TOKENS)
    return [DeliveryOut.model_validate(r) for r in repo.deliveries_for(session, actor.org_id)]


def freshness(session: Session, org_id: int, warn_days: int, now: datetime | None = None) -> list[FreshnessOut]:
    """Measurements (the latest per metric and file) within ``warn_days`` of their objective's max age, or past it."""
    now = now or utcnow()
    org = orgs_repo.get(session, org_id)
    if org is None:
        raise NotFound("organization not found")
    ages: dict[str, list[tuple[str, int]]] = {}
    for objective in model_by_id(org.model_id).objectives():
        m = objective.measurement
        if m.metric and m.max_age_days:
            ages.setdefault(m.metric, []).append((objective.id, m.max_age_days))
    out = []
    for measurement in current_measurements(session, org_id):
        for objective_id, max_age in ages.get(measurement.metric, []):
            expires = measurement.observed_at + timedelta(days=max_age)
            left = (expires - now).total_seconds() / 86400
            if left > warn_days:
                continue
            out.append(
                FreshnessOut(
                    objective=objective_id,
                    metric=measurement.metric,
                    observed_at=measurement.observed_at,
                    max_age_days=max_age,
                    expires_at=expires,
                    days_left=round(left, 2),
                    state="stale" if left < 0 else "expiring",
                    tool=measurement.source.tool,
                    file=measurement.source.file,
                )
            )
    return sorted(out, key=lambda f: (f.days_left, f.objective))


def freshness_report(session: Session, actor: Actor, warn_days: int) -> list[FreshnessOut]:
    actor.require(Permission.READ)
    return freshness(session, actor.org_id, warn_days)


def notify(session: Session, org_id: int, user_id: int, events: list[Event], context: dict[str, Any]) -> list[int]:
    """Record a delivery and its job for every enabled channel that subscribes to one of ``events``."""
    if not events:
        return []
    org = orgs_repo.get(session, org_id)
    name = org.name if org is not None else str(org_id)
    job_ids = []
    for channel in repo.channels_for(session, org_id):
        chosen = [e for e in events if not channel.events or e.kind in channel.events]
        if not channel.enabled or not chosen:
            continue
        text = summary_text(name, chosen)
        payload = {
            "text": text,
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": text[:2900]}}],
            "aisma": {
                "organization": {"slug": org.slug if org else "", "name": name},
                "events": [e.to_dict() for e in chosen],
                **context,
            },
        }
        delivery = repo.add(
            session,
            AlertDeliveryRow(
                organization_id=org_id,
                channel_id=channel.id,
                events=sorted({e.kind for e in chosen}),
                payload=payload,
                status="pending",
                attempts=0,
                last_error="",
                log=[],
                created_at=utcnow(),
            ),
        )
        job = jobs.enqueue(session, DELIVER_JOB, {"delivery": delivery.id}, org_id=org_id, user_id=user_id,
                           created_by="alerts")  # fmt: skip
        job_ids.append(job.id)
    return job_ids
