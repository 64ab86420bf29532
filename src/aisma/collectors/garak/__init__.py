"""The ``garak`` collector: red-team coverage and attack success from garak report.jsonl files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, file_source, file_time
from aisma.collectors.garak.report import DEFAULT_MULTITURN, read_report
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
        for path in paths:
            report = read_report(path, multiturn, context.progress)
            name = context.display_name(path)
            if report.empty_runs:
                warnings.append(f"{name}: {report.empty_runs} run(s) without eval entries (stopped early?) not counted")
            source = file_source(path, "garak", report.version, context)
            files.append(FileRuns(path=path, source=source, runs=tuple(report.runs), file_time=file_time(path)))
        result = measure(files, context, window)
        return CollectionResult(measurements=result.measurements, warnings=tuple(warnings) + result.warnings)


def collector() -> GarakCollector:
    return GarakCollector()
