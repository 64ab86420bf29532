"""The ``mcp-scan`` collector: scanner coverage, clean servers and toxic flows from mcp-scan JSON output.

All files of one collection are combined into one measurement per metric, because the scanned ratio's
denominator is the inventory's server list, which must be counted once. Files are taken oldest first
(by the date in their name, else their modification time) and a later scan of a server or of a
client configuration replaces an earlier one; the provenance is the newest file.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source, ratio
from aisma.collectors.mcp_config.stream import name_time, observed_time, undated_note
from aisma.collectors.mcp_scan.coverage import ServerScan, coverage, inventory_servers
from aisma.collectors.mcp_scan.reader import ConfigScan, read_scan
from aisma.collectors.registry import read_meta
from aisma.scoring.inputs import Measurement

TOOL = "mcp-scan"
TOXIC_FREE = "mcp.configs.toxic_flow_free_ratio"


class McpScanCollector:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        servers: dict[str, ServerScan] = {}
        configs: dict[str, ConfigScan] = {}
        muted = 0
        reads = FileReads(context)
        when_of = {path: observed_time(path) for path in paths}
        ordered = sorted(paths, key=lambda p: (when_of[p], str(p)))  # a later file's result replaces an earlier one
        read: list[Path] = []
        for path, result in reads.each(ordered, read_scan):
            servers.update(result.servers)
            configs.update(result.configs)
            muted += result.muted
            read.append(path)
            if context.progress:
                context.progress(path.stat().st_size)
        warnings: list[str] = []
        if muted:
            warnings.append(f"{muted} whitelisted (X002) issue(s) muted and not counted")
        if not read:
            return CollectionResult(unreadable=tuple(reads.unreadable))
        newest = read[-1]
        when = when_of[newest]
        source = file_source(newest, TOOL, "", context)
        out: list[Measurement]
        out, notes = coverage(servers, inventory_servers(context.inventory), when, source)
        warnings.extend(notes)
        scanned = {where: c for where, c in configs.items() if c.scanned}
        if scanned:
            toxic = sorted(c.toxic for c in scanned.values() if c.toxic)
            out.append(ratio(TOXIC_FREE, len(scanned) - len(toxic), len(scanned), when, source, toxic))
        if not configs:
            warnings.append("the scanner output lists no client configuration")
        if out and name_time(newest) is None:
            warnings += undated_note([context.display_name(newest)])
        return CollectionResult(measurements=tuple(out), warnings=tuple(warnings), unreadable=tuple(reads.unreadable))


def collector() -> McpScanCollector:
    return McpScanCollector()
