"""The ``promptfoo`` collector: red-team coverage and attack success from promptfoo results files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source
from aisma.collectors.mcp_config.stream import observed_time
from aisma.collectors.promptfoo.csvexport import read_csv
from aisma.collectors.promptfoo.results import DEFAULT_MULTITURN, PromptfooFile, read_results
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

        def read(path: Path) -> PromptfooFile:
            if path.suffix.casefold() == ".csv":
                return read_csv(path, multiturn)
            return read_results(path, multiturn)

        reads = FileReads(context)
        for path, results in reads.each(paths, read):
            name = context.display_name(path)
            if context.progress:
                context.progress(path.stat().st_size)
            if results.errors:
                warnings.append(f"{name}: {results.errors} result(s) marked as errors (no answer graded) not counted")
            if results.not_redteam and not results.runs:
                warnings.append(
                    f"{name}: none of its {results.not_redteam} result(s) is a red-team test (no pluginId: a plain "
                    "eval, or an export that does not name the plugin); nothing measured"
                )
            elif results.not_redteam:
                warnings.append(
                    f"{name}: {results.not_redteam} result(s) without metadata.pluginId (not red-team tests) skipped"
                )
            elif not results.runs and not results.errors:
                warnings.append(f"{name}: no results; nothing measured")
            source = file_source(path, "promptfoo", results.version, context)
            # A CSV export and a JSONL file carry no run time: the date in the file name, else its modification time.
            files.append(FileRuns(path=path, source=source, runs=tuple(results.runs), file_time=observed_time(path)))
        result = measure(files, context, window)
        return CollectionResult(
            measurements=result.measurements,
            warnings=tuple(warnings) + result.warnings,
            unreadable=tuple(reads.unreadable),
        )


def collector() -> PromptfooCollector:
    return PromptfooCollector()
