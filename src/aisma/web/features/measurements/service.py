"""Measurements pushed by collectors that run at the edge (``aisma push``) or at import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from aisma.scoring.inputs import MAX_DETAILS, Measurement, Source
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid
from aisma.store.repositories import measurements as repo
from aisma.store.tables import MeasurementRow
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.measurements.schemas import MeasurementIn, MeasurementOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows
from aisma.yamlfile import dotted, first_error, plain_message

MAX_PER_PUSH = 10_000


def push(session: Session, actor: Actor, items: Iterable[MeasurementIn | Mapping[str, Any]]) -> int:
    """Validate (push form dicts; the API hands over validated ones) and store measurements; all or nothing."""
    actor.require(Permission.PUSH_MEASUREMENTS)
    rows: list[MeasurementRow] = []
    now = utcnow()
    for index, item in enumerate(items):
        if index >= MAX_PER_PUSH:
            raise Invalid("measurements", f"at most {MAX_PER_PUSH} per push")
        try:
            m = item if isinstance(item, MeasurementIn) else MeasurementIn.model_validate(item)
        except ValidationError as exc:
            error = first_error(exc)
            field = f"measurements[{index}].{dotted(tuple(error['loc']))}".rstrip(".")
            raise Invalid(field, plain_message(error)) from None
        if m.value is None and (m.numerator is None or m.denominator is None):
            raise Invalid(f"measurements[{index}]", "needs value, or numerator and denominator")
        rows.append(
            MeasurementRow(
                organization_id=actor.org_id,
                metric=m.metric,
                numerator=m.numerator,
                denominator=m.denominator,
                value=m.value,
                observed_at=m.observed_at,
                provenance=m.provenance.model_dump(),
                details=list(m.details[:MAX_DETAILS]),
                population=sorted(set(m.population)) if m.population is not None else None,
                covered=sorted(set(m.covered)) if m.covered is not None else None,
                pushed_by=actor.label,
                pushed_at=now,
            )
        )
    repo.add_all(session, rows)
    tools = sorted({row.provenance["tool"] for row in rows})
    audit.append(
        session,
        actor,
        "measurements.push",
        "measurements",
        ",".join(tools) or "-",
        None,
        {"count": len(rows), "tools": tools},
    )
    return len(rows)


def list_measurements(session: Session, actor: Actor, limit: int | None = 1000) -> list[MeasurementOut]:
    actor.require(Permission.READ)
    return [MeasurementOut.model_validate(row) for row in repo.list_for_org(session, actor.org_id, limit)]


def measurements_page(
    session: Session, actor: Actor, page: PageRequest, metric: str | None = None
) -> Page[MeasurementOut]:
    """One page of the stored measurements (of one metric, when given), newest first (keyset on
    observed_at and id), with how many there are in all."""
    actor.require(Permission.READ)
    key = checked_key(page, str, int)
    if key is not None:
        try:
            key = (datetime.fromisoformat(key[0]), key[1])
        except ValueError:
            raise Invalid("cursor", "not a cursor this server handed out; start again without it") from None
    rows = repo.page(session, actor.org_id, key, page.limit, metric)
    found = from_rows(rows, page.limit, lambda row: (row.observed_at.isoformat(), row.id))
    items = [MeasurementOut.model_validate(row) for row in found.items]
    return Page(items, found.next_key, repo.count(session, actor.org_id, metric))


def measurements_window(
    session: Session, actor: Actor, offset: int, limit: int | None, metric: str | None = None
) -> list[MeasurementOut]:
    """The measurements (of ``metric``) from ``offset`` on, newest first: a list page, or an export."""
    actor.require(Permission.READ)
    return [MeasurementOut.model_validate(row) for row in repo.window(session, actor.org_id, offset, limit, metric)]


def count_measurements(session: Session, actor: Actor, metric: str | None = None) -> int:
    actor.require(Permission.READ)
    return repo.count(session, actor.org_id, metric)


def metric_names(session: Session, actor: Actor) -> list[str]:
    actor.require(Permission.READ)
    return repo.metrics(session, actor.org_id)


def current_measurements(session: Session, org_id: int) -> tuple[Measurement, ...]:
    """The latest measurement per (metric, tool, file): what a collection run over the evidence would give.

    Older pushes of the same metric from the same file are history, not extra evidence.
    """
    seen: set[tuple[str, str, str]] = set()
    out: list[Measurement] = []
    for row in repo.list_for_org(session, org_id):  # newest first
        key = (row.metric, str(row.provenance.get("tool", "")), str(row.provenance.get("file", "")))
        if key in seen:
            continue
        seen.add(key)
        out.append(
            Measurement(
                metric=row.metric,
                observed_at=row.observed_at,
                numerator=row.numerator,
                denominator=row.denominator,
                value=row.value,
                source=Source(
                    tool=str(row.provenance.get("tool", "unknown")),
                    version=str(row.provenance.get("version", "")),
                    file=str(row.provenance.get("file", "")),
                    sha256=str(row.provenance.get("sha256", "")),
                ),
                details=tuple(row.details),
                population=tuple(str(i) for i in row.population) if row.population is not None else None,
                covered=tuple(str(i) for i in row.covered) if row.covered is not None else None,
            )
        )
    out.sort(key=lambda m: (m.metric, m.source.tool, m.source.file))
    return tuple(out)
