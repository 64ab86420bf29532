"""The ``otel`` collector: KPIs from OpenTelemetry GenAI traces exported as OTLP/JSON, streamed.

Spans are read through ``aisma.formats.otlp_groups`` (typed decoding, alike spans folded into
groups) and the groups counted into a Tally; see ``tally.py`` for what is kept and ``spans.py`` for
how a span is tied to an inventory system. The sha256 of each file for the provenance is computed in
a thread while the file is read. Discovery already measures which models and agents in traces are
registered (``otel.models.registered_ratio``, ``otel.agents.registered_ratio``); this collector
does not measure them again, so the two never add up the same assets twice.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

from aisma.collectors.base import (
    CollectContext,
    CollectionResult,
    CollectorMeta,
    FileReads,
    file_source,
    file_time,
    hashing_in_background,
)
from aisma.collectors.otel import parallel
from aisma.collectors.otel.measure import measurements
from aisma.collectors.otel.parallel import worker_count
from aisma.collectors.otel.settings import parse_settings
from aisma.collectors.otel.sightings import span_sightings
from aisma.collectors.otel.spans import is_genai
from aisma.collectors.otel.tally import Tally
from aisma.collectors.registry import read_meta
from aisma.formats.otlp import ReadStats
from aisma.formats.otlp_groups import SpanGroup, SpanGrouper
from aisma.inventory.discovery import OTEL_TOOL, Sightings
from aisma.inventory.matching import index_for

TOOL = "OpenTelemetry"
SAMPLING_METRIC = "otel.evaluations.tier_sampling_ratio"


class OtelCollector:
    """One pass over every span of every file; one measurement per metric for all files together."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        settings = parse_settings(context.settings)
        tally = Tally(index_for(context.inventory.systems).active, settings, context.assessed_at)
        stats = ReadStats()
        grouper = SpanGrouper(tally.window)
        sightings = Sightings(OTEL_TOOL)
        workers = worker_count(settings.workers)
        reads = FileReads(context)
        notes: list[str] = []

        def read(path: Path) -> tuple[list[SpanGroup], ReadStats]:
            """A file's groups, all read before any is counted: a file that fails halfway counts for nothing."""
            own = ReadStats()
            try:
                return [group for groups in self._groups(path, grouper, own, workers) for group in groups], own
            except BaseException:
                grouper.discard()
                raise

        with hashing_in_background(paths) as digests:
            for path, (groups, own) in reads.each(paths, read):
                name = context.display_name(path)
                counted, spans = tally.counted, sum(group.count for group in groups)
                for group in groups:
                    tally.add_group(group, path)
                    for sighting in span_sightings(group.span):
                        sightings.add(sighting, name, group.last_seen, group.count)
                stats.log_records += own.log_records
                stats.evaluation_log_records += own.evaluation_log_records
                if tally.counted == counted:
                    notes.append(f"{name}: {self._why_nothing(groups, spans, own)}; nothing measured")
                if context.progress:
                    context.progress(path.stat().st_size)
            observed = sightings.assets()
            warnings = self._warnings(tally, stats) + notes
            if tally.counted == 0:
                return CollectionResult(observed=observed, warnings=tuple(warnings), unreadable=tuple(reads.unreadable))
            newest = tally.newest_file or paths[-1]
            when = tally.newest or file_time(newest)
            source = file_source(newest, TOOL, tally.newest_sdk_version, context, digests.get(newest))
        found = measurements(tally, when, source)
        if stats.evaluation_log_records:
            found = tuple(m for m in found if m.metric != SAMPLING_METRIC)
        return CollectionResult(
            measurements=found, observed=observed, warnings=tuple(warnings), unreadable=tuple(reads.unreadable)
        )

    @staticmethod
    def _why_nothing(groups: list[SpanGroup], spans: int, stats: ReadStats) -> str:
        """Why a file read whole added no span to the counts, in a few words."""
        if not spans:
            logs = f" ({stats.log_records} log records, which are not read)" if stats.log_records else ""
            return f"no spans{logs}"
        genai = [g for g in groups if is_genai(g.span)]
        if not genai:
            return f"{spans} spans, none a GenAI span (no gen_ai.operation.name or gen_ai.* attributes)"
        outside = sum(g.outside for g in genai)
        untimed = sum(g.untimed for g in genai)
        found = sum(g.count for g in genai)
        return f"{found} GenAI spans, {outside} outside the window and {untimed} without a start time"

    @staticmethod
    def _groups(path: Path, grouper: SpanGrouper, stats: ReadStats, workers: int) -> Iterator[list[SpanGroup]]:
        """A big file is read by ``workers`` processes (same groups, same order), a small one here."""
        try:
            size = path.stat().st_size
        except OSError:
            size = 0  # the reader names the file in its error
        if workers > 1 and size >= parallel.MIN_BYTES:
            return parallel.read_parallel(path, grouper, stats, workers)
        return grouper.read(path, stats)

    @staticmethod
    def _warnings(tally: Tally, stats: ReadStats) -> list[str]:
        days = tally.settings.window_days
        out = []
        if tally.outside:
            out.append(
                f"{tally.outside} GenAI spans started outside the {days}-day window ending "
                f"{tally.end.isoformat()} and were not counted"
            )
        if tally.untimed:
            out.append(f"{tally.untimed} GenAI spans have no start time and were not counted")
        if tally.azure_deployments:
            out.append(
                f"{tally.azure_deployments} Azure OpenAI spans name a deployment, not a model, in "
                "gen_ai.request.model; their version pinning is a deployment setting and they are not "
                "counted in otel.models.pinned_ratio"
            )
        if stats.evaluation_log_records:
            out.append(
                f"{stats.evaluation_log_records} gen_ai.evaluation.result log records were found; log records "
                f"are not joined to their spans, so {SAMPLING_METRIC} is not produced"
            )
        elif stats.log_records:
            out.append(f"{stats.log_records} OTLP log records were skipped (only spans are read)")
        return out


def collector() -> OtelCollector:
    return OtelCollector()
