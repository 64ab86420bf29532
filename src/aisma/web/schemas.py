"""Request and response bodies of the REST API: the OpenAPI document is generated from these.

Inputs are strict (``extra="forbid"``) and refuse what a database would choke on - NUL characters,
NaN/Infinity, integers past 32 bits - so a bad request is a 422, never a 500 from the driver.
Outputs are built from store rows inside the request's transaction (``from_attributes``).
"""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

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
