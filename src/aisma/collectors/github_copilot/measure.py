"""Turn GitHub Copilot responses into measurements and observed assets, for both collectors.

Each response keeps its own provenance (a saved file and its sha256, or the live read's canonical
JSON), so each gives its own measurements and they merge by summing: the public-code check comes
from the billing response, the content exclusion checks from the content exclusion response, the
seat ratio from the seat list. When several responses of one kind describe one organization (two
days of snapshots), only the newest counts, with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aisma.collectors.github_copilot.reading import Response
from aisma.collectors.github_copilot.rules import (
    ASSET_PREFIX,
    BASELINE,
    SEATS_ACTIVE,
    Options,
    Tally,
    active_seats,
    agent_mcp_servers,
    content_exclusions,
    copilot_events,
    event_time,
    public_code_filter,
    subscribed,
)
from aisma.inventory.discovery import MCP_TOOL, Sightings
from aisma.scoring.inputs import Measurement, ObservedAsset, Source, ratio

TOOL = "github-copilot"


@dataclass(frozen=True)
class Observed:
    """One response with where it came from and when it was observed."""

    response: Response
    source: Source
    observed_at: datetime


@dataclass(frozen=True)
class Outcome:
    measurements: tuple[Measurement, ...]
    observed: tuple[ObservedAsset, ...]
    warnings: tuple[str, ...]


def newest(responses: Sequence[Observed]) -> tuple[list[Observed], list[str]]:
    """The newest response per (organization, kind, repository); the older ones are named in a warning."""
    latest: dict[tuple[str, str, str], Observed] = {}
    for item in sorted(responses, key=lambda r: r.observed_at):
        latest[(item.response.org, item.response.kind, item.response.repo)] = item
    kept = list(latest.values())
    older = [r.source.file for r in responses if r not in kept]
    warnings = [f"{len(older)} older response(s) replaced by a newer one of the same kind: {', '.join(older[:5])}"]
    return kept, warnings if older else []


def measure(responses: Sequence[Observed], options: Options, assessed_at: datetime) -> Outcome:
    kept, warnings = newest(responses)
    out: list[Measurement] = []
    copilot = Sightings(TOOL)
    servers = Sightings(MCP_TOOL)
    seats_by_org = {r.response.org: len(r.response.body) for r in kept if r.response.kind == "seats"}
    billing_by_org = {r.response.org: r.response.body for r in kept if r.response.kind == "billing"}

    def emit(metric: str, tally: Tally, item: Observed) -> None:
        if tally.total:
            out.append(ratio(metric, tally.passed, tally.total, item.observed_at, item.source, tally.failing))

    for item in kept:
        response, org = item.response, item.response.org
        if response.kind == "billing":
            emit(BASELINE, public_code_filter(org, response.body), item)
        elif response.kind == "content_exclusion":
            emit(BASELINE, content_exclusions(org, response.body, options.required_exclusions), item)
        elif response.kind == "seats":
            emit(SEATS_ACTIVE, active_seats(org, response.body, assessed_at, options.inactive_days), item)
        elif response.kind == "cloud_agent":
            for server in agent_mcp_servers(response.body):
                servers.add(("mcp_server", server, (f"{ASSET_PREFIX}{org}",)), item.source.file, item.observed_at)
        elif response.kind == "audit_log":
            warnings.extend(_audit_note(item))
        if response.kind in ("billing", "seats") and subscribed(billing_by_org.get(org), seats_by_org.get(org, 0)):
            copilot.add(("endpoint", f"{ASSET_PREFIX}{org}", ()), item.source.file, item.observed_at)
    orgs = {r.response.org for r in kept}
    for org in sorted(orgs - set(billing_by_org)):
        warnings.append(f"{org}: no /copilot/billing response, so the public code filter was not checked")
    for org in sorted(orgs - {r.response.org for r in kept if r.response.kind == "content_exclusion"}):
        warnings.append(f"{org}: no /copilot/content_exclusion response, so content exclusions were not checked")
    return Outcome(tuple(out), (*copilot.assets(), *servers.assets()), tuple(warnings))


def _audit_note(item: Observed) -> list[str]:
    """The audit log gives no ratio (a change is not a failure), but an assessor wants the Copilot
    changes of the period in front of them: seat grants, policy and content exclusion edits."""
    events = item.response.body
    counts = copilot_events(events)
    if not counts:
        return [f"{item.source.file}: no copilot.* event in the audit log"]
    times = [t for t in (event_time(e) for e in events if str(e.get("action", "")).startswith("copilot.")) if t]
    span = f" from {min(times).date().isoformat()} to {max(times).date().isoformat()}" if times else ""
    listed = ", ".join(f"{action} x{n}" for action, n in counts.most_common(8))
    return [f"{item.response.org}: {sum(counts.values())} Copilot audit event(s){span}: {listed}"]
