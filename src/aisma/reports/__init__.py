"""Reports: one module per format, all rendered from the same frozen result."""

from __future__ import annotations

from aisma.errors import AismaError
from aisma.scoring.results import AssessmentResult

FORMATS = ("json", "md", "html")


def render(result: AssessmentResult, fmt: str) -> str:
    if fmt == "json":
        from aisma.reports.json_report import render_json

        return render_json(result)
    if fmt == "md":
        from aisma.reports.markdown import render_markdown

        return render_markdown(result)
    if fmt == "html":
        from aisma.reports.html import render_html

        return render_html(result)
    raise AismaError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")
