"""Self-contained HTML report: inline CSS and SVG, no script, no external asset."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from aisma.frameworks.posture import FrameworkPosture
from aisma.reports import charts
from aisma.reports.frameworks import framework_sections
from aisma.reports.registry import ReportContext, Reporter
from aisma.reports.viewmodel import (
    SOURCE_LABELS,
    STATUS_LABELS,
    VIEW_TITLES,
    fmt_level,
    fmt_pct,
    fmt_score,
    gating_context,
    headline,
    level_name,
    source_label,
    stale_text,
    target_notes,
    unlisted_text,
)
from aisma.roadmap.render import html_view
from aisma.scoring.results import AssessmentResult


def environment() -> Environment:
    """The Jinja environment of the HTML report; the PDF renders its own page on top of the same templates."""
    env = Environment(
        loader=PackageLoader("aisma.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(score=fmt_score, level=fmt_level, pct=fmt_pct)
    return env


def template_context(result: AssessmentResult, frameworks: Iterable[FrameworkPosture] = ()) -> dict[str, Any]:
    """The variables every report template reads: the result, its headline, labels, the SVG charts and
    a section per chosen framework posture."""
    levels = [n for n, _ in result.levels if n >= 1]
    max_level = max(levels) if levels else 5
    return dict(
        r=result,
        h=headline(result),
        level_name=lambda lv: level_name(result, lv),
        status_labels=STATUS_LABELS,
        source_labels=SOURCE_LABELS,
        source_label=source_label,
        stale_text=stale_text,
        unlisted_text=unlisted_text,
        target_notes=target_notes(result),
        view_titles=VIEW_TITLES,
        **gating_context(result),
        radar=Markup(charts.radar(result.categories, max_level)),  # noqa: S704 - built from escaped parts
        heatmap=Markup(charts.heatmap(result.categories, levels)),  # noqa: S704
        bars=Markup(charts.claimed_vs_evidenced(result.categories, max_level)),  # noqa: S704
        domain_title={d.id: d.title for d in result.domains},
        roadmap=html_view(result),
        frameworks=framework_sections(frameworks),
    )


def render_html(result: AssessmentResult, frameworks: Iterable[FrameworkPosture] = ()) -> str:
    return environment().get_template("report.html.j2").render(template_context(result, frameworks))


def reporter() -> Reporter:
    """The ``html`` entry point of ``aisma.reporters``."""

    def render(result: AssessmentResult, context: ReportContext) -> str:
        return render_html(result, context.frameworks or ())

    return Reporter(
        format="html",
        media_type="text/html; charset=utf-8",
        suffix=".html",
        binary=False,
        description="self-contained HTML report with SVG charts",
        render=render,
        label="HTML",
        order=10,
    )
