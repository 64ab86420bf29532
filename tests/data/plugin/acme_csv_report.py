"""A third-party report format: one CSV line per category, written against ``aisma.plugin`` alone."""

from __future__ import annotations

import csv
import io

from aisma.plugin import AssessmentResult, ReportContext, Reporter


def _render(result: AssessmentResult, context: ReportContext) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["category", "level", "target"])
    for category in result.categories:
        writer.writerow([category.id, category.level, category.target_level])
    return out.getvalue()


def reporter() -> Reporter:
    return Reporter(
        format="acme-csv",
        media_type="text/csv; charset=utf-8",
        suffix=".csv",
        binary=False,
        description="category levels as CSV (ACME's dashboard import)",
        render=_render,
        label="ACME dashboard (CSV)",
        order=15,
    )
