"""The ``cyclonedx`` collector: ML-BOM KPIs (model cards, provenance, sources, artifacts, datasets), streamed.

Each BOM is read by ``bom.read_bom_tally`` and measured on its own, so every measurement carries
its file's sha256 and the BOM's own timestamp; measurements of the same metric add up across files.
The BOMs measured depend on the metric, as the catalog says:

- model-card completeness: every model component of every BOM given;
- provenance, approved source, datasets: the latest BOM of each system (by ``metadata.timestamp``),
  so an evidence folder holding a BOM's history counts each system once; a BOM that describes no
  inventory system stands for its own subject (``metadata.component``);
- load-safe artifacts: the latest BOM of each active self-hosted or PaaS system; signed and scanned
  artifacts: the same for production systems. With an empty inventory every latest BOM counts.

``aibom.systems.coverage_ratio`` is not produced here: the inventory produces it from the systems'
``aibom`` field, and measurements of one metric are summed, so a second count of the same systems
would double the denominator and average two views instead of measuring coverage.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source, ratio
from aisma.collectors.cyclonedx.bom import (
    APPROVED,
    COMPLETENESS,
    DATASETS,
    LOAD_SAFE,
    PROVENANCE,
    SIGNED,
    BomTally,
    read_bom_tally,
)
from aisma.collectors.cyclonedx.settings import parse_settings
from aisma.collectors.registry import read_meta
from aisma.inventory.matching import index_for
from aisma.inventory.schema import AISystem
from aisma.scoring.inputs import Measurement

ARTIFACT_DEPLOYMENTS = ("self_hosted", "paas")


def _cites(system: AISystem, path: Path, context: CollectContext) -> bool:
    """The system's ``aibom`` names this file (relative to the workspace, or as given)."""
    if not system.aibom:
        return False
    cited = Path(system.aibom)
    if context.root is not None and not cited.is_absolute():
        cited = context.root / cited
    try:
        return cited.resolve() == path.resolve()
    except OSError:
        return False


def _subject(tally: BomTally) -> str:
    subject = tally.header.subject
    name = str(subject.get("name") or "")
    group = str(subject.get("group") or "")
    return f"{group}/{name}" if name else tally.header.serial_number or str(tally.path)


def _latest(tallies: Sequence[BomTally], systems: Sequence[AISystem]) -> dict[str, BomTally]:
    """The newest BOM per system id (or per subject, ``bom:<name>``, for BOMs of no system)."""
    latest: dict[str, BomTally] = {}
    for tally in tallies:
        for key in sorted(tally.systems) or [f"bom:{_subject(tally)}"]:
            if key not in latest or tally.observed_at >= latest[key].observed_at:
                latest[key] = tally
    return latest


class CycloneDxCollector:
    """Two streamed passes per BOM; one measurement per metric per BOM in the metric's scope."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        settings = parse_settings(context.settings)
        index = index_for(context.inventory.systems).active
        systems = index.systems
        tallies: list[BomTally] = []
        reads = FileReads(context)

        def read(path: Path) -> BomTally:
            cited = {s.id for s in systems if _cites(s, path, context)}
            return read_bom_tally(path, settings, index, cited)

        for path, tally in reads.each(paths, read):
            tallies.append(tally)
            if context.progress:
                context.progress(path.stat().st_size)
        latest = _latest(tallies, systems)
        by_id = {s.id: s for s in systems}
        chosen = {id(t) for t in latest.values()}

        def scoped(production_only: bool) -> set[int]:
            if not systems:
                return chosen
            return {
                id(t)
                for key, t in latest.items()
                if key in by_id
                and by_id[key].deployment_type in ARTIFACT_DEPLOYMENTS
                and (by_id[key].environment == "production" or not production_only)
            }

        scopes = {
            COMPLETENESS: {id(t) for t in tallies},
            PROVENANCE: chosen,
            DATASETS: chosen,
            APPROVED: chosen if settings.approved_model_sources is not None else set(),
            LOAD_SAFE: scoped(production_only=False),
            SIGNED: scoped(production_only=True),
        }
        out: list[Measurement] = []
        for tally in tallies:
            source = None
            for metric, scope in scopes.items():
                count = tally.counts[metric]
                if id(tally) not in scope or not count.total:
                    continue
                if source is None:
                    tool = tally.header.tool or "CycloneDX"
                    version = tally.header.tool_version if tally.header.tool else tally.header.spec_version
                    source = file_source(tally.path, tool, version, context)
                out.append(ratio(metric, count.passed, count.total, tally.observed_at, source, count.failing))
        return CollectionResult(
            measurements=tuple(out),
            warnings=tuple(self._warnings(tallies, chosen, context)),
            unreadable=tuple(reads.unreadable),
        )

    @staticmethod
    def _warnings(tallies: Sequence[BomTally], chosen: set[int], context: CollectContext) -> list[str]:
        out = []
        has_systems = bool(context.inventory.active_systems())
        for tally in tallies:
            name = context.display_name(tally.path)
            if not tally.models:
                version = tally.header.spec_version
                why = " (CycloneDX 1.4 has no model components: ML-BOMs start with 1.5)" if version == "1.4" else ""
                out.append(f"{name}: no machine-learning-model component{why}; nothing measured")
                continue
            if tally.dated_by_file:
                out.append(f"{name}: no metadata.timestamp; dated by the file's modification time")
            if has_systems and not tally.systems:
                out.append(f"{name}: describes no inventory system (no aibom field, aisma:system property or match)")
            if id(tally) not in chosen:
                out.append(f"{name}: a newer BOM of the same system exists; counted for model-card completeness only")
        closed = sum(t.closed_vulnerabilities for t in tallies)
        if closed:
            out.append(
                f"{closed} vulnerability entries are analysed as resolved, false positive or not affected "
                "and were not counted as open"
            )
        return out


def collector() -> CycloneDxCollector:
    return CycloneDxCollector()
