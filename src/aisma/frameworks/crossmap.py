"""CISO Assistant mapping sets (``objects.requirement_mapping_sets``): a posture carried from one
framework to another.

A CISO Assistant mapping set pairs requirements of a source framework with requirements of a target
framework, "source RELATIONSHIP target" with the same OLIR relationships as aisma's mapping sets
(``intersect`` read as ``intersects``; ``not_related`` pairs are dropped). Given the posture against
the source framework, the target's posture follows from the same roll-up rule (aisma.frameworks.posture),
each source requirement standing in for an objective: a met source requirement counts as met, a
partial one as unmet with some value (so it can make the target partial, never met), a gap as unmet,
n-a as not applicable; an unmapped source requirement says nothing and is left out. A NIST OLIR
mapping made only of ``intersect`` pairs can therefore show progress on the target but never meet it.

Requirements are matched by the last part of their URN, case-insensitively (``...:gv.oc-01`` is
``GV.OC-01``), which is how CISO Assistant names the nodes of the frameworks aisma ships.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisma.errors import InputError
from aisma.frameworks.mapping import RELATIONSHIPS
from aisma.frameworks.model import Framework, Requirement
from aisma.frameworks.posture import (
    FrameworkPosture,
    ObjectiveLink,
    RequirementPosture,
    requirement_status,
)
from aisma.yamlfile import load_yaml

MAX_PAIRS = 200_000
STAND_IN = {"met": ("met", 1.0), "partial": ("unmet", 0.5), "gap": ("unmet", 0.0), "n-a": ("na", 0.0)}


@dataclass(frozen=True)
class CrossPair:
    source: str  # URN tail, lower case
    target: str
    relationship: str


@dataclass(frozen=True)
class CrossMapping:
    id: str
    title: str
    source_framework: str  # URN tail of the framework URN
    target_framework: str
    license: str
    pairs: tuple[CrossPair, ...]


def _tail(urn: str) -> str:
    return urn.rsplit(":", 1)[-1].lower()


def _sets(raw: Any) -> list[Any]:
    objects = raw.get("objects") if isinstance(raw, dict) else None
    if not isinstance(objects, dict):
        return []
    many = objects.get("requirement_mapping_sets")
    one = objects.get("requirement_mapping_set")  # the older spelling: a single set
    found = list(many) if isinstance(many, list) else []
    return found + ([one] if isinstance(one, dict) else [])


def load_ciso_mapping(path: Path, source_framework: str | None = None) -> CrossMapping:
    """The library's mapping set whose source framework is ``source_framework`` (a library may hold a
    set and its reverse); with no source given the library must hold exactly one."""
    raw = load_yaml(path)
    sets = [s for s in _sets(raw) if isinstance(s, dict) and isinstance(s.get("source_framework_urn"), str)]
    if not sets:
        raise InputError(
            path, getattr(raw, "line", None), "objects.requirement_mapping_sets: expected a CISO Assistant mapping set"
        )
    chosen = [
        s for s in sets if source_framework is None or _tail(s["source_framework_urn"]) == source_framework.lower()
    ]
    if len(chosen) != 1:
        sources = ", ".join(_tail(s["source_framework_urn"]) for s in sets)
        wanted = f"from {source_framework}" if source_framework else "only one"
        raise InputError(
            path, getattr(raw, "line", None), f"no single mapping set {wanted}; the library maps from {sources}"
        )
    found: dict[str, Any] = chosen[0]
    items = found.get("requirement_mappings")
    if not isinstance(items, list) or not items:
        raise InputError(path, getattr(found, "line", None), "requirement_mappings: expected a list of mappings")
    if len(items) > MAX_PAIRS:
        raise InputError(path, getattr(items, "line", None), f"more than {MAX_PAIRS} mappings; not read")
    pairs: list[CrossPair] = []
    for index, item in enumerate(items):
        line = items.item_lines[index] if hasattr(items, "item_lines") else None
        where = f"requirement_mappings[{index}]"
        if not isinstance(item, dict):
            raise InputError(path, line, f"{where}: expected a mapping")
        for key in ("source_requirement_urn", "target_requirement_urn"):
            if not isinstance(item.get(key), str):
                raise InputError(path, line, f"{where}.{key}: expected a URN string")
        relationship = item.get("relationship")
        if relationship == "not_related":
            continue
        relationship = "intersects" if relationship == "intersect" else relationship
        if relationship not in RELATIONSHIPS:
            raise InputError(
                path, line, f"{where}.relationship: {relationship!r} is not equal, subset, superset or intersect"
            )
        pairs.append(
            CrossPair(_tail(item["source_requirement_urn"]), _tail(item["target_requirement_urn"]), relationship)
        )
    if not isinstance(found.get("target_framework_urn"), str):
        raise InputError(path, getattr(found, "line", None), "target_framework_urn: expected a URN string")
    return CrossMapping(
        id=str(found.get("ref_id") or path.stem),
        title=str(found.get("name") or path.stem),
        source_framework=_tail(found["source_framework_urn"]),
        target_framework=_tail(found["target_framework_urn"]),
        license=str(raw.get("copyright") or "not stated in the library"),
        pairs=tuple(pairs),
    )


def target_outline(mapping: CrossMapping) -> Framework:
    """The target framework as the mapping set names it (ids only), when its library is not at hand."""
    ids = list(dict.fromkeys(p.target for p in mapping.pairs))
    return Framework(
        id=mapping.target_framework,
        title=mapping.target_framework,
        source=f"requirement ids named by CISO Assistant mapping set {mapping.id}",
        license=mapping.license,
        requirements=tuple(Requirement(id=i, title=i) for i in ids),
        origin="mapping set",
    )


def translate(source: FrameworkPosture, mapping: CrossMapping, target: Framework) -> FrameworkPosture:
    """The target framework's posture from the source posture, through the mapping set's pairs."""
    by_tail = {r.id.lower(): r for r in source.requirements}
    target_ids = {r.id.lower(): r.id for r in target.requirements}
    links: dict[str, list[ObjectiveLink]] = {}
    for pair in mapping.pairs:
        row = by_tail.get(pair.source)
        target_id = target_ids.get(pair.target)
        if row is None or target_id is None or row.status == "unmapped":
            continue
        status, value = STAND_IN[row.status]
        links.setdefault(target_id, []).append(
            ObjectiveLink(
                id=row.id,
                title=row.title,
                category=source.framework,
                relationship=pair.relationship,
                rationale=f"{source.framework} {row.id} is {row.status}",
                status=status,
                applicable=status != "na",
                answer=row.status,
                value=value,
                source=f"{source.framework} posture",
                measurement=None,
                evidence=tuple(e for o in row.objectives for e in o.evidence),
            )
        )
    rows = tuple(
        RequirementPosture(
            id=r.id,
            title=r.title,
            text=r.text,
            parent=r.parent,
            status=requirement_status(tuple(links.get(r.id, ()))),
            derived=False,
            assessable=r.assessable or r.id in links,
            objectives=tuple(links.get(r.id, ())),
        )
        for r in target.requirements
    )
    return FrameworkPosture(
        framework=target.id,
        framework_title=target.title,
        source=target.source,
        license=target.license,
        mapping_set=f"{source.mapping_set} then {mapping.id}",
        organization=source.organization,
        model_id=source.model_id,
        assessed_at=source.assessed_at,
        time_basis=source.time_basis,
        requirements=rows,
    )
