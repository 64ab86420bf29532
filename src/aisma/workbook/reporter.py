"""The ``xlsx`` entry point of ``aisma.reporters``; openpyxl is imported only when a workbook is made."""

from __future__ import annotations

from aisma.reports.registry import ReportContext, Reporter
from aisma.scoring.results import AssessmentResult


def _render(result: AssessmentResult, context: ReportContext) -> bytes:
    from aisma.workbook.export import build_workbook

    return build_workbook(result, context)


def reporter() -> Reporter:
    return Reporter(
        format="xlsx",
        media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        suffix=".xlsx",
        binary=True,
        description="workbook: scorecard, objectives with criteria and answers, inventory, roadmap, crosswalks",
        render=_render,
    )
