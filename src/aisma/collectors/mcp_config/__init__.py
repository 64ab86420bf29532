"""The ``mcp-config`` collector: MCP client configurations and coding-agent settings, measured per file.

Each file is one endpoint's or repository's configuration, so each gets its own measurements (its
own sha256 in the provenance); the scoring merges them by summing numerators and denominators.
The servers each file configures are reported as observed assets; ``mcp.servers.inventoried_ratio``
is not produced here: discovery compares those assets with the inventory. Settings
(``collectors.mcp-config`` in aisma.yaml): ``allowlist``, ``gateway_hosts`` and
``sandbox_wrappers``; the allowlist and gateway metrics are produced only when those are set.
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source, ratio
from aisma.collectors.mcp_config.reader import Options, read_config
from aisma.collectors.mcp_config.stream import name_time, observed_time, undated_note
from aisma.collectors.registry import read_meta
from aisma.inventory.discovery import MCP_TOOL, Sightings
from aisma.scoring.inputs import Measurement

TOOL = "aisma mcp-config"


def _version() -> str:
    try:
        return metadata.version("aisma")
    except metadata.PackageNotFoundError:
        return ""


class McpConfigCollector:
    """One measurement per metric per file, for the metrics whose denominator the file fills."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        options = Options.from_settings(context.settings)
        version = _version()
        out: list[Measurement] = []
        empty: list[str] = []
        undated: list[str] = []
        sightings = Sightings(MCP_TOOL)
        reads = FileReads(context)
        for path, result in reads.each(paths, lambda path: read_config(path, context.display_name(path), options)):
            display = context.display_name(path)
            # The servers as the inventory importer names them (discovery's assets), from the same streamed read.
            for server in result.names:
                sightings.add(("mcp_server", server, ()), display)
            if not result.tallies:
                empty.append(display)
            else:
                when = observed_time(path)
                if name_time(path) is None:
                    undated.append(display)
                source = file_source(path, TOOL, version, context)
                for metric in self.meta.metrics:
                    tally = result.tallies.get(metric)
                    if tally is not None and tally.total > 0:
                        out.append(ratio(metric, tally.passed, tally.total, when, source, tally.failing))
            if context.progress:
                context.progress(path.stat().st_size)
        warnings = [f"{len(empty)} file(s) configure no MCP server: {', '.join(empty[:5])}"] if empty else []
        warnings += undated_note(undated)
        return CollectionResult(
            measurements=tuple(out),
            observed=sightings.assets(),
            warnings=tuple(warnings),
            unreadable=tuple(reads.unreadable),
        )


def collector() -> McpConfigCollector:
    return McpConfigCollector()
