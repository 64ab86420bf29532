"""The ``xlsx`` entry point of ``aisma.reporters``; openpyxl is imported only when a workbook is made.

Written against the plugin API alone (``aisma.plugin``), as a third-party format would be.
"""

from __future__ import annotations

from aisma.plugin import AssessmentResult, ReportContext, Reporter


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
        label="Workbook (XLSX)",
        order=30,
    )
