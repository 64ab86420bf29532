"""Write the assessment as an XLSX workbook for system owners, GRC analysts and auditors.

Sheets: scorecard, objectives (every objective with its level criteria, the answer, note,
evidence and measurement), inventory, roadmap, crosswalks, a hidden, protected metadata sheet
(model id and version, workbook format) that the import checks, and a very hidden, protected
versions sheet (each answer's version and cells as exported, see ``aisma.workbook.versions``).
The answer columns are the only unlocked cells of the objectives sheet, with a drop-down of the answer words.

Text that a spreadsheet could take for a formula (starting with = + - @, or a tab or carriage
return) is written as a string cell with the quote prefix set, so no spreadsheet evaluates it, even
after a user edits the cell. The bytes are deterministic: dates come from ``assessed_at`` and every
zip entry carries the same timestamp.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter

from aisma.maturity.schema import MaturityModel, Objective
from aisma.reports.registry import ReportContext
from aisma.reports.viewmodel import as_of_line, source_label
from aisma.scoring.inputs import ANSWER_WORDS, Answer
from aisma.scoring.results import AssessmentResult, CategoryResult, ObjectiveResult, Rollup
from aisma.workbook import layout
from aisma.workbook.versions import NO_ANSWER, versions_of

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL = 32767  # the longest text a spreadsheet cell holds
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="14213D")
EDIT_FILL = PatternFill("solid", fgColor="FFF8E6")
WRAP = Alignment(wrap_text=True, vertical="top")


def put(ws: Worksheet, row: int, column: int, value: Any) -> None:
    """Write one cell; text is always a string cell, never a formula."""
    if value is None or value == "":
        return
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL]
        cell.value = text
        cell.data_type = "s"  # openpyxl would otherwise store "=..." as a formula
        if text.startswith(FORMULA_START):
            cell.quotePrefix = True
    else:
        cell.value = value


def _table(ws: Worksheet, headers: Sequence[tuple[str, int]], rows: Iterable[Sequence[Any]]) -> int:
    """Header row, then the rows; returns the number of data rows written."""
    for col, (header, width) in enumerate(headers, start=1):
        put(ws, 1, col, header)
        ws.cell(row=1, column=col).font = HEADER_FONT
        ws.cell(row=1, column=col).fill = HEADER_FILL
        ws.column_dimensions[get_column_letter(col)].width = width
    count = 0
    for count, values in enumerate(rows, start=1):
        for col, value in enumerate(values, start=1):
            put(ws, count + 1, col, value)
    ws.freeze_panes = "B2"
    if count:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(headers))}{count + 1}"
    return count


def _rollup_row(kind: str, item: Rollup | CategoryResult, capped: str = "") -> list[Any]:
    return [
        kind,
        getattr(item, "id", ""),
        item.title,
        _na(item.level),
        _round(item.score),
        _na(item.evidenced_level),
        _round(item.evidenced_score),
        item.target_level,
        _round(item.coverage, 3),
        capped,
    ]


def _na(value: int | None) -> int | str:
    """Nothing applicable reads "n/a", as in every other report (an empty cell would read as not answered)."""
    return "n/a" if value is None else value


def _round(value: float | None, digits: int = 2) -> float | str:
    return "n/a" if value is None else round(value, digits)


def _scorecard(ws: Worksheet, result: AssessmentResult) -> None:
    headers = (
        ("Kind", 10),
        ("Id", 12),
        ("Title", 40),
        ("Level", 8),
        ("Score", 8),
        ("Evidenced level", 15),
        ("Evidenced score", 15),
        ("Target", 8),
        ("Coverage", 10),
        ("Capped by", 40),
    )
    rows: list[list[Any]] = [_rollup_row("overall", result.overall)]
    rows[0][1], rows[0][2] = "overall", f"{result.organization} · {as_of_line(result)}"
    rows += [_rollup_row("domain", d) for d in result.domains]
    for c in result.categories:
        cap = c.capped_by
        rows.append(_rollup_row("category", c, f"{cap.gate}: {cap.reason}" if cap else ""))
    _table(ws, headers, rows)


def _measurement(o: ObjectiveResult) -> tuple[str, str]:
    m = o.measurement
    if m is None:
        return "", ""
    ratio = f" ({m.numerator:g}/{m.denominator:g})" if m.numerator is not None and m.denominator else ""
    text = f"{m.metric} = {m.value:.2f}{ratio} -> {m.answer}, observed {m.observed_at}{'' if m.fresh else ' (stale)'}"
    sources = "\n".join(
        " ".join(x for x in (s.get("tool", ""), s.get("version", ""), s.get("file", ""), s.get("sha256", "")) if x)
        for s in m.sources
    )
    return text, sources


def _criteria(obj: Objective | None, level_names: dict[int, str]) -> dict[str, Any]:
    if obj is None:
        return {}
    m = obj.measurement
    measured_by = m.mode if m.metric is None else f"{m.mode}: {m.metric}"
    thresholds = ""
    if m.thresholds is not None:
        op = ">=" if m.direction == "higher_is_better" else "<="
        t = m.thresholds
        thresholds = f"fully {op} {t.fully:g}; largely {op} {t.largely:g}; partially {op} {t.partially:g}"
    return {
        "statement": obj.statement,
        "level_name": level_names.get(obj.level, ""),
        "kpi": f"{obj.kpi.name} ({obj.kpi.unit}): {obj.kpi.compute}",
        "kpi_target": obj.kpi.target,
        "measured_by": measured_by,
        "thresholds": thresholds,
        "evidence_expected": "\n".join(obj.evidence),
        "scope_notes": obj.scope_notes,
    }


def _given(o: ObjectiveResult, answers: dict[str, Answer] | None) -> dict[str, str]:
    """The manual answer as given (not the measured one), so an unedited workbook imports as no change."""
    if answers is not None:
        a = answers.get(o.id)
        if a is None:
            return {}
        return {
            "answer": a.answer,
            "note": a.note,
            "justification": a.justification,
            "evidence": "\n".join(e.ref for e in a.evidence),
            "by": a.by,
        }
    if o.source in ("measured", "none") or o.answer is None:
        return {}
    return {
        "answer": o.answer,
        "note": o.note,
        "justification": o.justification,
        "evidence": "\n".join(str(e.get("ref", "")) for e in o.evidence),
        "by": o.by,
    }


def _objectives(
    ws: Worksheet, result: AssessmentResult, model: MaturityModel | None, answers: Any
) -> list[tuple[str, dict[str, str]]]:
    """The objectives sheet; returns each objective's editable cells as written (for the versions sheet)."""
    columns = layout.OBJECTIVE_COLUMNS
    by_id = {o.id: o for o in model.objectives()} if model is not None else {}
    level_names = dict(result.levels)
    given = {a.objective_id: a for a in answers} if answers is not None else None
    rows = []
    exported: list[tuple[str, dict[str, str]]] = []
    for c in result.categories:
        for o in c.objectives:
            text, sources = _measurement(o)
            values: dict[str, Any] = {
                "id": o.id,
                "category": c.id,
                "level": o.level,
                "title": o.title,
                "status": o.status,
                "evidenced_status": o.evidenced_status,
                "source": source_label(o),
                "measurement": text,
                "measurement_source": sources,
                "conflict": o.conflict.message if o.conflict else "",
                "level_name": level_names.get(o.level, ""),
            }
            values |= _criteria(by_id.get(o.id), level_names)
            cells = _given(o, given)
            values |= cells
            exported.append((o.id, cells))
            rows.append([values.get(col.key) for col in columns])
    count = _table(ws, [(col.header, col.width) for col in columns], rows)
    ws.freeze_panes = "E2"
    words = DataValidation(
        type="list",
        formula1='"' + ",".join(ANSWER_WORDS) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Answer",
        error="One of: " + ", ".join(ANSWER_WORDS),
    )
    ws.add_data_validation(words)
    for index, col in enumerate(columns, start=1):
        letter = get_column_letter(index)
        if col.key == "answer":
            words.add(f"{letter}2:{letter}{count + 1}")
        for row in range(2, count + 2):
            cell = ws.cell(row=row, column=index)
            cell.alignment = WRAP
            if col.editable:
                cell.protection = Protection(locked=False)
                cell.fill = EDIT_FILL
    # Locked ids and criteria, unlocked answers; sorting, filtering and resizing stay allowed.
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.autoFilter = False
    ws.protection.sort = False
    return exported


