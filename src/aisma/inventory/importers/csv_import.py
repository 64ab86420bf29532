"""Import AI systems from a CSV file, the format every existing spreadsheet inventory can export.

Columns are the inventory field names (``docs/workspace.md``, "Importing"): nested fields as dotted
columns (``autonomy_test.chooses_actions``), list fields separated by ``;``, booleans as yes/no/true/false,
an empty cell leaves the field unset (or unchanged, for a system already in the inventory).

The import is all or nothing: every row is validated against the ``AISystem`` schema (merged with the
existing system when the id is known) and all bad rows are reported together, one line each, before
anything is written. Fixing a spreadsheet one error per run would be slow, and a half-applied import
would leave the inventory in a state nobody chose.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import NoneType
from typing import Any, Literal, get_args, get_origin

from pydantic import BaseModel, ValidationError

from aisma.errors import AismaError, InputError
from aisma.inventory.importers.common import MB, decode_text, open_inventory, read_bytes
from aisma.inventory.schema import AISystem
from aisma.yamlfile import dotted, plain_message

MAX_CSV_BYTES = 20 * MB
LIST_SEPARATOR = ";"
TRUE_WORDS = frozenset({"yes", "true"})
FALSE_WORDS = frozenset({"no", "false"})

ColumnKind = Literal["text", "bool", "list"]


@dataclass(frozen=True)
class Column:
    """One accepted CSV column: an AISystem field, or a field of one of its nested parts."""

    name: str
    field: str
    sub: str | None
    kind: ColumnKind


@dataclass(frozen=True)
class CsvRow:
    """A data row: its first line in the file, its set cells as inventory values, and cell problems."""

    line: int
    values: dict[str, Any]
    problems: tuple[str, ...]


@dataclass(frozen=True)
class CsvImportResult:
    inventory: Path
    added: tuple[str, ...]
    updated: tuple[str, ...]
    unchanged: tuple[str, ...]


class CsvRowsError(AismaError):
    """Some rows are invalid: a summary line, then one ``file:line: system id: problem`` line per row."""

    def __init__(self, path: Path, problems: list[str], total: int) -> None:
        self.problems = tuple(problems)
        summary = f"{path}: {len(problems)} of {total} rows are invalid; nothing was imported"
        super().__init__("\n".join([summary, *problems]))


def _kind(annotation: Any) -> ColumnKind:
    args = set(get_args(annotation))
    if annotation is bool or args == {bool, NoneType}:
        return "bool"
    if get_origin(annotation) in (tuple, list):
        return "list"
    return "text"


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    return None


def columns() -> tuple[Column, ...]:
    """Every accepted column, in schema order; derived from the schema so new fields import at once."""
    out: list[Column] = []
    for name, info in AISystem.model_fields.items():
        nested = _nested_model(info.annotation)
        if nested is None:
            out.append(Column(name, name, None, _kind(info.annotation)))
            continue
        for sub, sub_info in nested.model_fields.items():
            out.append(Column(f"{name}.{sub}", name, sub, _kind(sub_info.annotation)))
    return tuple(out)


def _header(path: Path, header: list[str]) -> list[Column | None]:
    known = {c.name: c for c in columns()}
    names = [cell.strip() for cell in header]
    if len(names) == 1 and LIST_SEPARATOR in names[0]:
        raise InputError(path, 1, "the header is one column with ';' in it; columns must be separated by commas")
    out: list[Column | None] = []
    for name in names:
        if not name:
            out.append(None)  # a nameless column is allowed while its cells stay empty
            continue
        nested = [c.name for c in known.values() if c.field == name and c.sub is not None]
        if nested:
            raise InputError(path, 1, f"unknown column {name!r} (use dotted columns such as {nested[0]!r})")
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else " (columns are inventory field names)"
            raise InputError(path, 1, f"unknown column {name!r}{hint}")
        if known[name] in out:
            raise InputError(path, 1, f"column {name!r} appears twice")
        out.append(known[name])
    if known["id"] not in out:
        raise InputError(path, 1, "has no id column; every row needs the system id")
    return out


def _cell(column: Column, text: str) -> tuple[Any, str | None]:
    if column.kind == "bool":
        word = text.casefold()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, f"{column.name} must be yes, no, true or false (got {text!r})"
    if column.kind == "list":
        return [part.strip() for part in text.split(LIST_SEPARATOR) if part.strip()], None
    return text, None


def _row(line: int, header: list[Column | None], cells: list[str]) -> CsvRow | None:
    values: dict[str, Any] = {}
    problems: list[str] = []
    if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
        problems.append(f"has {len(cells)} cells but the header has {len(header)} columns")
    for column, raw in zip(header, cells, strict=False):
        text = raw.strip()
        if not text:
            continue
        if column is None:
            problems.append(f"a value ({text!r}) under a column with no name")
            continue
        value, problem = _cell(column, text)
        if problem:
            problems.append(problem)
        elif column.sub is None:
            values[column.field] = value
        else:
            values.setdefault(column.field, {})[column.sub] = value
    if not values and not problems:
        return None  # a row of empty cells, as spreadsheets export below the data
    return CsvRow(line, values, tuple(problems))


def parse_csv(path: Path) -> tuple[CsvRow, ...]:
    """The data rows of a CSV file; problems with the file itself (size, header, quoting) raise."""
    text = decode_text(path, read_bytes(path, MAX_CSV_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""))
    rows: list[CsvRow] = []
    try:
        first = next(reader, None)
        if first is None or not any(cell.strip() for cell in first):
            raise InputError(path, 1, "is empty; expected a header row of column names")
        header = _header(path, first)
        for cells in reader:
            # a quoted cell may span lines; the row starts where its first cell does
            line = reader.line_num - sum(cell.count("\n") for cell in cells)
            row = _row(line, header, cells)
            if row is not None:
                rows.append(row)
    except csv.Error as exc:
        raise InputError(path, reader.line_num, f"invalid CSV: {exc}") from None
    return tuple(rows)


def _builtin(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _builtin(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_builtin(v) for v in value]
    return value


def _merged(base: dict[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in values.items():
        current = out.get(key)
        out[key] = {**current, **value} if isinstance(value, dict) and isinstance(current, dict) else value
    return out


def _fields_to_write(system: AISystem, merged: Mapping[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    """The given fields, as the schema parsed them (dates, booleans), in schema order; nested parts whole."""
    out: dict[str, Any] = {"id": system.id}
    for name in AISystem.model_fields:
        if name not in given or name == "id":
            continue
        value = getattr(system, name)
        if isinstance(value, BaseModel):
            dumped = value.model_dump()
            out[name] = {key: dumped[key] for key in merged[name]}
        elif isinstance(value, tuple):
            out[name] = list(value)
        else:
            out[name] = value
    return out


def _errors(exc: ValidationError) -> list[str]:
    out = []
    for error in exc.errors(include_url=False):
        out.append(f"{dotted(tuple(error['loc']))} {plain_message(error)}".strip())
    return out


def import_csv(path: Path, directory: Path) -> CsvImportResult:
    """Add or update the systems of a CSV file in the workspace's inventory; all rows or none."""
    document = open_inventory(directory)
    document.validated()  # a broken inventory is reported as such, not as bad CSV rows
    rows = parse_csv(path)
    problems: list[str] = []
    planned: list[dict[str, Any]] = []
    first_line: dict[str, int] = {}
    for row in rows:
        system_id = row.values.get("id")
        errors = list(row.problems)
        if isinstance(system_id, str) and system_id in first_line:
            errors.append(f"id is already used on line {first_line[system_id]}")
        existing = document.system(system_id) if isinstance(system_id, str) else None
        merged = _merged(_builtin(existing) if existing is not None else {}, row.values)
        try:
            system = AISystem.model_validate(merged)
        except ValidationError as exc:
            errors.extend(_errors(exc))
        if errors:
            problems.append(f"{path}:{row.line}: system {system_id or '(no id)'}: {'; '.join(errors)}")
            continue
        first_line[system.id] = row.line
        planned.append(_fields_to_write(system, merged, row.values))
    if problems:
        raise CsvRowsError(path, problems, len(rows))
    outcome: dict[str, list[str]] = {"added": [], "updated": [], "unchanged": []}
    for fields in planned:
        outcome[document.upsert(fields)].append(str(fields["id"]))
    if outcome["added"] or outcome["updated"]:
        document.save()
    return CsvImportResult(
        document.path, tuple(outcome["added"]), tuple(outcome["updated"]), tuple(outcome["unchanged"])
    )
