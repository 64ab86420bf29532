"""Self-contained HTML report: inline CSS and SVG, no script, no external asset."""

from __future__ import annotations

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from aisma.reports import charts
from aisma.reports.viewmodel import (
    SOURCE_LABELS,
    STATUS_LABELS,
    VIEW_TITLES,
    fmt_level,
    fmt_pct,
    fmt_score,
    headline,
    level_name,
)
from aisma.roadmap.render import html_view
from aisma.scoring.results import AssessmentResult


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("aisma.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(score=fmt_score, level=fmt_level, pct=fmt_pct)
    return env


def render_html(result: AssessmentResult) -> str:
    levels = [n for n, _ in result.levels if n >= 1]
    max_level = max(levels) if levels else 5
    template = _environment().get_template("report.html.j2")
    return template.render(
        r=result,
        h=headline(result),
        level_name=lambda lv: level_name(result, lv),
        status_labels=STATUS_LABELS,
        source_labels=SOURCE_LABELS,
        view_titles=VIEW_TITLES,
        radar=Markup(charts.radar(result.categories, max_level)),  # noqa: S704 - built from escaped parts
        heatmap=Markup(charts.heatmap(result.categories, levels)),  # noqa: S704
        bars=Markup(charts.claimed_vs_evidenced(result.categories, max_level)),  # noqa: S704
        domain_title={d.id: d.title for d in result.domains},
        roadmap=html_view(result),
    )
