"""The packaged reference catalogs (crosswalk targets) and the metric catalog.

Both are data files inside the package; they are read when first asked for, never at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Literal

import yaml


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


@cache
def metric_catalog() -> dict[str, MetricSpec]:
    """Every metric a model may reference, by id."""
    raw = _read("aisma.maturity", "metrics.yaml")
    assert isinstance(raw, dict)
    return {
        m["id"]: MetricSpec(
            id=m["id"],
            title=m["title"],
            unit=m["unit"],
            direction=m["direction"],
            producers=tuple(m["producers"]),
            compute=m["compute"],
        )
        for m in raw["metrics"]
    }
