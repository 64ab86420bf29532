"""Unregistered AI ("shadow AI"): assets seen in tool output that match no system of the inventory."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from itertools import groupby, pairwise
from typing import Any, NamedTuple

from aisma.inventory.matching import SystemIndex, index_for
from aisma.inventory.schema import AISystem
from aisma.records import ObservedAsset

# The result lists at most this many unregistered assets (the most seen), beside their exact count:
# a cloud scan can name 100,000s, and a result holding every one ran to 50 MB and 600 MB of memory.
UNREGISTERED_LISTED = 1000


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
    measurement over a subset of the same observations, and by the result's ``unregistered``)."""
    index = index_for(systems)
    kept = index.outside
    if kept is not None and kept[0] is observed:
        return kept[1]
    active = index.active
    flags = [asset_system(active, asset) is None for asset in observed]
    # Discovery and then scoring ask about the same observations of the same inventory: the second
    # asks for the answer instead of matching 100,000s of identifiers again (only the last is kept).
    index.outside = (observed, flags)
    return flags


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


class Unregistered(NamedTuple):
    """The result's shadow AI: the most seen ``UNREGISTERED_LISTED`` assets, and how many there are."""

    listed: tuple[dict[str, Any], ...]
    total: int  # distinct (kind, identifier) outside every active system, listed or not
    by_kind: tuple[tuple[str, int], ...]  # the same count per kind, sorted by kind


def listing_order(entry: Mapping[str, Any]) -> tuple[int, str, str]:
    """The order of the result's list: most seen first, then by kind and identifier (a total order)."""
    return (-int(entry["seen"]), str(entry["kind"]), str(entry["identifier"]))


def _key(asset: ObservedAsset) -> tuple[str, str]:
    return (asset.kind, asset.identifier)


def observed_order(asset: ObservedAsset) -> tuple[str, str, str, str, tuple[str, ...]]:
    """The order an assessment holds observations in (``freeze_inputs``), whatever order files were read."""
    return (asset.kind, asset.identifier, asset.tool, asset.file, asset.seen_with)


def unregistered(
    systems: Sequence[AISystem] | SystemIndex,
    observed: Sequence[ObservedAsset],
    outside: Sequence[bool] | None = None,
    limit: int = UNREGISTERED_LISTED,
) -> Unregistered:
    """Every (kind, identifier) seen at least once outside every active system, counted; the ``limit``
    most seen listed, with where they were seen.

    ``outside``: ``outside_flags(systems, observed)`` when the caller has it already. Memory stays
    bounded by ``limit``, not by the number of assets (a cloud scan may name 100,000s of them): the
    observations of one asset are grouped as they come (``freeze_inputs`` sorts them in
    ``observed_order``; others are sorted here, so the retired system found first does not depend on
    the order files were read), and only the ``limit`` best groups are kept while counting.
    """
    if not observed:  # nothing seen: no index to build (an inventory of 10,000 systems takes seconds)
        return Unregistered((), 0, ())
    index = index_for(systems)
    flags = outside_flags(index, observed) if outside is None else outside
    alone = [asset for asset, out in zip(observed, flags, strict=True) if out]
    if any(observed_order(a) > observed_order(b) for a, b in pairwise(alone)):
        alone.sort(key=observed_order)
    kinds: Counter[str] = Counter()

    def groups() -> Iterator[tuple[int, str, str, list[ObservedAsset]]]:
        for (kind, identifier), same in groupby(alone, key=_key):
            assets = list(same)
            kinds[kind] += 1
            yield (-sum(a.count for a in assets), kind, identifier, assets)

    every = groups()
    best = heapq.nsmallest(limit, every, key=lambda g: g[:3])
    for _ in every:  # the rest, counted (nsmallest stops early when it keeps nothing)
        pass
    retired = index.retired
    listed = []
    for minus_seen, kind, identifier, assets in best:
        tools = sorted({a.tool for a in assets})
        files = sorted({a.file for a in assets})[:10]
        old = next((found for a in assets if (found := asset_system(retired, a)) is not None), None)
        listed.append(
            {
                "kind": kind,
                "identifier": identifier,
                "seen": -minus_seen,
                "tools": tools,
                "files": files,
                "matches_retired_system": old.id if old else None,
            }
        )
    return Unregistered(tuple(listed), sum(kinds.values()), tuple(sorted(kinds.items())))