def _versions(ws: Worksheet, exported: list[tuple[str, dict[str, str]]], versions: dict[str, str]) -> None:
    """Each objective's answer version and editable cells as exported (see ``aisma.workbook.versions``).

    Very hidden (a spreadsheet's "unhide" does not offer it) and protected: it is the base an import
    compares the owner's cells with, not something to edit.
    """
    rows = (
        [objective_id, versions.get(objective_id, NO_ANSWER), *(cells.get(k, "") for k in layout.ANSWER_FIELDS)]
        for objective_id, cells in exported
    )
    _table(ws, [(key, 16) for key in layout.VERSION_KEYS], rows)
    ws.sheet_state = "veryHidden"
    ws.protection.sheet = True


def _flat(prefix: str, value: Any) -> Iterable[tuple[str, Any]]:
    if isinstance(value, dict):
        for key, inner in value.items():
            yield from _flat(f"{prefix}.{key}" if prefix else str(key), inner)
    elif isinstance(value, list | tuple):
        yield prefix, ", ".join(str(v) for v in value)
    elif value is None or isinstance(value, bool | int | float | str):
        yield prefix, value
    else:
        yield prefix, str(value)


def _inventory(ws: Worksheet, inventory: Any) -> None:
    systems = list(inventory.systems) if inventory is not None else []
    if not systems:
        _table(ws, (("Inventory", 60),), [["No AI system in the inventory."]])
        return
    flat = [dict(_flat("", s.model_dump(mode="json"))) for s in systems]
    keys: list[str] = []
    for row in flat:
        keys += [k for k in row if k not in keys]
    _table(ws, [(k, max(10, min(40, len(k) + 4))) for k in keys], [[row.get(k) for k in keys] for row in flat])


