"""Read a system owner's answers back from an aisma workbook.

The workbook must be one aisma wrote for the same model id and version (its hidden metadata sheet
says so) and every row must name a known objective with a valid answer word; any problem is one
error naming the sheet, the cell and what was expected. Cells are read as written, never
evaluated: a formula such as ``=HYPERLINK(...)`` in a note is kept as that literal text.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from openpyxl.utils import get_column_letter

from aisma.errors import AismaError
from aisma.formats.xlsx_safety import MAX_FILE_BYTES, check_archive, read_limited, require_defusedxml
from aisma.maturity.schema import MaturityModel
from aisma.scoring.inputs import ANSWER_WORDS
from aisma.workbook import layout

WORDS = ", ".join(ANSWER_WORDS)
ENTITY_ERRORS = ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden", "NotSupportedError")
REQUIRED_COLUMNS = ("id", "answer", "note", "justification", "evidence", "by")


@dataclass(frozen=True)
class WorkbookAnswer:
    """One objective's answer as the workbook gives it, with the cells it came from."""

    objective_id: str
    answer: str
    note: str
    justification: str
    evidence: tuple[str, ...]
    by: str
    row: int
    # From the versions sheet: the answer's version and its cells (field, text) as exported;
    # None when the workbook records none (one exported before versions were recorded).
    base_version: str | None = None
    base: tuple[tuple[str, str], ...] | None = None
    cells: tuple[tuple[str, str], ...] = ()  # (field, cell reference such as F12)

    def fields(self) -> dict[str, str]:
        """The editable fields as text, evidence one item a line (what ``base`` holds too)."""
        return {
            "answer": self.answer,
            "note": self.note,
            "justification": self.justification,
            "evidence": "\n".join(self.evidence),
            "by": self.by,
        }


class WorkbookError(AismaError):
    """A problem at a known place of the workbook: ``file: sheet S, cell C7: message``."""

    def __init__(self, path: Path, sheet: str, cell: str | None, message: str) -> None:
        where = f"sheet {sheet}, cell {cell}" if cell else f"sheet {sheet}"
        super().__init__(f"{path}: {where}: {message}")


