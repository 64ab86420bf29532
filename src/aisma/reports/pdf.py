"""PDF report for the board: the HTML report's templates and SVG charts, paginated by WeasyPrint.

A cover and an executive summary page come first, then the same detail as the HTML report, with
print CSS (A4, page numbers, no table row cut in two). WeasyPrint is an optional extra
(``aisma[pdf]``) because it needs Pango from the operating system; without it the format still
exists and says how to install it.

Rendering is offline (a URL fetcher refuses everything but inline ``data:`` URLs, so a crafted
evidence link or organization name can never make the renderer fetch from the network) and
deterministic: the PDF dates come from ``assessed_at`` and its identifier from the content.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable
from typing import Any

from aisma.errors import AismaError
from aisma.frameworks.posture import FrameworkPosture
from aisma.reports.html import environment, template_context
from aisma.reports.registry import Need, ReportContext, Reporter
from aisma.reports.viewmodel import first_roadmap_phase, gating_counts, weakest_categories
from aisma.scoring.results import AssessmentResult

INSTALL_HINT = (
    "the PDF report needs WeasyPrint: pip install 'aisma[pdf]' "
    "(and Pango, e.g. apt-get install libpango-1.0-0 libpangoft2-1.0-0)"
)
VERDICT_LABEL = {"appropriate": "Appropriate", "marginal": "Marginal", "do_not_proceed": "Do not proceed"}
# The executive summary is one page: it lists this many roadmap items, the rest are in the detail.
SUMMARY_ROADMAP_ITEMS = 6
SUMMARY_GATING_ROWS = 14
SEVERITY = {"do_not_proceed": 0, "marginal": 1, "appropriate": 2}
VERDICT_PILL = {"appropriate": "met", "marginal": "unknown", "do_not_proceed": "unmet"}


def _names(items: Any) -> str:
    """A roadmap item's regulations as text, whether given as strings or as mappings with an id."""
    if not items:
        return ""
    out = []
    for item in items:
        if isinstance(item, dict):
            out.append(str(item.get("id") or item.get("title") or item.get("name") or ""))
        else:
            out.append(str(item))
    return ", ".join(x for x in out if x)


def pdf_html(result: AssessmentResult, frameworks: Iterable[FrameworkPosture] = ()) -> str:
    """The HTML that becomes the PDF (exposed for tests and for anyone who wants to restyle it)."""
    env = environment()
    env.filters["names"] = _names
    variables = template_context(result, frameworks) | {
        "pdf": True,
        "weakest": weakest_categories(result),
        "gating_counts": gating_counts(result),
        "first_phase": first_roadmap_phase(result),
        "roadmap_phases": list(result.roadmap),
        "verdict_label": VERDICT_LABEL,
        "verdict_pill": VERDICT_PILL,
        "summary_items": SUMMARY_ROADMAP_ITEMS,
        "summary_gating": sorted(result.gating, key=lambda g: SEVERITY.get(g.verdict, 3))[:SUMMARY_GATING_ROWS],
    }
    return env.get_template("report.pdf.html.j2").render(variables)


def html_to_pdf(html: str, identifier: str, refused: list[str] | None = None) -> bytes:
    """Render HTML to PDF bytes without touching the network.

    Every URL the document asks for, other than inline ``data:`` URLs, is refused and appended to
    ``refused`` (if given) so callers and tests can see what was asked for.
    """
    try:
        import weasyprint
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError):
        raise AismaError(INSTALL_HINT) from None

    asked = refused if refused is not None else []

    class OfflineFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            asked.append(url)
            raise ValueError(f"aisma renders PDFs offline; refused {url}")

    # WeasyPrint logs every refused fetch and unsupported CSS property as a warning; the report
    # has none of its own, and refused URLs are reported through ``refused``.
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=OfflineFetcher())
        data: bytes = document.write_pdf(pdf_identifier=identifier.encode("ascii"))
    finally:
        logger.setLevel(level)
    return data


def render_pdf(result: AssessmentResult, frameworks: Iterable[FrameworkPosture] = ()) -> bytes:
    html = pdf_html(result, frameworks)
    return html_to_pdf(html, identifier=hashlib.sha256(html.encode("utf-8")).hexdigest()[:32])


def reporter() -> Reporter:
    """The ``pdf`` entry point of ``aisma.reporters``."""

    def render(result: AssessmentResult, context: ReportContext) -> bytes:
        return render_pdf(result, context.frameworks or ())

    return Reporter(
        format="pdf",
        media_type="application/pdf",
        suffix=".pdf",
        binary=True,
        description="paginated PDF for the board: cover, executive summary, then the detail",
        render=render,
        label="PDF",
        needs=(Need("weasyprint", "WeasyPrint: pip install 'aisma[pdf]' (and Pango)"),),
        order=20,
    )
