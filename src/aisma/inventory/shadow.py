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


def outside_flags(systems: Sequence[AISystem] | SystemIndex, observed: Sequence[ObservedAsset]) -> list[bool]:
    """For each observation, whether it belongs to no active system (computed once, reused by every
    measurement over a subset of the same observations)."""
    active = index_for(systems).active
    return [asset_system(active, asset) is None for asset in observed]


def unregistered_keys(observed: Sequence[ObservedAsset], outside: Sequence[bool]) -> list[tuple[str, str]]:
    """The distinct (kind, identifier) seen at least once outside every active system, sorted: what
    ``unregistered`` lists, without building its entries (a cloud scan may name 100,000s of them)."""
    return sorted({(a.kind, a.identifier) for a, alone in zip(observed, outside, strict=True) if alone})


def retired_matches(
    systems: Sequence[AISystem] | SystemIndex,
    observed: Sequence[ObservedAsset],
    outside: Sequence[bool],
    keys: Sequence[tuple[str, str]],
) -> dict[tuple[str, str], str | None]:
    """For each of ``keys``, the retired system its unregistered observations match (``unregistered``'s
    ``matches_retired_system``): the first found, in the order of the observations."""
    retired = index_for(systems).retired
    found: dict[tuple[str, str], str | None] = dict.fromkeys(keys)
    for asset, alone in zip(observed, outside, strict=True):
        key = (asset.kind, asset.identifier)
        if alone and key in found and found[key] is None:
            old = asset_system(retired, asset)
            found[key] = old.id if old else None
    return found


def unregistered(
    systems: Sequence[AISystem] | SystemIndex,
    observed: Sequence[ObservedAsset],
    outside: Sequence[bool] | None = None,
) -> tuple[dict[str, Any], ...]:
    """One entry per (kind, identifier) seen at least once outside every active system, with where it was seen.

    ``outside``: ``outside_flags(systems, observed)`` when the caller has it already. Kept lean while
    grouping (a tool or file is a string until a second one is seen): a scan may name 100,000s of assets.
    """
    if not observed:  # nothing seen: no index to build (an inventory of 10,000 systems takes seconds)
        return ()
    index = index_for(systems)
    retired = index.retired
    flags = outside_flags(index, observed) if outside is None else outside
    # (kind, identifier) -> [seen, tool or tools, file or files, retired system or None]
    grouped: dict[tuple[str, str], list[Any]] = {}
    for asset, alone in zip(observed, flags, strict=True):
        if not alone:
            continue
        key = (asset.kind, asset.identifier)
        entry = grouped.get(key)
        if entry is None:
            grouped[key] = [asset.count, asset.tool, asset.file, asset_system(retired, asset)]
            continue
        entry[0] += asset.count
        for slot, value in ((1, asset.tool), (2, asset.file)):
            held = entry[slot]
            if isinstance(held, set):
                held.add(value)
            elif held != value:
                entry[slot] = {held, value}
        if entry[3] is None:
            entry[3] = asset_system(retired, asset)
    out = []
    for (kind, identifier), (seen, tools, files, old) in sorted(grouped.items()):
        out.append(
            {
                "kind": kind,
                "identifier": identifier,
                "seen": seen,
                "tools": sorted(tools) if isinstance(tools, set) else [tools],
                "files": sorted(files)[:10] if isinstance(files, set) else [files],
                "matches_retired_system": old.id if old else None,
            }
        )
    return tuple(out)
