"""Scanner coverage and cleanliness over MCP servers, shared by the mcp-scan and Cisco collectors.

The question behind ``mcp.servers.scanned_ratio`` is "which of our servers has nobody scanned?",
so its denominator cannot come from the scanner output alone: it is the union of the servers the
inventory lists under a system's ``mcp_servers`` (active systems) and the servers named in the
scanner output (mcp-scan lists every server of each client configuration, scanned or not). Names
are compared case-insensitively. A server counts as scanned when the scanner analysed it; it is
clean when no high or critical issue stands against it in its latest scan.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from aisma.collectors.base import MAX_DETAILS, ratio
from aisma.inventory.schema import Inventory
from aisma.scoring.inputs import Measurement, Source, entity_ratio

SCANNED = "mcp.servers.scanned_ratio"
CLEAN = "mcp.servers.clean_ratio"


@dataclass
class ServerScan:
    """One server's latest result in one file: scanned or why not, and its high or critical issues."""

    name: str
    scanned: bool = False
    why_not: str = ""
    problems: list[str] = field(default_factory=list)

    def merge(self, other: ServerScan) -> None:
        """The same server in another configuration of the same run: scanned anywhere, issues anywhere."""
        if other.scanned and not self.scanned:
            self.scanned, self.why_not = True, ""
        elif not self.scanned and not self.why_not:
            self.why_not = other.why_not
        for problem in other.problems:
            if problem not in self.problems and len(self.problems) < MAX_DETAILS:
                self.problems.append(problem)


def inventory_servers(inventory: Inventory) -> dict[str, str]:
    """The MCP servers active systems list, by case-folded name."""
    return {name.casefold(): name for system in inventory.active_systems() for name in system.mcp_servers}


def coverage(
    results: Mapping[str, ServerScan], known: Mapping[str, str], when: datetime, source: Source
) -> tuple[list[Measurement], list[str]]:
    """The scanned and clean ratios (when their denominators are not zero), and warnings."""
    union = {**known, **{key: scan.name for key, scan in results.items() if key not in known}}
    scanned = sorted(key for key in union if key in results and results[key].scanned)
    unscanned = [
        f"{union[key]}: {results[key].why_not if key in results else 'not in the scanner output'}"
        for key in sorted(union)
        if key not in scanned
    ]
    out: list[Measurement] = []
    if union:  # ids are case-folded names, so two scanners' shares merge as one union of servers
        out.append(entity_ratio(SCANNED, scanned, union, when, source, unscanned))
    if scanned:
        dirty = [key for key in scanned if results[key].problems]
        failing = [f"{results[key].name}: {'; '.join(results[key].problems)}" for key in dirty]
        out.append(ratio(CLEAN, len(scanned) - len(dirty), len(scanned), when, source, failing))
    warnings: list[str] = []
    outside = sorted(results[key].name for key in results if key not in known)
    if not known and results:
        warnings.append("no active system lists mcp_servers: the scanned ratio counts only the scanner's servers")
    elif outside:
        shown = ", ".join(outside[:10]) + (" ..." if len(outside) > 10 else "")
        warnings.append(f"{len(outside)} server(s) in the scanner output are in no system's mcp_servers: {shown}")
    return out, warnings
