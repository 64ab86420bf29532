"""The ``cisco-mcp-scanner`` collector: which MCP servers Cisco's scanner covered and which came out clean.

Like the mcp-scan collector, all files of one collection make one measurement per metric (the
scanned ratio's denominator is the inventory's server list, counted once); a later file's result for
a server replaces an earlier one. The scanner's output has no suppression mechanism to honour:
``--severity-filter`` and ``--hide-safe`` only hide results, so filtered runs undercount coverage.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, file_source
from aisma.collectors.cisco_mcp_scanner.reader import read_results, server_names
from aisma.collectors.mcp_config.stream import observed_time
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
        dated = sorted(((observed_time(p), str(p), p) for p in paths), key=lambda t: (t[0], t[1]))
        for _, _, path in dated:
            found, results = read_results(path, names)
            servers.update(found)
            if not results:
                empty.append(context.display_name(path))
            if context.progress:
                context.progress(path.stat().st_size)
        if not dated:
            return CollectionResult()
        when, _, newest = dated[-1]
        out, warnings = coverage(
            servers, inventory_servers(context.inventory), when, file_source(newest, TOOL, "", context)
        )
        if empty:
            warnings.insert(0, f"{len(empty)} file(s) hold no scan result: {', '.join(empty[:5])}")
        return CollectionResult(measurements=tuple(out), warnings=tuple(warnings))


def collector() -> CiscoMcpScannerCollector:
    return CiscoMcpScannerCollector()
