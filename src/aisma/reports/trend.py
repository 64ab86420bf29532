"""The history as a table (Markdown, CSV) and as a self-contained SVG trend chart.

The chart draws the overall score, claimed and evidenced, over the saved assessments, and one small
chart per category with its claimed and evidenced level: the gap between the two lines is the work
of turning attestations into evidence.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from html import escape

from aisma.reports.charts import COLORS
from aisma.reports.viewmodel import fmt_level, fmt_score
from aisma.workspace.history import TrendPoint


def render_history_markdown(points: Sequence[TrendPoint]) -> str:
    if not points:
        return "No saved assessments yet (save one with: aisma assess DIR --save).\n"
    categories = list(points[-1].categories)
    lines = [
        "| Assessed | Model | Level | Score | Evidenced | Evidenced score | Roadmap items | "
        + " | ".join(categories)
        + " |",
        "|---|---|---|---|---|---|---|" + "---|" * len(categories),
    ]
    for p in points:
        cells = []
        for cid in categories:
            claimed, evidenced = p.categories.get(cid, (None, None))
            cells.append("n/a" if claimed is None else f"{fmt_level(claimed)}/{fmt_level(evidenced)}")
        lines.append(
            f"| {p.assessed_at} | {p.model_version} | {fmt_level(p.level)} | {fmt_score(p.score)} "
            f"| {fmt_level(p.evidenced_level)} | {fmt_score(p.evidenced_score)} | {p.roadmap_items} | "
            + " | ".join(cells)
            + " |"
        )
    lines += ["", "Category cells read claimed/evidenced level."]
    return "\n".join(lines) + "\n"


def render_history_csv(points: Sequence[TrendPoint]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["assessed_at", "model", "scope", "level", "score", "evidenced_level", "evidenced_score"])
    for p in points:
        writer.writerow(
            [p.assessed_at, p.model_version, "overall", p.level, p.score, p.evidenced_level, p.evidenced_score]
        )
        for cid, (claimed, evidenced) in p.categories.items():
            writer.writerow([p.assessed_at, p.model_version, cid, claimed, "", evidenced, ""])
    return out.getvalue()


def _polyline(values: Sequence[float | None], x0: float, y0: float, w: float, h: float, top: float, color: str) -> str:
    n = len(values)
    pts = []
    for i, v in enumerate(values):
        if v is None:
            continue
        x = x0 + (w * i / (n - 1) if n > 1 else w / 2)
        y = y0 + h - h * v / top
        pts.append(f"{x:.1f},{y:.1f}")
    if not pts:
        return ""
    dots = "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="2.5" fill="{color}"/>' for p in pts)
    return f'<polyline points="{" ".join(pts)}" fill="none" stroke="{color}" stroke-width="2"/>{dots}'


def trend_svg(points: Sequence[TrendPoint], max_level: int = 5) -> str:
    """Overall score (claimed, evidenced) over time, then a small chart per category."""
    categories = list(points[-1].categories) if points else []
    columns = 4
    rows = (len(categories) + columns - 1) // columns
    width, main_h, cell_w, cell_h = 760, 240, 180, 110
    height = main_h + 40 + rows * (cell_h + 20)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="trend-title" class="chart trend" font-family="sans-serif">',
        '<title id="trend-title">Maturity over time: overall score and category levels, claimed and evidenced</title>',
        f'<text x="10" y="18" font-size="14" font-weight="600" fill="{COLORS["text"]}">Overall score</text>',
        f'<text x="{width - 250}" y="18" font-size="12" fill="{COLORS["claimed"]}">— claimed</text>',
        f'<text x="{width - 160}" y="18" font-size="12" fill="{COLORS["evidenced"]}">— evidenced</text>',
    ]
    x0, y0, w, h = 40.0, 30.0, width - 70.0, main_h - 60.0
    for level in range(max_level + 1):
        y = y0 + h - h * level / max_level
        parts.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + w}" y2="{y:.1f}" stroke="{COLORS["grid"]}"/>')
        parts.append(
            f'<text x="{x0 - 8}" y="{y + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{COLORS["muted"]}">{level}</text>'
        )
    n = len(points)
    for i, p in enumerate(points):
        x = x0 + (w * i / (n - 1) if n > 1 else w / 2)
        parts.append(
            f'<text x="{x:.1f}" y="{y0 + h + 16:.1f}" font-size="10" text-anchor="middle" '
            f'fill="{COLORS["muted"]}">{escape(p.assessed_at[:10])}</text>'
        )
    parts.append(_polyline([p.score for p in points], x0, y0, w, h, max_level, COLORS["claimed"]))
    parts.append(_polyline([p.evidenced_score for p in points], x0, y0, w, h, max_level, COLORS["evidenced"]))
    for k, cid in enumerate(categories):
        cx = 20 + (k % columns) * (cell_w + 10)
        cy = main_h + 20 + (k // columns) * (cell_h + 20)
        parts.append(
            f'<rect x="{cx}" y="{cy}" width="{cell_w}" height="{cell_h}" fill="none" stroke="{COLORS["grid"]}"/>'
            f'<text x="{cx + 6}" y="{cy + 14}" font-size="11" font-weight="600" fill="{COLORS["text"]}">'
            f"{escape(cid)}</text>"
        )
        claimed = [p.categories.get(cid, (None, None))[0] for p in points]
        evidenced = [p.categories.get(cid, (None, None))[1] for p in points]
        ix, iy, iw, ih = cx + 10.0, cy + 20.0, cell_w - 20.0, cell_h - 28.0
        parts.append(
            _polyline(
                [float(v) if v is not None else None for v in claimed], ix, iy, iw, ih, max_level, COLORS["claimed"]
            )
        )
        parts.append(
            _polyline(
                [float(v) if v is not None else None for v in evidenced], ix, iy, iw, ih, max_level, COLORS["evidenced"]
            )
        )
    parts.append("</svg>")
    return "\n".join(part for part in parts if part) + "\n"
