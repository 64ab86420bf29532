"""Request and response bodies of the REST API: the OpenAPI document is generated from these.

Inputs are strict (``extra="forbid"``) and refuse what a database would choke on - NUL characters,
NaN/Infinity, lone surrogates, integers past 32 bits, times given as numbers or outside 1990-9000 -
so a bad request is a 422, never a 500 from the driver.
Outputs are built from store rows inside the request's transaction (``from_attributes``).
"""

from __future__ import annotations

import dataclasses
import math
from datetime import UTC, date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
)

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
    """What no database stores alike: NUL (PostgreSQL text and JSON refuse it), lone surrogates (not
    UTF-8: neither driver can encode them) and NaN/Infinity anywhere in a JSON document."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError("must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError("must not contain lone surrogates (text must be valid Unicode)") from None
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("numbers must be finite (no NaN or Infinity)")
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


EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def _no_number(value: Any) -> Any:
    """A time is written as ISO 8601 text; a bare number (``0``: the Unix epoch) is refused, not guessed."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("write a date or time as ISO 8601 text (e.g. 2026-11-16T09:00:00Z), not a number")
    return value


def _in_range_time(value: datetime) -> datetime:
    # the year first: comparing an aware time near year 1 or 9999 converts it to UTC, which can overflow
    if not EARLIEST.year <= value.year < LATEST.year or not EARLIEST <= value <= LATEST:
        raise ValueError(f"must be between {EARLIEST.date()} and {LATEST.date()}")
    return value


def _in_range_date(value: date) -> date:
    if not EARLIEST.date() <= value <= LATEST.date():
        raise ValueError(f"must be between {EARLIEST.date()} and {LATEST.date()}")
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_no_number), AfterValidator(_in_range_time)]
Day = Annotated[date, BeforeValidator(_no_number), AfterValidator(_in_range_date)]


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
