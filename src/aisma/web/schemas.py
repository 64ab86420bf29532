"""Request and response bodies of the REST API: the OpenAPI document is generated from these.

Inputs are strict (``extra="forbid"``) and refuse what a database would choke on - NUL characters,
NaN/Infinity, integers past 32 bits - so a bad request is a 422, never a 500 from the driver.
Outputs are built from store rows inside the request's transaction (``from_attributes``).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, field_validator

from aisma.scoring.inputs import AnswerWord

MAX_INT = 2**31 - 1
# Identifiers as they appear in a URL: objective ids (MCP-2.1), system ids, organization slugs.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,62}$"

Version = Annotated[int, Field(ge=1, le=MAX_INT, description="The record's version (optimistic concurrency).")]
ShortText = Annotated[str, StringConstraints(max_length=1000)]
LongText = Annotated[str, StringConstraints(max_length=20_000)]
Role = Literal["owner", "assessor", "contributor", "viewer"]
Scope = Literal["read", "write", "push", "admin"]


def _reject_nul(value: Any) -> Any:
    """NUL cannot be stored in PostgreSQL text or JSON; refusing it keeps both databases alike."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
    elif isinstance(value, dict):
        for key, item in value.items():
            _reject_nul(key)
            _reject_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _reject_nul(item)
    elif isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        raise ValueError("integers must be within +-2**53")
    return value


class Input(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    @field_validator("*", mode="after")
    @classmethod
    def _storable(cls, value: Any) -> Any:
        return _reject_nul(value)


class Output(BaseModel):
    model_config = ConfigDict(from_attributes=True)


# --- organizations and models ---------------------------------------------------------------


class ModelInfo(Output):
    id: str
    origin: str


class MeOut(BaseModel):
    email: str
    via: Literal["session", "token"]
    organization: str | None = Field(default=None, description="A token's organization.")
    scopes: list[str] = Field(default_factory=list)
    csrf_token: str | None = Field(
        default=None, description="Send as X-CSRF-Token on state-changing calls made with the session cookie."
    )


class OrganizationOut(Output):
    slug: str
    name: str
    model_id: str
    role: Role


class OrganizationDetail(OrganizationOut):
    settings: dict[str, Any] = Field(description="The aisma.yaml content: model, targets, collectors.")


class OrganizationUpdate(Input):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)] | None = None
    settings: dict[str, Any] | None = Field(default=None, description="Replaces the aisma.yaml content.")


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


# --- inventory ------------------------------------------------------------------------------


class SystemOut(Output):
    system_id: str
    document: dict[str, Any] = Field(description="One AI system as in inventory.yaml.")
    version: int
    updated_by: str
    updated_at: datetime


class SystemCreate(Input):
    document: dict[str, Any] = Field(description="One AI system as in inventory.yaml (its id included).")


class SystemUpdate(Input):
    document: dict[str, Any]
    version: Version


class StaleSystem(BaseModel):
    detail: str
    current: SystemOut | None = Field(description="What is stored now (null if it was deleted).")


# --- answers --------------------------------------------------------------------------------


class AnswerOut(Output):
    objective_id: str
    answer: AnswerWord
    note: str
    justification: str
    evidence: list[Any]
    answered_by: str
    answered_at: datetime | None
    expires: date | None
    version: int


class WorkbookChangeOut(Output):
    objective_id: str
    row: int = Field(description="The workbook row (sheet objectives) the change comes from.")
    fields: list[list[str]] = Field(description="[field, old value, new value] for every field that differs.")
    summary: str


class WorkbookImportOut(Output):
    applied: bool = Field(description="False on a dry run (or when nothing changed): nothing was saved.")
    changes: list[WorkbookChangeOut]


class AnswerIn(Input):
    answer: AnswerWord
    note: LongText = ""
    justification: LongText = ""
    evidence: list[ShortText] = Field(
        default_factory=list, max_length=200, description="Evidence paths, URLs or sha256 of uploaded files."
    )
    expires: date | None = None
    version: Version | None = Field(
        default=None, description="The version you read; omit (null) only to create the first answer."
    )


