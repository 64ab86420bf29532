"""What the dashboard shows, computed from the latest stored snapshot and the history of snapshots.

Kept apart from the HTTP handler so the same figures can be tested from a plain result dict, and so
the dashboard and the HTML report read one view-model (``aisma.reports.viewmodel.headline``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup

from aisma.assurance.kpis import KpiSeries, sparkline
from aisma.reports import charts
from aisma.reports.viewmodel import gating_context, headline, level_name, target_notes
from aisma.scoring.results import AssessmentResult
from aisma.web.features.assessments.trend import TrendPoint, trend_chart

VERDICT_LABELS = {"appropriate": "Appropriate", "marginal": "Marginal", "do_not_proceed": "Do not proceed"}


def dashboard_view(snapshot: dict[str, Any] | None, history: Sequence[TrendPoint] = ()) -> dict[str, Any]:
    """Template context for the dashboard; ``snapshot`` None means no assessment has run yet."""
    if snapshot is None:
        return {"result": None, "trend": Markup(trend_chart(history)), "history": list(history)}  # noqa: S704
    result = AssessmentResult.from_dict(snapshot)
    levels = [n for n, _ in result.levels if n >= 1] or [1, 2, 3, 4, 5]
    max_level = max(levels)
    stops = [g for g in result.gating if g.verdict == "do_not_proceed"]
    marginal = [g for g in result.gating if g.verdict == "marginal"]
    # Every chart is built from escaped parts in aisma.reports.charts / trend, so Markup is safe here.
    return {
        "result": result,
        "h": headline(result),
        "level_name": lambda lv: level_name(result, lv),
        "stops": stops,
        "marginal": marginal,
        "verdict_labels": VERDICT_LABELS,
        **gating_context(result),
        "radar": Markup(charts.radar(result.categories, max_level)),  # noqa: S704
        "heatmap": Markup(charts.heatmap(result.categories, levels)),  # noqa: S704
        "bars": Markup(charts.claimed_vs_evidenced(result.categories, max_level)),  # noqa: S704
        "trend": Markup(trend_chart(history, max_level)),  # noqa: S704
        "history": list(history),
        "domain_title": {d.id: d.title for d in result.domains},
        "target_notes": target_notes(result),
    }


def _fmt_kpi(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    return f"{value:.0%}" if unit == "ratio" else f"{value:g}"


def kpi_rows(series: Sequence[KpiSeries]) -> list[dict[str, Any]]:
    """One dashboard row per KPI: latest value and answer, change since the previous assessment, sparkline."""
    rows = []
    for s in series:
        latest = s.latest
        change = s.change
        if change is None:
            change_text = ""
        elif change == 0:
            change_text = "no change"
        elif s.unit == "ratio":
            change_text = f"{change * 100:+.0f} pt"
        else:
            change_text = f"{change:+g}"
        rows.append(
            {
                "metric": s.metric,
                "title": s.title,
                "objectives": s.objectives,
                "value": _fmt_kpi(latest.value if latest else None, s.unit),
                "answer": latest.answer if latest else None,
                "fresh": latest.fresh if latest else None,
                "change": change_text,
                "worsened": s.worsened,
                "moved": bool(change),
                "points": len(s.points),
                "better": "higher is better" if s.direction == "higher_is_better" else "lower is better",
                # numbers only, built in aisma.assurance.kpis.sparkline: safe as markup
                "sparkline": Markup(sparkline(s)),  # noqa: S704
            }
        )
    return sorted(rows, key=lambda r: (not r["worsened"], r["metric"]))  # what got worse first