def _names(items: Any, separator: str = ", ") -> str:
    if not items:
        return ""
    return separator.join(str(i.get("id") or i.get("title") or i) if isinstance(i, dict) else str(i) for i in items)


def _roadmap(ws: Worksheet, result: AssessmentResult) -> None:
    headers = (
        ("Phase", 8),
        ("Phase title", 30),
        ("Months", 10),
        ("Objective", 11),
        ("Category", 10),
        ("Level", 7),
        ("Statement", 60),
        ("Unlocks level", 13),
        ("Gating changes", 30),
        ("Regulations", 40),
    )
    rows = []
    for phase in result.roadmap:
        months = f"{phase.months_min}-{phase.months_max}"
        for item in phase.items:
            rows.append(
                [
                    phase.phase,
                    phase.title,
                    months,
                    item.objective,
                    item.category,
                    item.level,
                    item.statement,
                    item.unlocks_level,
                    _names(item.gating_changes, "\n"),
                    _names(item.regulations),
                ]
            )
    if not rows:
        rows = [[None, "No roadmap: this result carries no roadmap phases."]]
    _table(ws, headers, rows)


def _crosswalks(ws: Worksheet, result: AssessmentResult, model: MaturityModel | None) -> None:
    headers = (("Objective", 11), ("Title", 40), ("Framework", 26), ("References", 60))
    rows: list[list[Any]] = []
    if model is not None:
        for obj in model.objectives():
            for framework, refs in sorted(obj.references.items()):
                rows.append([obj.id, obj.title, framework, ", ".join(refs)])
    if not rows:
        rows = [[None, "No crosswalk: the model is not available or maps no framework."]]
    _table(ws, headers, rows)


def _metadata(ws: Worksheet, result: AssessmentResult) -> None:
    rows = [
        (layout.META_FORMAT, layout.WORKBOOK_FORMAT),
        (layout.META_MODEL_ID, result.model_id),
        (layout.META_MODEL_VERSION, result.model_version),
        ("organization", result.organization),
        ("assessed_at", result.assessed_at),
        ("time_basis", result.time_basis),
        ("generator", f"aisma {metadata.version('aisma')}"),
    ]
    _table(ws, (("key", 20), ("value", 50)), rows)
    ws.sheet_state = "hidden"
    ws.protection.sheet = True


def _assessed_at(result: AssessmentResult) -> datetime:
    try:
        when = datetime.fromisoformat(result.assessed_at)
    except ValueError:
        return datetime(2000, 1, 1)
    return (when.astimezone(UTC) if when.tzinfo else when).replace(tzinfo=None, microsecond=0)


def _normalized(data: bytes, when: datetime) -> bytes:
    """Rewrite the zip with one timestamp and fixed attributes, so equal workbooks are equal bytes."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()


def build_workbook(result: AssessmentResult, context: ReportContext) -> bytes:
    """The workbook as XLSX bytes."""
    model = context.model if isinstance(context.model, MaturityModel) else None
    if model is None or (model.id, model.version) != (result.model_id, result.model_version):
        model = _builtin_model(result)
    wb = Workbook()
    default = wb.active
    if default is not None:
        wb.remove(default)
    _scorecard(wb.create_sheet(layout.SCORECARD), result)
    exported = _objectives(wb.create_sheet(layout.OBJECTIVES), result, model, context.answers)
    _inventory(wb.create_sheet(layout.INVENTORY), context.inventory)
    _roadmap(wb.create_sheet(layout.ROADMAP), result)
    _crosswalks(wb.create_sheet(layout.CROSSWALKS), result, model)
    _metadata(wb.create_sheet(layout.METADATA), result)
    if context.answers is not None:  # without the answers as given there is no version to record
        versions = versions_of(context.answers, context.extra.get("answer_versions"))
        _versions(wb.create_sheet(layout.VERSIONS), exported, versions)
    when = _assessed_at(result)
    wb.properties.created = when
    wb.properties.modified = when
    wb.properties.creator = "aisma"
    wb.properties.title = f"AI security maturity: {result.organization}"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(wb, archive).save()
    return _normalized(buffer.getvalue(), when)


def _builtin_model(result: AssessmentResult) -> MaturityModel | None:
    """The result's model when it is installed; None (criteria left blank) otherwise."""
    from aisma.errors import AismaError
    from aisma.maturity.loader import resolve_model

    try:
        model = resolve_model(result.model_id)
    except AismaError:
        return None
    return model if model.version == result.model_version else None