class StaleAnswer(BaseModel):
    detail: str
    current: AnswerOut | None = Field(description="What is stored now (null if it was deleted).")


# --- evidence and measurements --------------------------------------------------------------


class EvidenceOut(Output):
    id: int
    sha256: str
    filename: str
    size: int
    uploaded_by: str
    uploaded_at: datetime


class ProvenanceIn(Input):
    tool: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    version: Annotated[str, StringConstraints(max_length=100)] = ""
    file: ShortText = ""
    sha256: Annotated[str, StringConstraints(pattern=r"^([0-9a-f]{64})?$")] = ""


class MeasurementIn(Input):
    metric: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,199}$")]
    observed_at: AwareDatetime
    numerator: float | None = None
    denominator: float | None = None
    value: float | None = None
    provenance: ProvenanceIn = Field(description="Where the number came from: tool, version, file, sha256.")
    details: list[ShortText] = Field(default_factory=list, max_length=200, description="Failing items (20 kept).")
    population: list[ShortText] | None = Field(
        default=None,
        max_length=5000,
        description="Ids of the entities the denominator counts (with covered: merged as a union across tools).",
    )
    covered: list[ShortText] | None = Field(
        default=None, max_length=5000, description="Ids of the entities the numerator counts (a subset of population)."
    )


class MeasurementPush(Input):
    measurements: list[MeasurementIn] = Field(min_length=1, max_length=10_000)


class ObservedAssetIn(Input):
    kind: Literal["model", "agent", "endpoint", "mcp_server"]
    identifier: Annotated[str, StringConstraints(min_length=1, max_length=1000)]
    tool: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    file: ShortText = ""
    count: int = Field(default=1, ge=1, le=MAX_INT)
    seen_with: list[ShortText] = Field(default_factory=list, max_length=50)
    last_seen: AwareDatetime | None = None


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


# --- assessments ----------------------------------------------------------------------------


class AssessmentRun(Input):
    assessed_at: AwareDatetime | None = Field(default=None, description="Point in time to assess; default now.")


class AssessmentSummary(Output):
    id: int
    assessed_at: datetime
    model_id: str
    model_version: str
    level: int | None
    score: float | None
    evidenced_level: int | None
    created_by: str


class AssessmentOut(AssessmentSummary):
    result: dict[str, Any] = Field(description="The frozen aisma.result/v1 snapshot.")


class CategoryPoint(Output):
    id: str
    level: int | None
    score: float | None
    evidenced_level: int | None


class TrendPoint(Output):
    assessment_id: int
    assessed_at: datetime
    level: int | None
    score: float | None
    evidenced_level: int | None
    evidenced_score: float | None
    categories: list[CategoryPoint]


# --- members and tokens ---------------------------------------------------------------------


class MemberOut(Output):
    user_id: int
    email: str
    display_name: str
    role: Role


class MemberAdd(Input):
    email: Annotated[str, StringConstraints(min_length=3, max_length=320)]
    role: Role


class MemberRole(Input):
    role: Role


class TokenOut(Output):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked: bool


class TokenCreate(Input):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    scopes: list[Scope] = Field(min_length=1, max_length=4)
    expires_at: AwareDatetime | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="The token itself: shown once, store it now.")


class ErrorOut(BaseModel):
    detail: str


class InvalidOut(BaseModel):
    detail: str | list[dict[str, Any]] = Field(description="One line, or the request validation errors.")
    field: str | None = Field(default=None, description="The field that is wrong.")


def stale_current(current: Any) -> Any:
    """The stored record a 409 carries, whatever shape the service handed it over in."""
    if isinstance(current, BaseModel):
        return current.model_dump(mode="json")
    if dataclasses.is_dataclass(current) and not isinstance(current, type):
        return dataclasses.asdict(current)
    return current
