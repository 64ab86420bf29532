"""The column mapping that tells ``aisma model import-xlsx`` where a workbook keeps each field.

A mapping is YAML (documented in docs/model-format.md). A column is named by its header text (case
and spacing ignored) or by its letter; a ``pattern`` keeps the regex's first group, ``fill_down``
repeats the last value into empty cells (merged cells), ``map`` renames values after that.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, field_validator

from aisma.errors import InputError
from aisma.maturity.schema import SLUG_ID
from aisma.yamlfile import dotted, first_error, line_of, load_yaml, plain_message


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _column_shorthand(value: object) -> object:
    """``level: MATURITY LEVEL`` is short for ``level: {column: MATURITY LEVEL}``."""
    return {"column": value} if isinstance(value, (str, int)) else value


class ColumnSpec(_Strict):
    column: str = Field(min_length=1)
    pattern: str | None = None
    fill_down: bool = False
    map: dict[str, str] = Field(default_factory=dict)

    @field_validator("column", mode="before")
    @classmethod
    def _text(cls, value: object) -> object:
        return str(value) if isinstance(value, int) else value

    @field_validator("pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"is not a valid regular expression ({exc})") from None
        return value


Column = Annotated[ColumnSpec, BeforeValidator(_column_shorthand)]


class Columns(_Strict):
    statement: Column
    level: Column
    category: Column
    domain: Column | None = None
    id: Column | None = None
    category_id: Column | None = None
    domain_id: Column | None = None
    title: Column | None = None
    criteria: Column | None = None
    rationale: Column | None = None
    evidence: Column | None = None
    references: dict[str, Column] = Field(default_factory=dict)


class ModelInfo(_Strict):
    id: str = Field(pattern=SLUG_ID)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    license: str = ""


class Defaults(_Strict):
    domain: str = "Imported"
    effort: Literal["S", "M", "L"] = "M"
    impact: int = Field(default=2, ge=1, le=3)
    evidence: tuple[str, ...] = Field(default=("Interview notes",), min_length=1)
    rationale: str = "Imported from the source workbook; see its guidance."


class Mapping(_Strict):
    model: ModelInfo
    sheet: str = Field(min_length=1)
    header_row: int = Field(default=1, ge=1)
    last_row: int | None = Field(default=None, ge=1)
    levels: dict[int, str] = Field(default_factory=dict)
    columns: Columns
    defaults: Defaults = Defaults()

    @field_validator("model", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        if isinstance(value, dict) and isinstance(value.get("version"), (int, float)):
            return {**value, "version": str(value["version"])}
        return value


def load_mapping(path: str | Path) -> Mapping:
    raw = load_yaml(path)
    if not isinstance(raw, dict):
        raise InputError(path, 1, "a mapping file must be a mapping with model, sheet, header_row and columns")
    try:
        return Mapping.model_validate(raw)
    except ValidationError as exc:
        error = first_error(exc)
        loc = tuple(error["loc"])
        raise InputError(path, line_of(raw, loc), f"{dotted(loc)} {plain_message(error)}") from None
