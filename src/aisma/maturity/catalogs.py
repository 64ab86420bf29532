"""The packaged reference catalogs (crosswalk targets) and the metric catalog.

Both are data files; they are read when first asked for, never at import time. The metric catalog is
the core file (``metrics.yaml``: the metrics of no single tool) plus the definitions every installed
collector ships in its own folder (``metrics.yaml`` beside its ``collector.yaml``), so a third-party
collector adds the metrics it measures and a model may use them. Those files are read as data through
the ``aisma.collectors`` entry points (where the package is, not its code): the model sits below the
collectors and never imports one. A metric's producers are derived: ``inventory`` where the core file
says so, and each collector whose ``collector.yaml`` lists it under ``metrics`` or ``contributes``.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from functools import cache
from importlib import metadata, resources
from pathlib import Path
from typing import Any, Literal

import yaml

from aisma.errors import AismaError

COLLECTORS_GROUP = "aisma.collectors"


@dataclass(frozen=True)
class ReferenceItem:
    id: str
    title: str
    kind: str
    parent: str | None
    text: str = ""


@dataclass(frozen=True)
class ReferenceCatalog:
    """One external framework: its ids, and the source and license we ship it under."""

    framework: str
    title: str
    source: str
    license: str
    items: tuple[ReferenceItem, ...]
    withdrawn: frozenset[str]

    def ids(self) -> frozenset[str]:
        return frozenset(item.id for item in self.items)

    def get(self, item_id: str) -> ReferenceItem | None:
        return next((item for item in self.items if item.id == item_id), None)


@dataclass(frozen=True)
class MetricSpec:
    id: str
    title: str
    unit: Literal["ratio", "count"]
    direction: Literal["higher_is_better", "lower_is_better"]
    producers: tuple[str, ...]
    compute: str


def _read(package: str, name: str) -> object:
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


@cache
def reference_catalogs() -> dict[str, ReferenceCatalog]:
    """Every packaged catalog by framework id (``nist-csf-2.0``, ``eu-ai-act``, ...)."""
    catalogs: dict[str, ReferenceCatalog] = {}
    folder = resources.files("aisma.maturity").joinpath("references")
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        raw = _read("aisma.maturity.references", entry.name)
        assert isinstance(raw, dict)
        items: list[ReferenceItem] = []
        for item in raw["items"]:
            items.append(
                ReferenceItem(
                    id=str(item["id"]),
                    title=str(item.get("title") or item.get("statement") or item["id"]),
                    kind=str(item.get("kind", "item")),
                    parent=item.get("parent"),
                    text=str(item.get("statement") or ""),
                )
            )
            # ISO/IEC 42001 areas list their control ids; a model may cite either.
            for control in item.get("controls") or ():
                items.append(
                    ReferenceItem(id=str(control), title=str(item["title"]), kind="control", parent=item["id"])
                )
        catalogs[raw["framework"]] = ReferenceCatalog(
            framework=raw["framework"],
            title=raw["title"],
            source=raw["source"],
            license=raw["license"],
            items=tuple(items),
            withdrawn=frozenset(raw.get("withdrawn") or ()),
        )
    return catalogs


@dataclass(frozen=True)
class CollectorDeclaration:
    """What a collector's folder says about metrics: those it defines, measures and feeds."""

    id: str
    defines: tuple[dict[str, Any], ...]
    measures: tuple[str, ...]
    contributes: tuple[str, ...]


def _yaml_file(path: Path) -> Any:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506


def collector_folder(module: str) -> Path | None:
    """The folder of a collector's package, found without running its code (None: not a folder package)."""
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or ()) if spec is not None else []
    return Path(locations[0]) if locations else None


def collector_declarations() -> list[CollectorDeclaration]:
    """Every installed collector's metric declarations, by entry-point name.

    A collector whose folder cannot be found or has no ``collector.yaml`` declares nothing here; the
    collector registry reports it by name when it is loaded.
    """
    out: list[CollectorDeclaration] = []
    for entry in sorted(metadata.entry_points(group=COLLECTORS_GROUP), key=lambda e: e.name):
        folder = collector_folder(entry.module)
        if folder is None or not (folder / "collector.yaml").is_file():
            continue
        meta = _yaml_file(folder / "collector.yaml")
        if not isinstance(meta, dict):
            continue
        owned = folder / "metrics.yaml"
        defines: list[dict[str, Any]] = []
        if owned.is_file():
            raw = _yaml_file(owned)
            if not isinstance(raw, dict) or not isinstance(raw.get("metrics"), list):
                raise AismaError(f"collector {entry.name}: {owned.name} must hold a list named metrics")
            defines = raw["metrics"]
        out.append(
            CollectorDeclaration(
                id=entry.name,
                defines=tuple(defines),
                measures=tuple(str(m) for m in meta.get("metrics") or ()),
                contributes=tuple(str(m) for m in meta.get("contributes") or ()),
            )
        )
    return out


def _spec(m: dict[str, Any], producers: tuple[str, ...], where: str) -> MetricSpec:
    missing = [key for key in ("id", "title", "unit", "direction", "compute") if key not in m]
    if missing:
        raise AismaError(f"{where}: metric {m.get('id', '?')} lacks {', '.join(missing)}")
    if m["unit"] not in ("ratio", "count") or m["direction"] not in ("higher_is_better", "lower_is_better"):
        raise AismaError(
            f"{where}: metric {m['id']}: unit must be ratio or count, direction higher_is_better or lower_is_better"
        )
    return MetricSpec(
        id=str(m["id"]),
        title=str(m["title"]),
        unit=m["unit"],
        direction=m["direction"],
        producers=producers,
        compute=str(m["compute"]),
    )


@cache
def metric_catalog() -> dict[str, MetricSpec]:
    """Every metric a model may reference, by id: the core catalog and the installed collectors' own."""
    raw = _read("aisma.maturity", "metrics.yaml")
    assert isinstance(raw, dict)
    declarations = collector_declarations()
    defined: dict[str, tuple[dict[str, Any], tuple[str, ...], str]] = {
        m["id"]: (m, tuple(m.get("producers") or ()), "metrics.yaml") for m in raw["metrics"]
    }
    for d in declarations:
        for m in d.defines:
            where = f"collector {d.id} metrics.yaml"
            if not isinstance(m, dict) or "id" not in m:
                raise AismaError(f"{where}: each metric is a mapping with an id")
            if m["id"] in defined:
                raise AismaError(f"{where}: metric {m['id']} is already defined by {defined[m['id']][2]}")
            defined[m["id"]] = (m, (), where)
    catalog: dict[str, MetricSpec] = {}
    for metric_id, (m, core_producers, where) in defined.items():
        collectors = tuple(d.id for d in declarations if metric_id in d.measures or metric_id in d.contributes)
        catalog[metric_id] = _spec(m, core_producers + collectors, where)
    return catalog
