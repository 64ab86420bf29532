"""The ``cisco-mcp-scanner`` collector: which MCP servers Cisco's scanner covered and which came out clean.

Like the mcp-scan collector, all files of one collection make one measurement per metric (the
scanned ratio's denominator is the inventory's server list, counted once); a later file's result for
a server replaces an earlier one. The scanner's output has no suppression mechanism to honour:
``--severity-filter`` and ``--hide-safe`` only hide results, so filtered runs undercount coverage.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source
from aisma.collectors.cisco_mcp_scanner.reader import read_results, server_names
from aisma.collectors.mcp_config.stream import name_time, observed_time, undated_note
from aisma.collectors.mcp_scan.coverage import ServerScan, coverage, inventory_servers
from aisma.collectors.registry import read_meta

TOOL = "cisco-mcp-scanner"


class CiscoMcpScannerCollector:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        names = server_names(context.settings)
        servers: dict[str, ServerScan] = {}
        empty: list[str] = []
        notes: list[str] = []
        reads = FileReads(context)
        when_of = {path: observed_time(path) for path in paths}
        ordered = sorted(paths, key=lambda p: (when_of[p], str(p)))  # a later file's result replaces an earlier one
        scans: list[Path] = []  # the files that scanned MCP servers, oldest first
        for path, found in reads.each(ordered, lambda path: read_results(path, names)):
            name = context.display_name(path)
            if context.progress:
                context.progress(path.stat().st_size)
            if found.package_target:
                vulnerable = f"; vulnerable: {', '.join(found.vulnerable)}" if found.vulnerable else ""
                notes.append(
                    f"{name}: a vulnerable-package scan of {found.package_target} ({found.packages} package "
                    f"result(s){vulnerable}) checks dependencies, not an MCP server: counted for no server"
                )
                continue
            servers.update(found.servers)
            scans.append(path)
            if not found.results:
                empty.append(name)
        if not scans:
            return CollectionResult(warnings=tuple(notes), unreadable=tuple(reads.unreadable))
        newest = scans[-1]
        out, warnings = coverage(
            servers, inventory_servers(context.inventory), when_of[newest], file_source(newest, TOOL, "", context)
        )
        if empty:
            warnings.insert(0, f"{len(empty)} file(s) hold no scan result: {', '.join(empty[:5])}")
        if out and name_time(newest) is None:
            warnings += undated_note([context.display_name(newest)])
        return CollectionResult(
            measurements=tuple(out), warnings=tuple(notes + warnings), unreadable=tuple(reads.unreadable)
        )


def collector() -> CiscoMcpScannerCollector:
    return CiscoMcpScannerCollector()
