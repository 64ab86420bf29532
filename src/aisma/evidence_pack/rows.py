"""Which objectives evidence each article, subcategory or control, and where the gaps are.

A row per item of the regulation's catalog, in catalog order, so the auditor sees every article,
including those the model does not address. An item's objectives are those whose ``references``
cite it, plus (for functions, categories and ISO areas) those citing any item beneath it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aisma.errors import AismaError
from aisma.maturity.catalogs import ReferenceCatalog, reference_catalogs
from aisma.maturity.schema import MaturityModel
from aisma.scoring.results import AssessmentResult, ObjectiveResult

# The names users type, and the catalog each one means.
REGULATIONS: dict[str, str] = {
    "eu-ai-act": "eu-ai-act",
    "nist-ai-rmf": "nist-ai-rmf",
    "iso-42001": "iso-iec-42001-2023",
}


@dataclass(frozen=True)
class EvidenceFile:
    """A file backing an objective: a cited document or a tool output a measurement came from."""

    ref: str  # workspace-relative path, or a URL
    sha256: str
    kind: str  # "cited" or "tool output"
    tool: str = ""
    version: str = ""

    @property
    def is_url(self) -> bool:
        return self.ref.startswith(("https://", "http://"))


@dataclass(frozen=True)
class ObjectiveRow:
    objective: ObjectiveResult
    category: str
    files: tuple[EvidenceFile, ...]


@dataclass(frozen=True)
class Gap:
    item: str
    objective: str  # empty when the model has no objective for the item at all
    reason: str


@dataclass(frozen=True)
class ItemRow:
    id: str
    title: str
    kind: str
    parent: str | None
    status: str  # met, partially met, not met, not applicable, not addressed
    objectives: tuple[ObjectiveRow, ...]
    gaps: tuple[Gap, ...]


@dataclass(frozen=True)
class PackContent:
    regulation: str
    catalog: ReferenceCatalog
    rows: tuple[ItemRow, ...]

    def files(self) -> list[EvidenceFile]:
        seen: dict[str, EvidenceFile] = {}
        for row in self.rows:
            for obj in row.objectives:
                for f in obj.files:
                    seen.setdefault(f.ref, f)
        return [seen[k] for k in sorted(seen)]

    def gaps(self) -> list[Gap]:
        return [gap for row in self.rows for gap in row.gaps]


def catalog_for(regulation: str) -> ReferenceCatalog:
    if regulation not in REGULATIONS:
        raise AismaError(f"--regulation {regulation!r}: expected one of {', '.join(REGULATIONS)}")
    return reference_catalogs()[REGULATIONS[regulation]]


def pack_content(
    result: AssessmentResult, model: MaturityModel, regulation: str, root: Path | None = None
) -> PackContent:
    catalog = catalog_for(regulation)
    direct: dict[str, list[str]] = {}
    for objective in model.objectives():
        for item_id in objective.references.get(catalog.framework, ()):
            direct.setdefault(item_id, []).append(objective.id)
    children: dict[str, list[str]] = {}
    for item in catalog.items:
        if item.parent:
            children.setdefault(item.parent, []).append(item.id)

    def cited_under(item_id: str) -> list[str]:
        found = list(direct.get(item_id, ()))
        for child in children.get(item_id, ()):
            found.extend(cited_under(child))
        return found

    by_id = {o.id: (c.id, o) for c in result.categories for o in c.objectives}
    rows: list[ItemRow] = []
    for item in catalog.items:
        objective_ids = sorted(set(cited_under(item.id)) & set(by_id), key=_natural)
        objectives = tuple(
            ObjectiveRow(objective=by_id[oid][1], category=by_id[oid][0], files=_files(by_id[oid][1], root))
            for oid in objective_ids
        )
        status, gaps = _judge(item.id, objectives, frozenset(direct.get(item.id, ())))
        rows.append(ItemRow(item.id, item.title, item.kind, item.parent, status, objectives, gaps))
    return PackContent(regulation=regulation, catalog=catalog, rows=tuple(rows))


def _natural(text: str) -> tuple[object, ...]:
    """GOV-2.10 after GOV-2.9."""
    parts: list[object] = []
    for chunk in text.replace("-", ".").split("."):
        parts.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk))
    return tuple(parts)


def _files(objective: ObjectiveResult, root: Path | None) -> tuple[EvidenceFile, ...]:
    files: list[EvidenceFile] = []
    for item in objective.evidence:
        if item.get("exists") is False or not item.get("ref"):
            continue
        files.append(EvidenceFile(ref=str(item["ref"]), sha256=str(item.get("sha256") or ""), kind="cited"))
    if objective.measurement is not None:
        for source in objective.measurement.sources:
            name = source.get("file", "")
            if not name or (root is not None and not (root / name).is_file()):
                continue  # a folder scanned by discovery, or a file outside the workspace
            files.append(
                EvidenceFile(
                    ref=name,
                    sha256=source.get("sha256", ""),
                    kind="tool output",
                    tool=source.get("tool", ""),
                    version=source.get("version", ""),
                )
            )
    return tuple(sorted(set(files), key=lambda f: (f.ref, f.kind)))


def _judge(item_id: str, objectives: tuple[ObjectiveRow, ...], direct: frozenset[str]) -> tuple[str, tuple[Gap, ...]]:
    """The item's status from all its objectives; objective gaps only where the objective cites it.

    A function or area thus shows its overall status without repeating every gap of the items below.
    """
    if not objectives:
        return "not addressed", (Gap(item_id, "", "no objective of the model addresses it"),)
    applicable = [r.objective for r in objectives if r.objective.status != "na"]
    if not applicable:
        return "not applicable", ()
    gaps: list[Gap] = []
    for o in applicable:
        if o.id not in direct:
            continue
        if o.status == "unmet":
            gaps.append(Gap(item_id, o.id, f"not met (answer {o.answer or 'none'})"))
        elif o.status == "unknown":
            gaps.append(Gap(item_id, o.id, "unknown: no answer and no measurement"))
        elif o.evidenced_status != "met":
            gaps.append(Gap(item_id, o.id, "met by attestation only: no evidence file or measurement"))
    met = sum(1 for o in applicable if o.status == "met")
    status = "met" if met == len(applicable) else ("partially met" if met else "not met")
    return status, tuple(gaps)
