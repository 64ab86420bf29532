"""Discovery: the models, agents and endpoints that tool output shows, to reconcile with the inventory.

An inventory built from interviews drifts; traces and cloud scans show what really runs. The
collectors that read that output (``otel`` over traces, ``prowler`` over OCSF findings, ``mcp-config``
over MCP client configurations) report what they saw as ObservedAssets in the same pass that
measures (``Sightings`` here; what one span or finding shows is each collector's own knowledge, in
``aisma.collectors.otel.sightings`` and ``aisma.collectors.prowler.sightings``), and this module
measures how much of what was seen the inventory knows. Assets that match no active system are
reported as unregistered AI by ``aisma.inventory.shadow``; the measurements here count the same
set, so the report and the KPI agree.

Matching rules, kept explainable:
- a model or endpoint in a span belongs to a system when its own identifier matches, or when
  something else in the same span does (the calling service as ``service.name=...``, the agent,
  the model); a shared endpoint such as ``bedrock-runtime.eu-central-1.amazonaws.com`` has no
  owner of its own;
- an agent belongs to a system only by its own identity (its id, its name, or
  ``gen_ai.agent.name=...``): an agent inside a registered service is still an agent the
  inventory must know about;
- a Prowler resource belongs to a system by its ARN.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from aisma.inventory.matching import SystemIndex, index_for
from aisma.inventory.schema import AISystem
from aisma.inventory.shadow import asset_systems, outside_flags, retired_matches, unregistered_keys
from aisma.records import MAX_DETAILS, Measurement, ObservedAsset, Source, ratio

Kind = Literal["model", "agent", "endpoint", "mcp_server"]
OTEL_TOOL = "otel"
PROWLER_TOOL = "prowler"
MCP_TOOL = "mcp-config"
Sighting = tuple[Kind, str, tuple[str, ...]]


class Sightings:
    """The assets one tool's files show, tallied: one ObservedAsset per (kind, identifier, file, seen_with).

    ``count`` is the number of spans or findings; ``last_seen`` the latest of their times. A cloud scan
    names a resource per finding, so the tally is kept lean (by kind, then file and ``seen_with``, then
    identifier, to ``[count, last_seen]``): a few hundred bytes per distinct asset, including its name.
    """

    def __init__(self, tool: str) -> None:
        self.tool = tool
        self._tallies: dict[tuple[Kind, str, tuple[str, ...]], dict[str, list[Any]]] = {}

    def add(self, sighting: Sighting, file: str, when: datetime | None = None, count: int = 1) -> None:
        kind, identifier, seen_with = sighting
        where = (kind, file, seen_with)
        assets = self._tallies.get(where)
        if assets is None:
            assets = self._tallies[where] = {}
        tally = assets.get(identifier)
        if tally is None:
            assets[identifier] = [count, when]
        else:
            tally[0] += count
            if when is not None and (tally[1] is None or when > tally[1]):
                tally[1] = when

    def __len__(self) -> int:
        return sum(len(assets) for assets in self._tallies.values())

    def forget(self, file: str) -> None:
        """Drop what ``file`` showed (a file that failed halfway counts for nothing)."""
        for where in [where for where in self._tallies if where[1] == file]:
            del self._tallies[where]

    def assets(self) -> tuple[ObservedAsset, ...]:
        found = [
            ObservedAsset(
                kind=kind,
                identifier=identifier,
                tool=self.tool,
                file=file,
                count=count,
                seen_with=seen_with,
                last_seen=last_seen,
            )
            for (kind, file, seen_with), assets in self._tallies.items()
            for identifier, (count, last_seen) in assets.items()
        ]
        return tuple(sorted(found, key=lambda a: (a.kind, a.identifier, a.file, a.seen_with)))


def _observed_at(observed: Sequence[ObservedAsset], default: datetime) -> datetime:
    """When the evidence was observed: the oldest of each tool's latest sighting, so one stale tool shows.

    Evidence without timestamps counts as observed at ``default`` (the assessment time).
    """
    latest: dict[str, datetime] = {}
    for asset in observed:
        when = asset.last_seen or default
        if asset.tool not in latest or when > latest[asset.tool]:
            latest[asset.tool] = when
    return min(latest.values(), default=default)


def _ratio(
    metric: str,
    systems: SystemIndex,
    observed: Sequence[ObservedAsset],
    outside: Sequence[bool],
    default: datetime,
    source: Source,
) -> tuple[Measurement, list[tuple[str, str]]]:
    """Distinct assets that belong to a system over distinct assets, and the unregistered ones (sorted)."""
    distinct = len({(a.kind, a.identifier) for a in observed})
    missing = unregistered_keys(observed, outside)
    shown = missing[:MAX_DETAILS]
    old = retired_matches(systems, observed, outside, shown)
    failing = [
        f"{kind} {identifier}: unregistered"
        + (f" (matches retired system {old[(kind, identifier)]})" if old[(kind, identifier)] else "")
        for kind, identifier in shown
    ]
    when = _observed_at(observed, default)
    return ratio(metric, distinct - len(missing), distinct, when, source, failing), missing


SILENT_DAYS = 7


def retired_silent(
    systems: Sequence[AISystem], observed: Sequence[ObservedAsset], observed_at: datetime, source: Source
) -> tuple[Measurement, ...]:
    """Retired systems (with match patterns) that nothing in traces or findings has touched for 7 days.

    A retired system still answering calls, or whose cloud resource still shows up in a scan, was not
    really decommissioned: keys, endpoints and data are still there for an attacker.

    The 7 days count back from the latest sighting in the evidence, not from the assessment time, and
    the measurement is dated by that sighting: assessing the same evidence later must not turn a
    retired system that was still answering into a "silent" one (time alone never improves anything);
    the measurement goes stale instead.
    """
    retired = [s for s in systems if not s.active and s.match]
    if not retired:
        return ()
    sightings = [a.last_seen for a in observed if a.tool in (OTEL_TOOL, PROWLER_TOOL) and a.last_seen is not None]
    observed_at = min(max(sightings, default=observed_at), observed_at)
    since = observed_at - timedelta(days=SILENT_DAYS)
    live = [
        a for a in observed if a.tool in (OTEL_TOOL, PROWLER_TOOL) and (a.last_seen is None or a.last_seen >= since)
    ]
    first_hit: dict[str, ObservedAsset] = {}
    index = SystemIndex(retired)
    for asset in live:
        if len(first_hit) == len(retired):
            break
        for system_id in asset_systems(index, asset):
            first_hit.setdefault(system_id, asset)
    failing = []
    for system in sorted(retired, key=lambda s: s.id):
        hit = first_hit.get(system.id)
        if hit is not None:
            failing.append(f"{system.id}: {hit.kind} {hit.identifier} seen in {hit.file}")
    silent = len(retired) - len(failing)
    return (ratio("otel.retired_systems.silent_ratio", silent, len(retired), observed_at, source, failing),)


def discovery_measurements(
    systems: Sequence[AISystem], observed: Sequence[ObservedAsset], observed_at: datetime, source: Source
) -> tuple[Measurement, ...]:
    """The discovery KPIs over distinct (kind, identifier) assets; nothing when nothing was observed.

    ``observed_at`` is used for evidence without timestamps; otherwise a measurement carries the time
    its evidence was seen, so INV objectives with a freshness window see old traces as stale.
    """
    if not observed:
        return ()
    index = index_for(systems)
    outside = outside_flags(index, observed)  # matched once, for every measurement below
    registered, missing = _ratio("inventory.discovery.registered_ratio", index, observed, outside, observed_at, source)
    out = [
        registered,
        Measurement(
            metric="inventory.unregistered.count",
            observed_at=_observed_at(observed, observed_at),
            numerator=float(len(missing)),
            denominator=None,
            value=float(len(missing)),
            source=source,
            details=tuple(f"{kind} {identifier}" for kind, identifier in missing[:MAX_DETAILS]),
        ),
    ]
    for metric, tool, kind in (
        ("otel.agents.registered_ratio", OTEL_TOOL, "agent"),
        ("otel.models.registered_ratio", OTEL_TOOL, "model"),
        ("mcp.servers.inventoried_ratio", MCP_TOOL, "mcp_server"),
    ):
        chosen = [k for k, a in enumerate(observed) if a.tool == tool and a.kind == kind]
        if chosen:
            subset = [observed[k] for k in chosen]
            out.append(_ratio(metric, index, subset, [outside[k] for k in chosen], observed_at, source)[0])
    out.extend(retired_silent(systems, observed, observed_at, source))
    return tuple(out)
