"""Reports: what a background rendering is asked for."""

from __future__ import annotations

from pydantic import Field

from aisma.web.schemas import Input


class ReportRender(Input):
    format: str = Field(
        default="html", pattern=r"^[a-z][a-z0-9-]{0,30}$", description="A registered report format (html, pdf, ...)."
    )
