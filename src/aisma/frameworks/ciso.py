"""CISO Assistant library YAML (``objects.framework``) read into a ``Framework``.

A library holds one framework whose ``requirement_nodes`` list every heading and requirement with a
URN, an optional ``ref_id``, ``name`` and ``description``, ``parent_urn`` and ``assessable``. The id
of a requirement here is its ``ref_id`` (``GOVERN 1.1``), so the mapping sets written for aisma's
built-in frameworks apply to the same framework imported from CISO Assistant; a node without a
``ref_id`` (or with one used twice) is named by the last part of its URN. The library's
``copyright`` is kept as the framework's license. The format: intuitem/ciso-assistant-community,
backend/library (read for its field names; no code taken).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aisma.errors import InputError
from aisma.frameworks.model import Framework, Requirement
from aisma.yamlfile import load_yaml

MAX_NODES = 20_000
MAX_TEXT = 4_000


def _line(node: Any) -> int | None:
    return getattr(node, "line", None)


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def load_ciso_library(path: Path, framework_id: str | None = None) -> Framework:
    raw = load_yaml(path)
    objects = raw.get("objects") if isinstance(raw, dict) else None
    framework = objects.get("framework") if isinstance(objects, dict) else None
    if not isinstance(framework, dict):
        raise InputError(path, _line(raw), "objects.framework: expected a CISO Assistant framework library")
    nodes = framework.get("requirement_nodes")
    if not isinstance(nodes, list) or not nodes:
        raise InputError(path, _line(framework), "objects.framework.requirement_nodes: expected a list of nodes")
    if len(nodes) > MAX_NODES:
        raise InputError(path, _line(nodes), f"more than {MAX_NODES} requirement nodes; not read")
    ref_counts: dict[str, int] = {}
    for node in nodes:
        if isinstance(node, dict) and node.get("ref_id") is not None:
            ref_counts[str(node["ref_id"])] = ref_counts.get(str(node["ref_id"]), 0) + 1
    ids: dict[str, str] = {}
    for index, node in enumerate(nodes):
        line = nodes.item_lines[index] if hasattr(nodes, "item_lines") else None
        if not isinstance(node, dict) or not isinstance(node.get("urn"), str):
            raise InputError(path, line, f"requirement_nodes[{index}].urn: expected a URN string")
        ref = node.get("ref_id")
        ref_id = str(ref) if ref is not None else ""
        ids[node["urn"]] = ref_id if ref_id and ref_counts[ref_id] == 1 else node["urn"].rsplit(":", 1)[-1]
    if len(set(ids.values())) != len(ids):
        raise InputError(path, _line(nodes), "two requirement nodes share a URN or its last part")
    requirements = []
    for index, node in enumerate(nodes):
        line = nodes.item_lines[index] if hasattr(nodes, "item_lines") else None
        parent_urn = node.get("parent_urn")
        if parent_urn is not None and parent_urn not in ids:
            raise InputError(path, line, f"requirement_nodes[{index}].parent_urn: {parent_urn} is not a node above")
        name = str(node.get("name") or "")
        description = str(node.get("description") or "")
        requirements.append(
            Requirement(
                id=ids[node["urn"]],
                title=" ".join((name or str(node.get("ref_id") or "") or description).split())[:120],
                text=_clip(description),
                parent=ids[parent_urn] if parent_urn is not None else None,
                kind="requirement" if node.get("assessable") else "section",
                assessable=bool(node.get("assessable")),
            )
        )
    return Framework(
        id=framework_id or str(framework.get("ref_id") or raw.get("ref_id") or path.stem),
        title=str(framework.get("name") or raw.get("name") or path.stem),
        version=str(raw.get("version") or ""),
        source=f"CISO Assistant library {raw.get('urn', path.name)} (provider {raw.get('provider', 'unknown')}, "
        f"packager {raw.get('packager', 'unknown')})",
        license=str(raw.get("copyright") or "not stated in the library"),
        requirements=tuple(requirements),
        origin=str(path),
    )
