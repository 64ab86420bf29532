"""Read one ML-BOM in two streamed passes and count, per metric, its model components that pass.

Pass one indexes what the model checks look up elsewhere in the file (data components by
bom-ref, vulnerabilities by the bom-ref they affect), because a BOM lists them in any order. Pass
two checks each model component as it streams by and keeps only counters, the first failing items
and the identifiers that tie the BOM to inventory systems. Memory grows with the data components,
vulnerabilities and distinct datasets of a BOM, never with its models or libraries.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from aisma.collectors.base import MAX_DETAILS, file_time, parse_time
from aisma.collectors.cyclonedx.checks import MODEL_TYPE, BomIndex, approved_source, datasets, model_facts, walk
from aisma.collectors.cyclonedx.importer import MODEL_CARD_SECTIONS, model_entry
from aisma.collectors.cyclonedx.settings import CycloneDxSettings
from aisma.collectors.cyclonedx.stream import EXPECTED, BomHeader, Handler, check, scan
from aisma.collectors.cyclonedx.xmlstream import scan_xml
from aisma.errors import InputError
from aisma.formats.jsonstream import open_json, shape_error
from aisma.inventory.matching import SystemIndex

COMPLETENESS = "aibom.model_cards.completeness_ratio"
PROVENANCE = "aibom.models.provenance_ratio"
APPROVED = "aibom.models.approved_source_ratio"
LOAD_SAFE = "aibom.models.load_safe_ratio"
SIGNED = "aibom.models.signed_scanned_ratio"
DATASETS = "aibom.datasets.provenance_ratio"


@dataclass
class Count:
    passed: int = 0
    total: int = 0
    failing: list[str] = field(default_factory=list)

    def add(self, ok: bool, label: str) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        elif len(self.failing) < MAX_DETAILS:
            self.failing.append(label)


@dataclass
class BomTally:
    path: Path
    header: BomHeader
    observed_at: datetime
    counts: dict[str, Count]
    systems: set[str]  # the inventory systems this BOM describes
    closed_vulnerabilities: int
    dated_by_file: bool = False  # no metadata.timestamp: observed_at is the file's modification time

    @property
    def models(self) -> int:
        """Model components read (model-card completeness counts every section of each)."""
        return self.counts[COMPLETENESS].total // len(MODEL_CARD_SECTIONS)


def _label(component: Mapping[str, Any]) -> str:
    name = str(component.get("name") or "(unnamed)")
    group, version = component.get("group"), component.get("version")
    base = f"{group}/{name}" if group else name
    return base + (f"@{version}" if version else "")


class _Reader:
    """Pass two: the state of one BOM while its components stream by."""

    def __init__(self, path: Path, index: BomIndex, settings: CycloneDxSettings, systems: SystemIndex) -> None:
        self.path, self.index, self.settings, self.systems = path, index, settings, systems
        self.counts = {m: Count() for m in (COMPLETENESS, PROVENANCE, APPROVED, LOAD_SAFE, SIGNED, DATASETS)}
        self.matched: set[str] = set()
        self.subject_ref = ""
        self.datasets: dict[str, tuple[bool, str]] = {}

    def component(self, where: str, top: Mapping[str, Any]) -> None:
        if where == "metadata.component":
            self.subject_ref = str(top.get("bom-ref") or "")
            self._match((str(top.get("name") or ""), str(top.get("purl") or ""), self.subject_ref))
        elif self.subject_ref and top.get("bom-ref") == self.subject_ref:
            return  # the subject listed again among the components
        for component in walk(top):
            if component.get("type") == MODEL_TYPE:
                self._model(where, component)

    def _match(self, identifiers: Sequence[str]) -> None:
        if not self.systems.systems:
            return
        for identifier in identifiers:
            found = self.systems.first(identifier) if identifier else None
            if found is not None:
                self.matched.add(found.id)
                return

    def _model(self, where: str, component: Mapping[str, Any]) -> None:
        try:
            entry = model_entry(self.path, where, component)
        except InputError as exc:
            raise shape_error(self.path, exc.detail, EXPECTED) from None
        self._match(entry.identifiers)
        label = _label(component)
        counts = self.counts
        counts[COMPLETENESS].passed += len(entry.filled)
        counts[COMPLETENESS].total += len(MODEL_CARD_SECTIONS)
        if entry.missing and len(counts[COMPLETENESS].failing) < MAX_DETAILS:
            counts[COMPLETENESS].failing.append(
                f"{label}: {len(entry.missing)} of {len(MODEL_CARD_SECTIONS)} sections empty"
            )
        facts = model_facts(component, self.index, frozenset(self.settings.safe_formats))
        counts[PROVENANCE].add(not facts.provenance_gap, f"{label}: {facts.provenance_gap}")
        patterns = self.settings.approved_model_sources or ()
        counts[APPROVED].add(approved_source(facts, patterns), f"{label}: source not on the approved list")
        if facts.loadable:
            counts[LOAD_SAFE].add(not facts.load_gap, f"{label}: {facts.load_gap}")
            counts[SIGNED].add(not facts.signed_gap, f"{label}: {facts.signed_gap}")
        for key, documented, dataset_label in datasets(component, self.index):
            if key not in self.datasets or (documented and not self.datasets[key][0]):
                self.datasets[key] = (documented, dataset_label)

    def finish(self) -> dict[str, Count]:
        for documented, label in (self.datasets[key] for key in sorted(self.datasets)):
            self.counts[DATASETS].add(documented, label)
        return self.counts


def scan_bom(path: Path, on_component: Handler, on_vulnerability: Callable[[Mapping[str, Any]], None]) -> BomHeader:
    """One pass over a JSON or XML BOM (told apart by its first byte)."""
    with open_json(path, EXPECTED) as (_handle, first):
        xml = first == b"<"
    if not xml:
        return scan(path, on_component, on_vulnerability)
    header = scan_xml(path, on_component, on_vulnerability)
    check(path, header)
    return header


def read_bom_tally(path: Path, settings: CycloneDxSettings, systems: SystemIndex, cited: set[str]) -> BomTally:
    """Both passes over one file; a file that is not a CycloneDX BOM is a one-line AismaError.

    The BOM describes the systems that cite it (``cited``, from their ``aibom`` field) and those its
    ``aisma:system`` metadata properties name; only when there are none are match patterns tried on
    its subject and model components.
    """
    index = BomIndex()

    def index_component(_where: str, top: Mapping[str, Any]) -> None:
        for component in walk(top):
            index.component(component)

    first = scan_bom(path, index_component, index.vulnerability)
    known = {s.id for s in systems.systems}
    explicit = cited | {name for name in first.systems if name in known}
    # a BOM that names its systems is not matched by patterns
    reader = _Reader(path, index, settings, SystemIndex(()) if explicit else systems)
    header = scan_bom(path, reader.component, lambda _raw: None)
    stamped = parse_time(header.timestamp)
    return BomTally(
        path=path,
        header=header,
        observed_at=stamped or file_time(path),
        counts=reader.finish(),
        systems=explicit or reader.matched,
        closed_vulnerabilities=index.closed,
        dated_by_file=stamped is None,
    )
