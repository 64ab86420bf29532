"""Measurements pushed by collectors that run at the edge (``aisma push``) or at import."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from sqlalchemy.orm import Session

from aisma.scoring.inputs import MAX_DETAILS, MAX_ENTITIES, Measurement, Source
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid
from aisma.store.repositories import measurements as repo
from aisma.store.tables import MeasurementRow
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.yamlfile import dotted, first_error, plain_message

MAX_PER_PUSH = 10_000


class Provenance(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: str = Field(min_length=1, max_length=200)
    version: str = Field(default="", max_length=100)
    file: str = Field(default="", max_length=1000)
    sha256: str = Field(default="", pattern=r"^([0-9a-f]{64})?$")


class MeasurementIn(BaseModel):
    """One pushed measurement: a ratio (numerator/denominator) or a value, with where it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str = Field(min_length=1, max_length=200)
    observed_at: datetime
    numerator: float | None = None
    denominator: float | None = Field(default=None, ge=0)
    value: float | None = None
    provenance: Provenance
    details: tuple[str, ...] = ()
    # The entity ids behind denominator and numerator: parts that all carry them merge as a union.
    population: tuple[str, ...] | None = Field(default=None, max_length=MAX_ENTITIES)
    covered: tuple[str, ...] | None = Field(default=None, max_length=MAX_ENTITIES)

    @field_validator("observed_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.tzinfo is None:
            raise ValueError("must include a time zone (e.g. 2026-11-16T09:00:00Z)")
        return value

    @field_validator("population", "covered")
    @classmethod
    def _short_ids(cls, value: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if value is not None and any(not 0 < len(item) <= 1000 for item in value):
            raise ValueError("each id must be 1 to 1000 characters")
        return value

    @model_validator(mode="after")
    def _entities_agree(self) -> MeasurementIn:
        if (self.population is None) != (self.covered is None):
            raise ValueError("population and covered come together (or neither)")
        if self.population is not None and self.covered is not None:
            if not set(self.covered) <= set(self.population):
                raise ValueError("covered must be a subset of population")
            counts = (len(set(self.covered)), len(set(self.population)))
            if (self.numerator, self.denominator) != (float(counts[0]), float(counts[1])):
                raise ValueError("numerator and denominator must count covered and population")
        return self


def measurement_to_dict(measurement: Measurement) -> dict[str, Any]:
    """The push form of a collector's measurement (what ``aisma push`` sends)."""
    return {
        "metric": measurement.metric,
        "observed_at": measurement.observed_at.isoformat(),
        "numerator": measurement.numerator,
        "denominator": measurement.denominator,
        "value": measurement.value,
        "provenance": {
            "tool": measurement.source.tool,
            "version": measurement.source.version,
            "file": measurement.source.file,
            "sha256": measurement.source.sha256,
        },
        "details": list(measurement.details),
        "population": list(measurement.population) if measurement.population is not None else None,
        "covered": list(measurement.covered) if measurement.covered is not None else None,
    }


def push(session: Session, actor: Actor, items: Iterable[Mapping[str, Any]]) -> int:
    """Validate and store measurements; all or nothing. Returns how many were stored."""
    actor.require(Permission.PUSH_MEASUREMENTS)
    rows: list[MeasurementRow] = []
    now = utcnow()
    for index, item in enumerate(items):
        if index >= MAX_PER_PUSH:
            raise Invalid("measurements", f"at most {MAX_PER_PUSH} per push")
        try:
            m = MeasurementIn.model_validate(item)
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


def list_measurements(session: Session, actor: Actor, limit: int | None = 1000) -> list[MeasurementRow]:
    actor.require(Permission.READ)
    return list(repo.list_for_org(session, actor.org_id, limit))


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