def _text(value: Any) -> str:
    """A cell as text, exactly as stored: formulas stay their literal text, numbers and dates print."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return str(value)


def _load(data: bytes, path: Path) -> Any:
    require_defusedxml()
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    except AismaError:
        raise
    except Exception as exc:  # openpyxl and defusedxml raise many types for damaged or hostile parts
        chain: list[BaseException] = []
        cause: BaseException | None = exc
        while cause is not None and len(chain) < 10:
            chain.append(cause)
            cause = cause.__cause__ or cause.__context__
        if any(type(e).__name__ in ENTITY_ERRORS for e in chain):
            raise AismaError(f"{path}: the workbook's XML declares entities; refused") from None
        first = (str(exc).splitlines() or [""])[0][:200]
        raise AismaError(f"{path}: not a readable XLSX workbook ({type(exc).__name__}: {first})") from None


def check_metadata(wb: Any, path: Path, model: MaturityModel) -> None:
    if layout.METADATA not in wb.sheetnames:
        raise AismaError(f"{path}: not an aisma workbook (no {layout.METADATA} sheet); export one with --format xlsx")
    meta: dict[str, tuple[str, str]] = {}
    for number, row in enumerate(wb[layout.METADATA].iter_rows(min_row=2, max_col=2), start=2):
        if len(row) >= 2 and row[0].value is not None:
            meta[_text(row[0].value)] = (_text(row[1].value), f"B{number}")
    found_format = meta.get(layout.META_FORMAT, ("", "B2"))
    if found_format[0] not in layout.SUPPORTED_FORMATS:
        raise WorkbookError(
            path,
            layout.METADATA,
            found_format[1],
            f"workbook format {found_format[0]!r}; expected {' or '.join(layout.SUPPORTED_FORMATS)}",
        )
    model_id = meta.get(layout.META_MODEL_ID, ("", "B3"))
    version = meta.get(layout.META_MODEL_VERSION, ("", "B4"))
    if (model_id[0], version[0]) != (model.id, model.version):
        raise WorkbookError(
            path,
            layout.METADATA,
            model_id[1],
            f"the workbook is for model {model_id[0]} {version[0]}; the workspace uses {model.id} {model.version}",
        )


def _columns(header_row: Any, path: Path) -> dict[str, int]:
    by_header = {c.header.casefold(): c.key for c in layout.OBJECTIVE_COLUMNS}
    found: dict[str, int] = {}
    for index, cell in enumerate(header_row):
        key = by_header.get(_text(cell.value).strip().casefold())
        if key is not None and key not in found:
            found[key] = index
    missing = [layout.HEADER[k] for k in REQUIRED_COLUMNS if k not in found]
    if missing:
        raise WorkbookError(path, layout.OBJECTIVES, "row 1", f"no column {missing[0]!r} in the header row")
    return found


def split_evidence(text: str) -> tuple[str, ...]:
    parts = text.splitlines() if "\n" in text or "\r" in text else text.split(";")
    return tuple(p.strip() for p in parts if p.strip())


def read_answers(path: str | Path, model: MaturityModel) -> list[WorkbookAnswer]:
    """Every answered row of the objectives sheet, checked against ``model``.

    Rows whose answer cell is empty are not answers and are skipped, unless they carry a note,
    justification, evidence or name (then the answer is missing: an error).
    """
    source = Path(path)
    return read_answers_data(read_limited(source), str(source), model)


def read_answers_data(data: bytes, name: str, model: MaturityModel) -> list[WorkbookAnswer]:
    """``read_answers`` for bytes already in memory (an upload); ``name`` is used in error messages."""
    if len(data) > MAX_FILE_BYTES:
        raise AismaError(f"{name}: {len(data)} bytes is over the {MAX_FILE_BYTES} byte limit for a workbook")
    check_archive(data, name)
    source = Path(name)
    wb = _load(data, source)
    try:
        check_metadata(wb, source, model)
        if layout.OBJECTIVES not in wb.sheetnames:
            raise AismaError(f"{source}: no {layout.OBJECTIVES} sheet")
        sheet = wb[layout.OBJECTIVES]
        rows = sheet.iter_rows()
        header = next(rows, None)
        if header is None:
            raise WorkbookError(source, layout.OBJECTIVES, "row 1", "the sheet is empty; expected a header row")
        columns = _columns(header, source)
        known = {o.id for o in model.objectives()}
        bases = _versions(wb)
        seen: dict[str, str] = {}
        out: list[WorkbookAnswer] = []
        for number, cells in enumerate(rows, start=2):
            answer = _row(cells, number, columns, source, known, seen, model)
            if answer is not None:
                version, base = bases.get(answer.objective_id, (None, None))
                out.append(replace(answer, base_version=version, base=base))
        return out
    finally:
        wb.close()


def _versions(wb: Any) -> dict[str, tuple[str, tuple[tuple[str, str], ...]]]:
    """The versions sheet: objective id -> (version, cells as exported); empty when there is none."""
    if layout.VERSIONS not in wb.sheetnames:
        return {}
    out: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {}
    width = len(layout.VERSION_KEYS)
    for row in wb[layout.VERSIONS].iter_rows(min_row=2, max_col=width, values_only=True):
        values = [_text(v).strip() for v in (*row, *[None] * width)[:width]]
        if not values[0]:
            continue
        fields = dict(zip(layout.ANSWER_FIELDS, values[2:], strict=True))
        fields["answer"] = fields["answer"].casefold()
        fields["evidence"] = "\n".join(split_evidence(fields["evidence"]))
        out[values[0]] = (values[1], tuple(fields.items()))
    return out


def _row(
    cells: Any,
    number: int,
    columns: dict[str, int],
    path: Path,
    known: set[str],
    seen: dict[str, str],
    model: MaturityModel,
) -> WorkbookAnswer | None:
    def cell(key: str) -> Any:
        index = columns[key]
        return cells[index] if index < len(cells) else None

    def value(key: str) -> str:
        c = cell(key)
        return _text(c.value).strip() if c is not None else ""

    def where(key: str) -> str:
        return f"{get_column_letter(columns[key] + 1)}{number}"

    objective_id = value("id")
    fields = {key: value(key) for key in ("answer", "note", "justification", "evidence", "by")}
    if not objective_id:
        if any(fields.values()):
            raise WorkbookError(path, layout.OBJECTIVES, where("id"), "an answer without an objective id")
        return None
    if objective_id not in known:
        raise WorkbookError(
            path,
            layout.OBJECTIVES,
            where("id"),
            f"unknown objective id {objective_id!r}; expected an objective of model {model.id} {model.version}",
        )
    if objective_id in seen:
        raise WorkbookError(
            path, layout.OBJECTIVES, where("id"), f"{objective_id} appears twice (first at {seen[objective_id]})"
        )
    seen[objective_id] = where("id")
    word = fields["answer"].casefold()
    if not word:
        extra = [layout.HEADER[k] for k in ("note", "justification", "evidence", "by") if fields[k]]
        if extra:
            raise WorkbookError(
                path,
                layout.OBJECTIVES,
                where("answer"),
                f"{objective_id}: {extra[0]} is filled but the answer is empty; expected one of {WORDS}",
            )
        return None
    if word not in ANSWER_WORDS:
        raise WorkbookError(
            path,
            layout.OBJECTIVES,
            where("answer"),
            f"{objective_id}: answer {fields['answer']!r}; expected one of {WORDS} (or empty)",
        )
    if word == "na" and not fields["justification"]:
        raise WorkbookError(
            path, layout.OBJECTIVES, where("justification"), f"{objective_id}: answer na needs a justification"
        )
    return WorkbookAnswer(
        objective_id=objective_id,
        answer=word,
        note=fields["note"],
        justification=fields["justification"],
        evidence=split_evidence(fields["evidence"]),
        by=fields["by"],
        row=number,
        cells=tuple((key, where(key)) for key in layout.ANSWER_FIELDS),
    )
