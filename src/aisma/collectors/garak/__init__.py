"""The ``garak`` collector: red-team coverage and attack success from garak report.jsonl files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source
from aisma.collectors.garak.report import DEFAULT_MULTITURN, read_report
from aisma.collectors.mcp_config.stream import observed_time
from aisma.collectors.redteam import FileRuns, check_keys, measure, name_list, window_days
from aisma.collectors.registry import read_meta

SETTINGS = ("window_days", "multiturn_probes")


class GarakCollector:
    """Reads every report, then measures over all runs at once: "latest run per system" spans files."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        check_keys(context.settings, self.meta.id, SETTINGS)
        window = window_days(context.settings, self.meta.id)
        multiturn = name_list(context.settings, "multiturn_probes", DEFAULT_MULTITURN, self.meta.id)
        files: list[FileRuns] = []
        warnings: list[str] = []
        reads = FileReads(context)
        for path, report in reads.each(paths, lambda path: read_report(path, multiturn)):
            name = context.display_name(path)
            if context.progress:
                context.progress(path.stat().st_size)
            if report.hitlog:
                runs = ", ".join(sorted(report.hit_runs)[:3]) or "no run_id"
                warnings.append(
                    f"{name}: a garak hit log ({sum(report.hits.values())} hits; run {runs}) lists only the attacks "
                    "that got through, not how many were tried nor when: nothing measured from it (its run's "
                    "report.jsonl holds the counts)"
                )
                continue
            if report.empty_runs and not report.runs:
                warnings.append(
                    f"{name}: no eval entries in {report.entries} lines (the run stopped before any detector ran?); "
                    "nothing measured"
                )
            elif report.empty_runs:
                warnings.append(f"{name}: {report.empty_runs} run(s) without eval entries (stopped early?) not counted")
            source = file_source(path, "garak", report.version, context)
            files.append(FileRuns(path=path, source=source, runs=tuple(report.runs), file_time=observed_time(path)))
        result = measure(files, context, window)
        return CollectionResult(
            measurements=result.measurements,
            warnings=tuple(warnings) + result.warnings,
            unreadable=tuple(reads.unreadable),
        )


def collector() -> GarakCollector:
    return GarakCollector()
