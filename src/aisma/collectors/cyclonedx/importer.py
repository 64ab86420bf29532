"""Read CycloneDX 1.4 to 1.7 ML-BOMs: which models a system is built on, and how well they are documented.

An AI-BOM is the inventory's evidence of what a system contains; its model cards are the evidence
that the models were understood before they were deployed. We report, for every component of type
``machine-learning-model`` (top-level, nested in other components at any depth, or the BOM's own
``metadata.component``), whether it has a ``modelCard`` and how complete that card is.

Completeness = filled sections / expected sections. A section is filled when it is present and not
empty (not null, "", [] or {}). The expected sections are these 13, named by their JSON path under
``modelCard``:

- ``modelParameters``: approach, task, architectureFamily, modelArchitecture, datasets, inputs, outputs
- ``quantitativeAnalysis``: performanceMetrics
- ``considerations``: users, useCases, technicalLimitations, ethicalConsiderations, fairnessAssessments

They are the parts of a model card that say what the model does, on what data, how well and with
which limits and risks; optional extras (graphics, performanceTradeoffs, environmentalConsiderations,
properties) neither add nor subtract. A model without a card has completeness 0.

``read_bom`` / ``analyse_bom`` are pure (a path or parsed JSON in, a ``BomReport`` out) and
``model_entry`` reads one component, so the cyclonedx collector, which streams BOMs too large to
parse whole, measures the same numbers; ``import_bom`` ties a BOM to inventory systems.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisma.errors import InputError
from aisma.fileio import write_atomic
from aisma.inventory.importers.common import (
    MB,
    decode_text,
    open_inventory,
    parse_json,
    read_bytes,
    workspace_relative,
)
from aisma.inventory.matching import find_system
from aisma.layout import EVIDENCE_DIR

MAX_BOM_BYTES = 50 * MB
SUPPORTED_SPEC_VERSIONS = ("1.4", "1.5", "1.6", "1.7")  # 1.4 has no model cards: its BOMs list no models
MODEL_TYPE = "machine-learning-model"
AIBOM_DIR = f"{EVIDENCE_DIR}/aibom"

MODEL_CARD_SECTIONS: tuple[str, ...] = (
    "modelParameters.approach",
    "modelParameters.task",
    "modelParameters.architectureFamily",
    "modelParameters.modelArchitecture",
    "modelParameters.datasets",
    "modelParameters.inputs",
    "modelParameters.outputs",
    "quantitativeAnalysis.performanceMetrics",
    "considerations.users",
    "considerations.useCases",
    "considerations.technicalLimitations",
    "considerations.ethicalConsiderations",
    "considerations.fairnessAssessments",
)


@dataclass(frozen=True)
class ModelEntry:
    """One machine-learning-model component and its model card's completeness."""

    name: str
    group: str | None
    version: str | None
    bom_ref: str | None
    purl: str | None
    location: str
    model_card: bool
    filled: tuple[str, ...]
    missing: tuple[str, ...]

    @property
    def completeness(self) -> float:
        return len(self.filled) / len(MODEL_CARD_SECTIONS)

    @property
    def identifiers(self) -> tuple[str, ...]:
        """What inventory ``match`` patterns are compared with: name, group/name, purl, bom-ref."""
        found = [self.name, f"{self.group}/{self.name}" if self.group else "", self.purl or "", self.bom_ref or ""]
        return tuple(dict.fromkeys(i for i in found if i))


@dataclass(frozen=True)
class BomReport:
    file: str
    spec_version: str
    serial_number: str | None
    models: tuple[ModelEntry, ...]

    @property
    def mean_completeness(self) -> float | None:
        """Mean model card completeness over the models; None for a BOM without models."""
        if not self.models:
            return None
        return sum(m.completeness for m in self.models) / len(self.models)


@dataclass(frozen=True)
class ModelAssignment:
    model: ModelEntry
    system: str | None


@dataclass(frozen=True)
class BomImportResult:
    report: BomReport
    aibom: str | None
    copied_to: Path | None
    assignments: tuple[ModelAssignment, ...]
    systems: dict[str, str]

    @property
    def unassigned(self) -> tuple[ModelEntry, ...]:
        return tuple(a.model for a in self.assignments if a.system is None)


def _filled(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, dict)):
        return bool(value)
    return True


