"""A rendered report as a file download, the same for the API and the web pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import Response

if TYPE_CHECKING:  # the pages import the report service lazily; so does this
    from aisma.web.features.reports.service import Report


def report_download(report: Report) -> Response:
    """Always an attachment and ``nosniff``: an HTML report must never render inside the app's origin."""
    return Response(
        report.content,
        media_type=report.media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{report.filename}"',
            "X-Content-Type-Options": "nosniff",
        },
    )
