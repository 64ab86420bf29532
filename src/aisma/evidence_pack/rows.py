"""Which objectives evidence each article, subcategory or control, and where the gaps are.

A row per item of the regulation's catalog, in catalog order, so the auditor sees every article,
including those the model does not address. An item's objectives are those whose ``references``
cite it, plus (for functions, categories and ISO areas) those citing any item beneath it.

A pack can also follow a framework's requirements through a mapping set (``framework_pack_content``):
then a row per requirement of the framework (built-in or imported), its status the posture of
aisma.frameworks (met, partial, gap, n-a, unmapped), its objectives the mapped ones with their
relationship, so the pack says exactly what ``aisma framework assess`` says and shows the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aisma.errors import AismaError
from aisma.frameworks.posture import STATUSES, FrameworkPosture
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
    relationship: str = ""  # how a mapping set relates it to the requirement (framework packs)


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


REGULATION_STATUSES = ("met", "partially met", "not met", "not applicable", "not addressed")


@dataclass(frozen=True)
class PackContent:
    regulation: str  # the --regulation name, or the framework id
    title: str
    source: str
    license: str
    rows: tuple[ItemRow, ...]
    statuses: tuple[str, ...] = REGULATION_STATUSES  # every status a row can have, in the order counted
    mapping_set: str = ""  # framework packs: the mapping set the rows follow

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
    return PackContent(regulation, catalog.title, catalog.source, catalog.license, tuple(rows))


def framework_pack_content(
    posture: FrameworkPosture, result: AssessmentResult, root: Path | None = None
) -> PackContent:
    """A row per requirement of the framework, with the posture's status and mapped objectives."""
    by_id = {o.id: (c.id, o) for c in result.categories for o in c.objectives}
    rows: list[ItemRow] = []
    for requirement in posture.requirements:
        objectives = tuple(
            ObjectiveRow(
                objective=by_id[link.id][1],
                category=by_id[link.id][0],
                files=_files(by_id[link.id][1], root),
                relationship=link.relationship,
            )
            for link in requirement.objectives
            if link.id in by_id
        )
        gaps: tuple[Gap, ...] = ()
        if requirement.derived:
            kind = "from parts"
        elif not requirement.assessable:
            kind = "heading"
        elif requirement.status == "unmapped":
            kind, gaps = "item", (Gap(requirement.id, "", "no objective is mapped to it"),)
        else:
            kind = "item"
            gaps = _objective_gaps(requirement.id, [r.objective for r in objectives if r.objective.status != "na"])
        rows.append(
            ItemRow(requirement.id, requirement.title, kind, requirement.parent, requirement.status, objectives, gaps)
        )
    return PackContent(
        posture.framework,
        posture.framework_title,
        posture.source,
        posture.license,
        tuple(rows),
        statuses=STATUSES,
        mapping_set=posture.mapping_set,
    )


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
    gaps = _objective_gaps(item_id, [o for o in applicable if o.id in direct])
    met = sum(1 for o in applicable if o.status == "met")
    status = "met" if met == len(applicable) else ("partially met" if met else "not met")
    return status, gaps


def _objective_gaps(item_id: str, objectives: list[ObjectiveResult]) -> tuple[Gap, ...]:
    """Per applicable objective: not met, unknown, or met by attestation only (nothing to show for it)."""
    gaps: list[Gap] = []
    for o in objectives:
        if o.status == "unmet":
            gaps.append(Gap(item_id, o.id, f"not met (answer {o.answer or 'none'})"))
        elif o.status == "unknown":
            gaps.append(Gap(item_id, o.id, "unknown: no answer and no measurement"))
        elif o.evidenced_status != "met":
            gaps.append(Gap(item_id, o.id, "met by attestation only: no evidence file or measurement"))
    return tuple(gaps)