def _sections(card: Mapping[str, Any]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    filled: list[str] = []
    missing: list[str] = []
    for section in MODEL_CARD_SECTIONS:
        group, key = section.split(".")
        part = card.get(group)
        value = part.get(key) if isinstance(part, Mapping) else None
        (filled if _filled(value) else missing).append(section)
    return tuple(filled), tuple(missing)


def _components(path: Path, items: Any, where: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every component with its JSON path: a list's items, then the lists nested in them (no recursion)."""
    stack: list[tuple[Any, str]] = [(items, where)]
    while stack:
        current, place = stack.pop()
        if current is None:
            continue
        if not isinstance(current, list):
            raise InputError(path, None, f"{place} must be a list of components")
        children: list[tuple[Any, str]] = []
        for index, item in enumerate(current):
            here = f"{place}[{index}]"
            if not isinstance(item, Mapping):
                raise InputError(path, None, f"{here} must be an object")
            yield here, item
            children.append((item.get("components"), f"{here}.components"))
        stack.extend(reversed(children))


def _text(value: Any) -> str | None:
    return str(value) if isinstance(value, (str, int, float)) and str(value) else None


def _model(path: Path, where: str, component: Mapping[str, Any]) -> ModelEntry:
    card = component.get("modelCard")
    if card is not None and not isinstance(card, Mapping):
        raise InputError(path, None, f"{where}.modelCard must be an object")
    filled, missing = _sections(card) if card is not None else ((), MODEL_CARD_SECTIONS)
    return ModelEntry(
        name=_text(component.get("name")) or "(unnamed)",
        group=_text(component.get("group")),
        version=_text(component.get("version")),
        bom_ref=_text(component.get("bom-ref")),
        purl=_text(component.get("purl")),
        location=where,
        model_card=card is not None,
        filled=filled,
        missing=missing,
    )


def model_entry(path: Path, where: str, component: Mapping[str, Any]) -> ModelEntry:
    """One machine-learning-model component as a ModelEntry, for the cyclonedx collector's streamed reads.

    Raises InputError when its ``modelCard`` is not an object.
    """
    return _model(path, where, component)


def analyse_bom(data: Any, path: Path) -> BomReport:
    """The ML models of a parsed CycloneDX BOM; ``path`` only names the file in errors and the report."""
    if not isinstance(data, Mapping) or "bomFormat" not in data:
        raise InputError(path, None, "not a CycloneDX BOM (no bomFormat)")
    if data["bomFormat"] != "CycloneDX":
        raise InputError(path, None, f"not a CycloneDX BOM (bomFormat is {data['bomFormat']!r})")
    spec = data.get("specVersion")
    if spec not in SUPPORTED_SPEC_VERSIONS:
        supported = ", ".join(SUPPORTED_SPEC_VERSIONS)
        raise InputError(path, None, f"CycloneDX specVersion {spec!r} is not supported (ML-BOMs: {supported})")
    metadata = data.get("metadata")
    subject = metadata.get("component") if isinstance(metadata, Mapping) else None
    found = _components(path, [subject] if subject is not None else None, "metadata.component")
    models: list[ModelEntry] = []
    seen_refs: set[str] = set()
    for where, component in [*found, *_components(path, data.get("components"), "components")]:
        if component.get("type") != MODEL_TYPE:
            continue
        entry = _model(path, where, component)
        if entry.bom_ref is not None:
            if entry.bom_ref in seen_refs:
                continue
            seen_refs.add(entry.bom_ref)
        models.append(entry)
    return BomReport(str(path), str(spec), _text(data.get("serialNumber")), tuple(models))


def read_bom(path: Path) -> BomReport:
    """Read a CycloneDX JSON file (at most 50 MB) and report its ML models."""
    return analyse_bom(parse_json(path, decode_text(path, read_bytes(path, MAX_BOM_BYTES))), path)


def _aibom_path(path: Path, data: bytes, directory: Path) -> tuple[str, Path | None]:
    """The BOM's path relative to the workspace, copying it into evidence/aibom/ when it lies outside.

    A different file already stored under the same name is never overwritten (another system may
    cite it): the copy then gets a content hash in its name.
    """
    inside = workspace_relative(path, directory)
    if inside is not None:
        return inside, None
    name = path.name
    target = directory / AIBOM_DIR / name
    if target.is_file() and target.read_bytes() != data:
        name = f"{path.stem}-{hashlib.sha256(data).hexdigest()[:12]}{path.suffix}"
        target = directory / AIBOM_DIR / name
    if not (target.is_file() and target.read_bytes() == data):
        write_atomic(target, data)
    return f"{AIBOM_DIR}/{name}", target


def import_bom(path: Path, directory: Path, system: str | None = None) -> BomImportResult:
    """Record the BOM as the ``aibom`` of ``system``, or of every system whose patterns match a model."""
    document = open_inventory(directory)
    systems = document.validated().systems
    data = read_bytes(path, MAX_BOM_BYTES)
    report = analyse_bom(parse_json(path, decode_text(path, data)), path)
    if system is not None:
        document.require(system)
        targets: Sequence[str] = [system]
        assignments = tuple(ModelAssignment(m, system) for m in report.models)
    else:
        assignments = tuple(
            ModelAssignment(m, next((s.id for i in m.identifiers if (s := find_system(systems, i))), None))
            for m in report.models
        )
        targets = list(dict.fromkeys(a.system for a in assignments if a.system is not None))
    if not targets:
        return BomImportResult(report, None, None, assignments, {})
    aibom, copied = _aibom_path(path, data, directory)
    statuses = {target: document.upsert({"id": target, "aibom": aibom}) for target in targets}
    if any(status != "unchanged" for status in statuses.values()):
        document.save()
    return BomImportResult(report, aibom, copied, assignments, statuses)
