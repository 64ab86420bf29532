"""What GitHub Copilot's REST responses say about an organization: plain functions over response bodies.

The same functions serve the files saved under evidence/ (``github-copilot``) and the live API
(``github-copilot-api``), so both modes measure the same thing. The bodies are the documented ones:
``GET /orgs/{org}/copilot/billing`` (seat breakdown and policies), ``GET /orgs/{org}/copilot/billing/seats``
(seat assignments), ``GET /orgs/{org}/copilot/content_exclusion`` (repository -> excluded paths),
``GET /orgs/{org}/audit-log`` (events) and ``GET /repos/{owner}/{repo}/copilot/cloud-agent/configuration``
(the cloud agent's MCP servers and firewall).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from aisma.collectors.base import Tally as Tally  # re-exported: the measure module takes it from here
from aisma.collectors.base import parse_time
from aisma.errors import AismaError

Kind = Literal["billing", "seats", "content_exclusion", "audit_log", "cloud_agent"]
BASELINE = "coding_tools.admin_baseline_ratio"
SEATS_ACTIVE = "coding_tools.seats.active_ratio"
ASSET_PREFIX = "github-copilot:"  # the identifier discovery gives an organization's Copilot subscription
DEFAULT_INACTIVE_DAYS = 90  # GitHub keeps last_activity_at for 90 days: a longer window cannot be judged
KNOWN_SETTINGS = ("inactive_days", "required_exclusions", "enabled", "paths")


@dataclass(frozen=True)
class Options:
    """Settings shared by the file and the live collector (``collectors.github-copilot[-api]``)."""

    inactive_days: int = DEFAULT_INACTIVE_DAYS
    required_exclusions: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, raw: Mapping[str, Any], where: str, extra: Sequence[str] = ()) -> Options:
        known = (*KNOWN_SETTINGS, *extra)
        unknown = sorted(set(raw) - set(known))
        if unknown:
            listed = ", ".join(k for k in known if k not in ("enabled", "paths"))
            raise AismaError(f"{where}.{unknown[0]} is not a setting (known: {listed})")
        days = raw.get("inactive_days", DEFAULT_INACTIVE_DAYS)
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= DEFAULT_INACTIVE_DAYS:
            raise AismaError(
                f"{where}.inactive_days must be a whole number of days from 1 to 90 "
                "(GitHub forgets a seat's last activity after 90 days)"
            )
        required = raw.get("required_exclusions", [])
        if not isinstance(required, list) or not all(isinstance(p, str) and p.strip() for p in required):
            raise AismaError(f"{where}.required_exclusions must be a list of path patterns, e.g. ['**/.env*']")
        return cls(inactive_days=days, required_exclusions=tuple(p.strip() for p in required))


def kind_of(body: Any, name_hint: str = "") -> Kind | None:
    """Which documented response ``body`` is; None for anything else (another tool's file)."""
    if isinstance(body, list):
        if all(isinstance(e, dict) and "action" in e and ("@timestamp" in e or "created_at" in e) for e in body):
            return "audit_log" if body or "audit" in name_hint else None
        return None
    if not isinstance(body, dict):
        return None
    if "seat_breakdown" in body or "seat_management_setting" in body or "public_code_suggestions" in body:
        return "billing"
    if isinstance(body.get("seats"), list) and (
        "total_seats" in body or not body["seats"] or "assignee" in body["seats"][0]
    ):
        return "seats"
    if "enabled_tools" in body and "mcp_configuration" in body:
        return "cloud_agent"
    rules = all(isinstance(v, list) and all(isinstance(p, str) for p in v) for v in body.values())
    if rules and "exclusion" in name_hint:
        return "content_exclusion"
    # Unnamed: only when every value is a non-empty list of path patterns (another tool's {"results": []}
    # is no exclusion rule set).
    if body and rules and all(v and all(_pathlike(p) for p in v) for v in body.values()):
        return "content_exclusion"
    return None


def _pathlike(pattern: str) -> bool:
    return any(mark in pattern for mark in "/*.")


# --- baseline -----------------------------------------------------------------------------------------
def public_code_filter(org: str, billing: Mapping[str, Any]) -> Tally:
    """The duplication-detection filter blocks suggestions matching public code (``block``).

    ``allow`` lets verbatim public code (and its licence terms) into the organization's code;
    ``unconfigured`` means nobody decided, so it fails too.
    """
    tally = Tally()
    value = str(billing.get("public_code_suggestions") or "unconfigured")
    tally.add(value == "block", f"{org}: suggestions matching public code are {value}, not block")
    return tally


def content_exclusions(org: str, rules: Mapping[str, Sequence[str]], required: Sequence[str]) -> Tally:
    """At least one content exclusion rule, and every ``required`` path pattern excluded for all repositories.

    A pattern counts as excluded for all repositories when it appears under the ``*`` key (or
    another key that matches every repository name, such as ``**``); without ``required`` only the
    presence of a rule is checked.
    """
    tally = Tally()
    paths = [p for v in rules.values() for p in v]
    tally.add(bool(paths), f"{org}: no Copilot content exclusion rule")
    if required:
        everywhere = {p for key, v in rules.items() if key.strip() in ("*", "**", "*/*") for p in v}
        missing = [p for p in required if p not in everywhere]
        tally.add(not missing, f"{org}: not excluded for every repository: {', '.join(missing)}")
    return tally


# --- seats --------------------------------------------------------------------------------------------
def seat_login(seat: Mapping[str, Any]) -> str:
    assignee = seat.get("assignee")
    if isinstance(assignee, Mapping):
        return str(assignee.get("login") or assignee.get("slug") or assignee.get("name") or assignee.get("id") or "?")
    return "(deleted account)"


def active_seats(org: str, seats: Iterable[Mapping[str, Any]], now: datetime, days: int) -> Tally:
    """Seats used in the last ``days`` days / seats, leaving out seats already being cancelled and seats
    granted inside the window (nobody can be idle for longer than they had the seat).

    An unused seat is standing access to the organization's code through a personal token in some IDE:
    reclaiming it is least privilege, and it is what GitHub bills.
    """
    since = now - timedelta(days=days)
    tally = Tally()
    for seat in seats:
        if seat.get("pending_cancellation_date"):
            continue
        created = parse_time(seat.get("created_at"))
        last = parse_time(seat.get("last_activity_at"))
        if last is not None and last >= since:
            tally.add(True, "")
        elif created is not None and created >= since:
            continue
        else:
            when = f"last used {last.date().isoformat()}" if last else "never used"
            tally.add(False, f"{org}: {seat_login(seat)}: {when} (no activity in {days} days)")
    return tally


# --- discovery ------------------------------------------------------------------------------------------
def agent_mcp_servers(config: Mapping[str, Any]) -> list[str]:
    """The MCP servers a repository's Copilot cloud agent may start (its free-form ``mcp_configuration``)."""
    mcp = config.get("mcp_configuration")
    if not isinstance(mcp, Mapping):
        return []
    servers = mcp.get("mcpServers") or mcp.get("servers") or {}
    return sorted(str(name) for name in servers) if isinstance(servers, Mapping) else []


def subscribed(billing: Mapping[str, Any] | None, seat_count: int) -> bool:
    """Whether the organization runs Copilot at all: seats assigned, or a seat policy that grants them."""
    if seat_count:
        return True
    if billing is None:
        return False
    total = (billing.get("seat_breakdown") or {}).get("total") or 0
    return bool(total) or billing.get("seat_management_setting") in ("assign_all", "assign_selected")


def copilot_events(events: Iterable[Mapping[str, Any]]) -> Counter[str]:
    """Copilot audit-log events by action (``copilot.*``: seats, policies, content exclusion, agents)."""
    return Counter(str(e.get("action")) for e in events if str(e.get("action", "")).startswith("copilot."))


def event_time(event: Mapping[str, Any]) -> datetime | None:
    """An audit-log event's time: ``@timestamp`` / ``created_at`` in epoch milliseconds (or ISO text)."""
    from datetime import UTC

    for key in ("@timestamp", "created_at"):
        value = event.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and 0 < value < 1e14:
            return datetime.fromtimestamp(value / 1000, tz=UTC).replace(microsecond=0)
        parsed = parse_time(value)
        if parsed is not None:
            return parsed
    return None
