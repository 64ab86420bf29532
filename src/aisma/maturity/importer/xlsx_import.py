"""Build a maturity model from a workbook (a maturity model or a controls matrix) and a column mapping.

Every row with a statement and a level becomes an objective; its category (and domain) come from
their columns, ids are generated in aisma's ``CAT-L.N`` shape (or taken from an id column), and what
aisma needs but a workbook rarely has (a KPI, rationale, evidence, effort, impact) comes from the
mapping's defaults. The result is checked exactly like a hand-written model before it is returned.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from aisma.errors import AismaError, InputError
from aisma.formats.xlsx import XlsxLimits, cell_text, open_workbook
from aisma.maturity.importer.mapping import ColumnSpec, Mapping
from aisma.maturity.schema import CATEGORY_ID, MaturityModel
from aisma.maturity.validation import check_model
from aisma.yamlfile import first_error, plain_message

STOP_WORDS = frozenset({"a", "an", "and", "by", "for", "in", "of", "on", "the", "to", "with"})
MAX_TITLE_WORDS = 8
KPI = {
    "name": "Answer on the C2M2 scale",
    "unit": "answer",
    "target": "fully or largely",
    "compute": "attested answer: fully 1, largely 0.75, partially 0.25, not 0",
}


@dataclass
class _Category:
    id: str
    title: str
    domain: str
    objectives: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class _Build:
    """Ids handed out so far (domains and categories share one namespace) and where each came from."""

    taken: set[str] = field(default_factory=set)
    domains: dict[str, str] = field(default_factory=dict)  # title -> id
    categories: dict[str, _Category] = field(default_factory=dict)  # title -> category
    rows: dict[str, int] = field(default_factory=dict)  # objective id -> sheet row


def derive_id(name: str, taken: set[str]) -> str:
    """A short upper-case id from a name: initials of its words, or the first letters of one word."""
    words = re.findall(r"[A-Za-z0-9]+", name)
    significant = [w for w in words if w.lower() not in STOP_WORDS] or words or ["X"]
    base = "".join(w[0] for w in significant) if len(significant) > 1 else significant[0][:3]
    base = base.upper()[:6]
    if len(base) < 2:
        base = (significant[0][:3].upper() + "XX")[:3]
    if not base[0].isalpha():
        base = "X" + base[:5]
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}{n}", n + 1
    taken.add(candidate)
    return candidate


def short_title(text: str) -> str:
    words = text.rstrip(" ?.:;").split()
    return " ".join(words) if len(words) <= MAX_TITLE_WORDS else " ".join(words[:MAX_TITLE_WORDS]) + "…"


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;,\n]", text) if part.strip()]


class _Reader:
    """Pulls mapped fields out of one sheet row, with fill-down and patterns applied."""

    def __init__(self, mapping: Mapping, header: list[str], source: str) -> None:
        self.mapping, self.source = mapping, source
        self.last: dict[str, str] = {}
        self.index: dict[str, int] = {}
        normalized = [" ".join(h.split()).casefold() for h in header]
        for name, spec in self._specs():
            wanted = " ".join(spec.column.split()).casefold()
            if wanted in normalized:
                self.index[name] = normalized.index(wanted)
            elif re.fullmatch(r"[A-Za-z]{1,3}", spec.column):
                from openpyxl.utils import column_index_from_string

                self.index[name] = column_index_from_string(spec.column.upper()) - 1
            else:
                found = ", ".join(repr(h) for h in header if h) or "none"
                raise AismaError(
                    f"{source}: columns.{name}: no column {spec.column!r} in header row {mapping.header_row} "
                    f"(headers: {found}); name a header or a column letter"
                )

    def _specs(self) -> list[tuple[str, ColumnSpec]]:
        columns = self.mapping.columns
        out: list[tuple[str, ColumnSpec]] = []
        for name in type(columns).model_fields:
            if name == "references":
                continue
            spec = getattr(columns, name)
            if spec is not None:
                out.append((name, spec))
        out.extend((f"references.{fw}", spec) for fw, spec in columns.references.items())
        return out

    def read(self, cells: list[str]) -> dict[str, str]:
        values: dict[str, str] = {}
        for name, spec in self._specs():
            i = self.index[name]
            text = cells[i] if i < len(cells) else ""
            if spec.fill_down:
                text = text or self.last.get(name, "")
                self.last[name] = text
            values[name] = text
        return values

    def shape(self, values: dict[str, str], row: int) -> dict[str, str]:
        """Apply patterns and value maps (only to rows that become objectives)."""
        out = dict(values)
        for name, spec in self._specs():
            text = out[name]
            if text and spec.pattern:
                match = re.search(spec.pattern, text)
                if match is None:
                    raise AismaError(
                        f"{self.source} row {row}: {name} {text!r} does not match the pattern {spec.pattern!r}"
                    )
                text = (match.group(1) if match.groups() else match.group(0)).strip()
            out[name] = spec.map.get(text, text)
        return out


def import_xlsx(
    workbook: str | Path, mapping: Mapping, limits: XlsxLimits | None = None
) -> tuple[dict[str, Any], MaturityModel]:
    """The model as plain data (ready to dump as YAML) and as the validated model."""
    limits = limits or XlsxLimits()
    path = Path(workbook)
    build = _Build()
    with open_workbook(path, limits) as book:
        if mapping.sheet not in book.sheetnames:
            raise AismaError(f"{path}: no sheet {mapping.sheet!r} (sheets: {', '.join(book.sheetnames)})")
        sheet = book[mapping.sheet]
        source = f"{path.name} sheet {mapping.sheet!r}"
        rows = sheet.iter_rows(min_row=mapping.header_row, max_row=mapping.last_row, values_only=True)
        header_cells = next(rows, None)
        if header_cells is None:
            raise AismaError(f"{source}: no header row {mapping.header_row}")
        reader = _Reader(mapping, [cell_text(v) for v in header_cells[: limits.max_columns]], source)
        for offset, cells in enumerate(rows, start=1):
            row = mapping.header_row + offset
            if offset > limits.max_rows:
                raise AismaError(f"{source}: more than {limits.max_rows} rows; set last_row in the mapping")
            values = reader.read([cell_text(v) for v in cells[: limits.max_columns]])
            if not values["statement"] or not values["level"]:
                continue
            _add(build, mapping, reader.shape(values, row), row, source, path.name)
    if not build.categories:
        raise AismaError(f"{path}: no row of sheet {mapping.sheet!r} has both a statement and a level")
    data = _model_data(build, mapping)
    return data, _validated(data, build, path)


def _add(build: _Build, mapping: Mapping, v: dict[str, str], row: int, source: str, file_name: str) -> None:
    match = re.search(r"\d+", v["level"])
    if match is None or int(match.group(0)) < 1:
        raise AismaError(f"{source} row {row}: level {v['level']!r} is not a level number of 1 or more")
    level = int(match.group(0))
    category_title = v["category"]
    if not category_title:
        raise AismaError(f"{source} row {row}: no category (column {mapping.columns.category.column!r})")
    domain_title = v.get("domain") or mapping.defaults.domain
    if domain_title not in build.domains:
        build.domains[domain_title] = _given_id(v.get("domain_id", ""), build, source, row) or derive_id(
            domain_title, build.taken
        )
    category = build.categories.get(category_title)
    if category is None:
        category_id = _given_id(v.get("category_id", ""), build, source, row) or derive_id(category_title, build.taken)
        category = _Category(category_id, category_title, domain_title)
        build.categories[category_title] = category
    elif category.domain != domain_title:
        raise AismaError(
            f"{source} row {row}: category {category_title!r} is in domain {category.domain!r} "
            f"on an earlier row, {domain_title!r} here"
        )
    seq = 1 + sum(1 for o in category.objectives if o["level"] == level)
    objective_id = f"{category.id}-{level}.{seq}"
    notes = []
    if v.get("criteria"):
        notes.append(f"Criteria: {v['criteria'].rstrip('.; ')}.")
    origin = f"Source: {file_name}, sheet {mapping.sheet}, row {row}"
    notes.append(origin + (f", id {v['id']}." if v.get("id") else "."))
    objective: dict[str, Any] = {
        "id": objective_id,
        "level": level,
        "title": short_title(v.get("title") or v["statement"]),
        "statement": v["statement"],
        "kpi": dict(KPI),
        "rationale": v.get("rationale") or mapping.defaults.rationale,
        "evidence": _split(v.get("evidence", "")) or list(mapping.defaults.evidence),
        "scope_notes": " ".join(notes),
        "effort": mapping.defaults.effort,
        "impact": mapping.defaults.impact,
    }
    references = {
        key.removeprefix("references."): _split(text)
        for key, text in v.items()
        if key.startswith("references.") and _split(text)
    }
    if references:
        objective["references"] = references
    category.objectives.append(objective)
    build.rows[objective_id] = row


def _given_id(text: str, build: _Build, source: str, row: int) -> str:
    """An id taken from the workbook (for a new domain or category), checked for shape and clashes."""
    if not text:
        return ""
    candidate = re.sub(r"[^A-Z0-9]", "", text.upper())
    if not re.fullmatch(CATEGORY_ID, candidate):
        raise AismaError(f"{source} row {row}: id {text!r} must be 2 to 8 letters or digits, starting with a letter")
    if candidate in build.taken:
        raise AismaError(f"{source} row {row}: id {candidate} is already used by another category or domain")
    build.taken.add(candidate)
    return candidate


def _model_data(build: _Build, mapping: Mapping) -> dict[str, Any]:
    used = {o["level"] for c in build.categories.values() for o in c.objectives}
    numbers = sorted(set(mapping.levels) | set(range(1, max(used) + 1)))
    info = mapping.model
    data: dict[str, Any] = {
        "id": info.id,
        "version": info.version,
        "title": info.title,
        "description": info.description,
        "license": info.license,
        "levels": [{"level": n, "name": mapping.levels.get(n, f"Level {n}")} for n in numbers],
        "domains": [],
    }
    domains: list[dict[str, Any]] = []
    for domain_title, domain_id in build.domains.items():
        categories: list[dict[str, Any]] = []
        for c in build.categories.values():
            if c.domain == domain_title:
                ordered: list[dict[str, Any]] = sorted(c.objectives, key=_order)
                categories.append({"id": c.id, "title": c.title, "objectives": ordered})
        domains.append({"id": domain_id, "title": domain_title, "categories": categories})
    data["domains"] = domains
    return data


def _order(objective: dict[str, Any]) -> tuple[int, int]:
    return int(objective["level"]), int(str(objective["id"]).rsplit(".", 1)[1])


def _validated(data: dict[str, Any], build: _Build, path: Path) -> MaturityModel:
    """Check the imported model like a hand-written one; name the sheet row of a bad objective."""

    def row_of(message: str) -> str:
        for objective_id, row in build.rows.items():
            if f"objective {objective_id}" in message or f"objective {objective_id}:" in message:
                return f" (sheet row {row})"
        return ""

    try:
        model = MaturityModel.model_validate(data)
    except ValidationError as exc:
        error = first_error(exc)
        where = ".".join(str(p) for p in error["loc"])
        raise AismaError(f"{path}: imported model is not valid: {where} {plain_message(error)}") from None
    try:
        check_model(model, data, path)
    except InputError as exc:
        raise AismaError(f"{path}: imported model is not valid: {exc.detail}{row_of(exc.detail)}") from None
    return model
