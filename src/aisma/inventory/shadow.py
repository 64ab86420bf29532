"""Unregistered AI ("shadow AI"): assets seen in tool output that match no system of the inventory."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aisma.inventory.matching import SystemIndex, index_for
from aisma.inventory.schema import AISystem
from aisma.records import ObservedAsset


def asset_system(systems: Sequence[AISystem] | SystemIndex, asset: ObservedAsset) -> AISystem | None:
    """The system an observation belongs to: by the asset's own identifier, else by what it was seen with.

    An MCP server belongs to the systems that list it under ``mcp_servers``.
    """
    index = index_for(systems)
    if asset.kind == "mcp_server":
        listed = index.listing(asset.identifier)
        if listed:
            return listed[0]
    for identifier in (asset.identifier, *asset.seen_with):
        found = index.first(identifier)
        if found is not None:
            return found
    return None


def asset_systems(index: SystemIndex, asset: ObservedAsset) -> set[str]:
    """The ids of every system of ``index`` the observation belongs to (``asset_system``'s rule, all hits)."""
    found = {s.id for s in index.listing(asset.identifier)} if asset.kind == "mcp_server" else set()
    for identifier in (asset.identifier, *asset.seen_with):
        found.update(s.id for s in index.every(identifier))
    return found


def unregistered(
    systems: Sequence[AISystem] | SystemIndex, observed: Sequence[ObservedAsset]
) -> tuple[dict[str, Any], ...]:
    """One entry per (kind, identifier) seen at least once outside every active system, with where it was seen."""
    index = index_for(systems)
    active, retired = index.active, index.retired
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for asset in observed:
        if asset_system(active, asset) is not None:
            continue
        key = (asset.kind, asset.identifier)
        entry = grouped.setdefault(
            key,
            {
                "kind": asset.kind,
                "identifier": asset.identifier,
                "seen": 0,
                "tools": set(),
                "files": set(),
                "old": None,
            },
        )
        entry["seen"] += asset.count
        entry["tools"].add(asset.tool)
        entry["files"].add(asset.file)
        if entry["old"] is None:
            entry["old"] = asset_system(retired, asset)
    out = []
    for (kind, identifier), entry in sorted(grouped.items()):
        old = entry["old"]
        out.append(
            {
                "kind": kind,
                "identifier": identifier,
                "seen": entry["seen"],
                "tools": sorted(entry["tools"]),
                "files": sorted(entry["files"])[:10],
                "matches_retired_system": old.id if old else None,
            }
        )
    return tuple(out)
