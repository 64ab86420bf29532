"""The trend chart: claimed and evidenced overall score across the stored assessment snapshots.

Plain server-rendered SVG like the report charts (``aisma.reports.charts``), so the dashboard needs no
chart library and prints the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from aisma.reports.charts import COLORS
from aisma.reports.viewmodel import fmt_score


@dataclass(frozen=True)
class TrendPoint:
    """One stored assessment, reduced to what the trend shows."""

    assessed_at: str
    score: float | None
    evidenced_score: float | None
    level: int | None
    evidenced_level: int | None


def trend_point(snapshot: dict[str, Any]) -> TrendPoint:
    overall = snapshot.get("overall", {})
    return TrendPoint(
        assessed_at=str(snapshot.get("assessed_at", "")),
        score=overall.get("score"),
        evidenced_score=overall.get("evidenced_score"),
        level=overall.get("level"),
        evidenced_level=overall.get("evidenced_level"),
    )


def trend_chart(points: Sequence[TrendPoint], max_level: int = 5) -> str:
    """Two lines over time (oldest left); empty string when there are fewer than two assessments."""
    if len(points) < 2:
        return ""
    width, height, left, right, top, bottom = 640, 250, 40, 16, 16, 56
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / (len(points) - 1)

    def xy(i: int, value: float | None) -> tuple[float, float]:
        return left + i * step, top + plot_h - plot_h * (value or 0.0) / max_level

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="trend-title" class="chart trend">',
        '<title id="trend-title">Overall score over time: claimed and evidenced</title>',
    ]
    for lv in range(max_level + 1):
        y = top + plot_h - plot_h * lv / max_level
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="{COLORS["grid"]}"/>'
            f'<text x="{left - 8}" y="{y + 4:.1f}" font-size="11" text-anchor="end" '
            f'fill="{COLORS["muted"]}">{lv}</text>'
        )
    label_every = max(1, round(len(points) / 8))
    for i, p in enumerate(points):
        last = len(points) - 1
        if i == last or (i % label_every == 0 and last - i >= label_every):
            x = left + i * step
            parts.append(
                f'<text x="{x:.1f}" y="{top + plot_h + 16}" font-size="11" text-anchor="middle" '
                f'fill="{COLORS["muted"]}">{escape(p.assessed_at[:10])}</text>'
            )
    lines = (("score", COLORS["claimed"], "claimed"), ("evidenced_score", COLORS["evidenced"], "evidenced"))
    for key, color, label in lines:
        coords = [xy(i, getattr(p, key)) for i, p in enumerate(points)]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.5"/>')
        for (x, y), p in zip(coords, points, strict=True):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{color}"><title>{escape(p.assessed_at[:10])} '
                f"{label} {fmt_score(getattr(p, key))}</title></circle>"
            )
    ly = height - 12
    for k, (label, color) in enumerate((("Claimed", COLORS["claimed"]), ("Evidenced", COLORS["evidenced"]))):
        x = left + k * 110
        parts.append(f'<rect x="{x}" y="{ly - 10}" width="14" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 20}" y="{ly}" font-size="12" fill="{COLORS["text"]}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
