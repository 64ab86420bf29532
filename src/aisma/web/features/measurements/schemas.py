"""What collectors at the edge push (measurements, observed AI assets) and what the API reads back."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, StringConstraints, model_validator

from aisma.scoring.inputs import MAX_ENTITIES
from aisma.web.schemas import MAX_INT, Input, Output, ShortText, Timestamp

EntityId = Annotated[str, StringConstraints(min_length=1, max_length=1000)]


class ProvenanceIn(Input):
    tool: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    version: Annotated[str, StringConstraints(max_length=100)] = ""
    file: ShortText = ""
    sha256: Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{64})?$")] = ""


class MeasurementIn(Input):
    metric: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}$")]
    observed_at: Timestamp
    numerator: float | None = None
    denominator: float | None = Field(default=None, ge=0)
    value: float | None = None
    provenance: ProvenanceIn = Field(description="Where the number came from: tool, version, file, sha256.")
    details: list[ShortText] = Field(default_factory=list, max_length=200, description="Failing items (20 kept).")
    population: list[EntityId] | None = Field(
        default=None,
        max_length=MAX_ENTITIES,
        description="Ids of the entities the denominator counts (with covered: merged as a union across tools).",
    )
    covered: list[EntityId] | None = Field(
        default=None,
        max_length=MAX_ENTITIES,
        description="Ids of the entities the numerator counts (a subset of population).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> MeasurementIn:
        if (self.population is None) != (self.covered is None):
            raise ValueError("population and covered come together (or neither)")
        if self.population is not None and self.covered is not None:
            if not set(self.covered) <= set(self.population):
                raise ValueError("covered must be a subset of population")
            counts = (len(set(self.covered)), len(set(self.population)))
            if (self.numerator, self.denominator) != (float(counts[0]), float(counts[1])):
                raise ValueError("numerator and denominator must count covered and population")
        return self


class MeasurementPush(Input):
    measurements: list[MeasurementIn] = Field(min_length=1, max_length=10_000)


class ObservedAssetIn(Input):
    kind: Literal["model", "agent", "endpoint", "mcp_server"]
    identifier: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    tool: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    file: ShortText = ""
    count: int = Field(default=1, ge=1, le=MAX_INT)
    seen_with: list[ShortText] = Field(default_factory=list, max_length=50)
    last_seen: Timestamp | None = None


class ObservedPush(Input):
    source: Annotated[str, StringConstraints(min_length=1, max_length=400)] | None = Field(
        default=None, description="Whose assets these replace (default: the pushing user)."
    )
    observed: list[ObservedAssetIn] = Field(max_length=10_000)


class ObservedAssetOut(Output):
    id: int
    source: str
    kind: str
    identifier: str
    tool: str
    file: str
    count: int
    seen_with: list[Any]
    last_seen: datetime | None
    pushed_by: str
    pushed_at: datetime


class PushAccepted(BaseModel):
    accepted: int


class MeasurementOut(Output):
    id: int
    metric: str
    numerator: float | None
    denominator: float | None
    value: float | None
    observed_at: datetime
    provenance: dict[str, Any]
    details: list[Any]
    population: list[Any] | None = None
    covered: list[Any] | None = None
    pushed_by: str
    pushed_at: datetime
