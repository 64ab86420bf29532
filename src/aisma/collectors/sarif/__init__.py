"""The ``sarif`` collector: findings per rule from SARIF 2.1.0 logs, one measurement per run, streamed.

What counts as a finding follows the specification (see ``reader``): suppressed results, results
of kind pass, notApplicable or informational, and results absent from the current run are not
findings; each run is credited to its own tool and dated by its own invocation, the file's
modification time being the fallback, with a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import (
    MAX_DETAILS,
    CollectContext,
    CollectionResult,
    CollectorMeta,
    FileReads,
    file_source,
    file_time,
)
from aisma.collectors.registry import read_meta
from aisma.collectors.sarif.reader import RunCounts, read_log
from aisma.scoring.inputs import Measurement, Source

METRIC = "sarif.findings.count"
UNNAMED_TOOL = "SARIF producer (unnamed)"


def _measurement(run: RunCounts, source: Source, path: Path) -> Measurement:
    total = run.total
    ranked = sorted(run.findings.items(), key=lambda kv: (-kv[1], kv[0]))
    return Measurement(
        metric=METRIC,
        observed_at=run.observed_at or file_time(path),
        numerator=float(total),
        denominator=None,
        value=float(total),
        source=source,
        details=tuple(f"{rule}: {n}" for rule, n in ranked[:MAX_DETAILS]),
    )


def _left_out(runs: Sequence[RunCounts]) -> str:
    parts = []
    for n, what in (
        (sum(r.suppressed for r in runs), "suppressed"),
        (sum(r.not_findings for r in runs), "of kind pass, notApplicable or informational"),
        (sum(r.absent for r in runs), "absent from the run (baselineState absent)"),
    ):
        if n:
            parts.append(f"{n} {what}")
    return "; ".join(parts)


class SarifCollector:
    """Counts findings by rule, per run; the run's invocation time is the observation."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        out: list[Measurement] = []
        warnings: list[str] = []
        reads = FileReads(context)
        for path, runs in reads.each(paths, read_log):
            name = context.display_name(path)
            counted = [r for r in runs if r.has_results]
            for run in runs:
                if not run.has_results:
                    warnings.append(
                        f"{name}: run {run.index} ({run.tool or UNNAMED_TOOL}) has no results array "
                        "(the tool did not run or recorded nothing); not counted"
                    )
            if not counted:
                if runs and all(not r.has_results for r in runs):
                    continue
                warnings.append(f"{name}: no runs; nothing measured")
                continue
            undated = [r for r in counted if r.observed_at is None]
            if undated:
                warnings.append(
                    f"{name}: {len(undated)} of {len(counted)} run(s) record no invocation start or end time; "
                    "dated by the file's modification time"
                )
            left_out = _left_out(counted)
            if left_out:
                warnings.append(f"{name}: not counted as findings: {left_out}")
            digest = file_source(path, "", "", context).sha256
            for run in counted:
                version = run.version or run.semantic_version
                source = Source(tool=run.tool or UNNAMED_TOOL, version=version, file=name, sha256=digest)
                out.append(_measurement(run, source, path))
            if context.progress:
                context.progress(path.stat().st_size)
        return CollectionResult(measurements=tuple(out), warnings=tuple(warnings), unreadable=tuple(reads.unreadable))


def collector() -> SarifCollector:
    return SarifCollector()
