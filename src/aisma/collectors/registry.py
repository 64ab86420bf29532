"""Find collectors through the ``aisma.collectors`` entry-point group and check each one.

The checks (Prowler's habit for its checks): the entry-point name, the folder name, the ``id`` in
``collector.yaml`` and the collector object's ``meta.id`` agree, and every metric it measures or
contributes to is in the metric catalog (which includes the metrics the collector defines itself, in
the ``metrics.yaml`` of its folder: ``aisma.maturity.catalogs``). A plugin that fails them is
reported by name, never half-loaded.
"""

from __future__ import annotations

from functools import cache
from importlib import metadata, resources
from typing import Any

import yaml

from aisma.collectors.base import Collector, CollectorMeta
from aisma.errors import AismaError
from aisma.maturity.catalogs import metric_catalog

GROUP = "aisma.collectors"
META_FILE = "collector.yaml"


def read_meta(package: str) -> CollectorMeta:
    """Read and check ``collector.yaml`` inside a collector's package folder."""
    folder = resources.files(package)
    try:
        raw: Any = yaml.safe_load(folder.joinpath(META_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AismaError(f"collector {package}: {META_FILE} is missing") from None
    if not isinstance(raw, dict):
        raise AismaError(f"collector {package}: {META_FILE} must be a mapping")
    required = ("id", "tool", "description", "formats", "versions", "metrics", "evidence_dir", "patterns")
    missing = [key for key in required if key not in raw]
    if missing:
        raise AismaError(f"collector {package}: {META_FILE} lacks {', '.join(missing)}")
    folder_name = package.rsplit(".", 1)[-1].replace("_", "-")
    if raw["id"] != folder_name:
        raise AismaError(f"collector {package}: id {raw['id']!r} does not match its folder {folder_name!r}")
    catalog = metric_catalog()  # the core catalog and every installed collector's own metrics.yaml
    unknown = [m for m in (*raw["metrics"], *(raw.get("contributes") or ())) if m not in catalog]
    if unknown:
        raise AismaError(f"collector {raw['id']}: metrics not in the metric catalog: {', '.join(unknown)}")
    return CollectorMeta(
        id=str(raw["id"]),
        tool=str(raw["tool"]),
        description=str(raw["description"]).strip(),
        formats=tuple(raw["formats"]),
        versions=str(raw["versions"]),
        metrics=tuple(raw["metrics"]),
        evidence_dir=str(raw["evidence_dir"]),
        patterns=tuple(raw["patterns"]),
    )


@cache
def installed() -> dict[str, Collector]:
    """Every collector registered in the entry-point group, by id, after the consistency checks."""
    found: dict[str, Collector] = {}
    for entry in sorted(metadata.entry_points(group=GROUP), key=lambda e: e.name):
        try:
            target = entry.load()
        except Exception as exc:  # a broken plugin must not take the CLI down
            raise AismaError(f"collector {entry.name}: cannot be loaded ({type(exc).__name__}: {exc})") from None
        collector = target() if callable(target) and not hasattr(target, "meta") else target
        meta = getattr(collector, "meta", None)
        if not isinstance(meta, CollectorMeta):
            raise AismaError(f"collector {entry.name}: has no CollectorMeta named meta")
        if meta.id != entry.name:
            raise AismaError(f"collector {entry.name}: entry point name and id {meta.id!r} differ")
        found[entry.name] = collector
    return found


def get(collector_id: str) -> Collector:
    collectors = installed()
    if collector_id not in collectors:
        known = ", ".join(sorted(collectors)) or "none"
        raise AismaError(f"no collector {collector_id!r}; installed: {known}")
    return collectors[collector_id]
