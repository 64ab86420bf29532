"""Run collectors: over explicit files (``aisma collect``) or over a workspace's evidence (``assess``).

A file a collector cannot read (broken, truncated, another tool's, hostile) is skipped with one line
in ``CollectionResult.unreadable`` and in the warnings, and every other file is still read: one bad
file under evidence/ does not stop the assessment. A setting that is wrong in aisma.yaml still stops
the run with one line. Nothing is written anywhere by collecting, so the workspace stays as it was.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from aisma.collectors.base import CollectContext, CollectionResult, Collector, ProgressCallback
from aisma.collectors.registry import installed
from aisma.errors import AismaError
from aisma.fileio import evidence_files
from aisma.inventory.schema import Inventory
from aisma.layout import EVIDENCE_DIR
from aisma.scoring.inputs import Measurement, ObservedAsset

# Keys under `collectors:` in aisma.yaml that configure something other than a collector.
NON_COLLECTOR_SETTINGS = frozenset({"inventory"})


def run_collector(collector: Collector, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
    """One collector over its files, with every failure turned into a one-line error."""
    for path in paths:
        if not path.is_file():
            raise AismaError(f"{path}: no such file (collector {collector.meta.id})")
    try:
        return collector.collect(paths, context)
    except AismaError:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        if os.environ.get("AISMA_DEBUG"):
            raise
        files = ", ".join(context.display_name(p) for p in paths[:3])
        raise AismaError(
            f"collector {collector.meta.id} could not read {files}: {type(exc).__name__}: {exc}; "
            f"expected {' or '.join(collector.meta.formats)}"
        ) from None


def check_settings(settings: Mapping[str, Any]) -> None:
    collectors = installed()
    for key, value in settings.items():
        if key in NON_COLLECTOR_SETTINGS:
            continue
        if key not in collectors:
            known = ", ".join(sorted(collectors))
            raise AismaError(f"aisma.yaml: collectors.{key} is not an installed collector (installed: {known})")
        if value is not None and not isinstance(value, Mapping):
            raise AismaError(f"aisma.yaml: collectors.{key} must be a mapping of settings")


def collect_workspace(
    root: Path,
    settings: Mapping[str, Any],
    inventory: Inventory,
    assessed_at: datetime,
    progress: ProgressCallback | None = None,
) -> CollectionResult:
    """Every installed collector over its evidence folder (or the configured ``paths``), merged."""
    check_settings(settings)
    measurements: list[Measurement] = []
    observed: list[ObservedAsset] = []
    warnings: list[str] = []
    unreadable: list[str] = []
    for collector_id, collector in sorted(installed().items()):
        own: Mapping[str, Any] = settings.get(collector_id) or {}
        if own.get("enabled") is False:
            continue
        if not collector.meta.patterns:
            # A live collector (an API, not files) runs only when configured: assessments work offline.
            if collector_id not in settings:
                continue
            paths: list[Path] = []
        elif "paths" in own:
            raw_paths = own["paths"]
            if not isinstance(raw_paths, list) or not all(isinstance(p, str) for p in raw_paths):
                raise AismaError(f"aisma.yaml: collectors.{collector_id}.paths must be a list of file paths")
            paths = [root / p for p in raw_paths]
        else:
            paths = evidence_files(root / EVIDENCE_DIR / collector.meta.evidence_dir, collector.meta.patterns)
        missing = [p for p in paths if not p.is_file()]
        if missing:
            unreadable.extend(f"{collector_id}: {p}: no such file (listed in aisma.yaml paths)" for p in missing)
            paths = [p for p in paths if p not in missing]
        if not paths and collector.meta.patterns:
            continue
        context = CollectContext(
            assessed_at=assessed_at, inventory=inventory, settings=own, root=root, progress=progress
        )
        result = run_collector(collector, paths, context)
        measurements.extend(result.measurements)
        observed.extend(result.observed)
        warnings.extend(f"{collector_id}: {w}" for w in result.warnings)
        unreadable.extend(
            f"{collector_id}: {line} (file skipped: what it would measure is missing)" for line in result.unreadable
        )
    return CollectionResult(
        measurements=tuple(measurements),
        observed=tuple(observed),
        warnings=tuple(unreadable + warnings),
        unreadable=tuple(unreadable),
    )
