"""The ``promptfoo`` collector: red-team coverage and attack success from promptfoo results files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, file_source, file_time
from aisma.collectors.promptfoo.results import DEFAULT_MULTITURN, read_results
from aisma.collectors.redteam import FileRuns, check_keys, measure, name_list, window_days
from aisma.collectors.registry import read_meta

SETTINGS = ("window_days", "multiturn_strategies")


class PromptfooCollector:
    """Reads every results file, then measures over all runs at once: "latest run per system" spans files."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        check_keys(context.settings, self.meta.id, SETTINGS)
        window = window_days(context.settings, self.meta.id)
        multiturn = name_list(context.settings, "multiturn_strategies", DEFAULT_MULTITURN, self.meta.id)
        files: list[FileRuns] = []
        warnings: list[str] = []
        for path in paths:
            results = read_results(path, multiturn, context.progress)
            name = context.display_name(path)
            if results.errors:
                warnings.append(f"{name}: {results.errors} result(s) marked as errors (no answer graded) not counted")
            if results.not_redteam:
                warnings.append(
                    f"{name}: {results.not_redteam} result(s) without metadata.pluginId (not red-team tests) skipped"
                )
            source = file_source(path, "promptfoo", results.version, context)
            files.append(FileRuns(path=path, source=source, runs=tuple(results.runs), file_time=file_time(path)))
        result = measure(files, context, window)
        return CollectionResult(measurements=result.measurements, warnings=tuple(warnings) + result.warnings)


def collector() -> PromptfooCollector:
    return PromptfooCollector()
