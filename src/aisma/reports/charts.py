"""Server-side SVG charts. Plain SVG, no script, so the report works offline and in print."""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from aisma.reports.viewmodel import fmt_score, heat_row
from aisma.scoring.results import CategoryResult

COLORS = {
    "claimed": "#1f5fa8",
    "evidenced": "#2e8b57",
    "target": "#c0392b",
    "met": "#2e8b57",
    "unmet": "#d9534f",
    "unknown": "#b8b8b8",
    "na": "#eef0f3",
    "grid": "#d5d9df",
    "text": "#1d2733",
    "muted": "#5b6775",
}


def _pt(cx: float, cy: float, r: float, angle: float) -> tuple[float, float]:
    return cx + r * math.sin(angle), cy - r * math.cos(angle)


def radar(categories: Sequence[CategoryResult], max_level: int) -> str:
    """Claimed, evidenced and target level per category on one polar chart."""
    cats = [c for c in categories if c.applicable]
    if len(cats) < 3:
        return ""
    size, cx, cy, radius = 460, 230, 235, 160
    n = len(cats)
    angles = [2 * math.pi * i / n for i in range(n)]
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size + 10}" role="img" '
        'aria-labelledby="radar-title" class="chart radar">',
        '<title id="radar-title">Maturity per category: claimed, evidenced and target level</title>',
    ]
    for ring in range(1, max_level + 1):
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in (_pt(cx, cy, radius * ring / max_level, a) for a in angles))
        parts.append(f'<polygon points="{pts}" fill="none" stroke="{COLORS["grid"]}" stroke-width="1"/>')
        x, y = _pt(cx, cy, radius * ring / max_level, 0)
        parts.append(f'<text x="{x + 4:.1f}" y="{y + 4:.1f}" font-size="10" fill="{COLORS["muted"]}">{ring}</text>')
    for c, a in zip(cats, angles, strict=True):
        x, y = _pt(cx, cy, radius, a)
        parts.append(f'<line x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}" stroke="{COLORS["grid"]}"/>')
        lx, ly = _pt(cx, cy, radius + 22, a)
        anchor = "middle" if abs(lx - cx) < 8 else ("start" if lx > cx else "end")
        parts.append(
            f'<text x="{lx:.1f}" y="{ly + 4:.1f}" font-size="12" font-weight="600" text-anchor="{anchor}" '
            f'fill="{COLORS["text"]}">{escape(c.id)}</text>'
        )

    def polygon(values: list[float], color: str, fill: float, dash: str = "") -> str:
        pts = " ".join(
            f"{x:.1f},{y:.1f}"
            for x, y in (_pt(cx, cy, radius * v / max_level, a) for v, a in zip(values, angles, strict=True))
        )
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        return f'<polygon points="{pts}" fill="{color}" fill-opacity="{fill}" stroke="{color}" stroke-width="2"{dash_attr}/>'

    targets = [float(c.target_level) for c in cats if c.target_level is not None]
    if len(targets) == n:
        parts.append(polygon(targets, COLORS["target"], 0.0, "6 4"))
    parts.append(polygon([c.score or 0.0 for c in cats], COLORS["claimed"], 0.18))
    parts.append(polygon([c.evidenced_score or 0.0 for c in cats], COLORS["evidenced"], 0.18))
    legend = (("Claimed", COLORS["claimed"]), ("Evidenced", COLORS["evidenced"]), ("Target", COLORS["target"]))
    for i, (label, color) in enumerate(legend):
        x = 20 + i * 110
        parts.append(f'<rect x="{x}" y="{size - 8}" width="14" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 20}" y="{size + 1}" font-size="12" fill="{COLORS["text"]}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def heatmap(categories: Sequence[CategoryResult], levels: list[int]) -> str:
    """Category x level grid; each objective is one square coloured by its status (as C2M2 reports do)."""
    label_w, cell_w, cell_h, top = 70, 92, 30, 28
    width = label_w + cell_w * len(levels) + 10
    height = top + cell_h * len(categories) + 36
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="heat-title" class="chart heatmap">',
        '<title id="heat-title">Objectives per category and level: met, not met, unknown, not applicable</title>',
    ]
    for j, level in enumerate(levels):
        x = label_w + j * cell_w + cell_w / 2
        parts.append(
            f'<text x="{x:.0f}" y="18" font-size="12" font-weight="600" text-anchor="middle" fill="{COLORS["text"]}">L{level}</text>'
        )
    for i, c in enumerate(categories):
        y = top + i * cell_h
        parts.append(
            f'<text x="6" y="{y + 19}" font-size="12" font-weight="600" fill="{COLORS["text"]}">{escape(c.id)}</text>'
        )
        for j, cell in enumerate(heat_row(c, levels)):
            x0 = label_w + j * cell_w
            parts.append(
                f'<rect x="{x0 + 2}" y="{y + 2}" width="{cell_w - 4}" height="{cell_h - 4}" fill="#fafbfc" stroke="{COLORS["grid"]}"/>'
            )
            sq = 12
            for k, status in enumerate(cell.statuses):
                sx = x0 + 7 + k * (sq + 3)
                label = {"met": "met", "unmet": "not met", "unknown": "unknown", "na": "not applicable"}[status]
                parts.append(
                    f'<rect x="{sx}" y="{y + 9}" width="{sq}" height="{sq}" rx="2" fill="{COLORS[status]}" '
                    f'stroke="#8a94a0" stroke-width="0.5"><title>L{cell.level}: {label}</title></rect>'
                )
    ly = top + cell_h * len(categories) + 18
    for k, (status, label) in enumerate((("met", "Met"), ("unmet", "Not met"), ("unknown", "Unknown"), ("na", "N/A"))):
        x = label_w + k * 90
        parts.append(
            f'<rect x="{x}" y="{ly - 10}" width="12" height="12" rx="2" fill="{COLORS[status]}" stroke="#8a94a0" stroke-width="0.5"/>'
        )
        parts.append(f'<text x="{x + 17}" y="{ly}" font-size="12" fill="{COLORS["text"]}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)


def claimed_vs_evidenced(categories: Sequence[CategoryResult], max_level: int) -> str:
    """Two bars per category (claimed, evidenced score) with the target as a red tick."""
    cats = [c for c in categories if c.applicable]
    label_w, bar_w, row_h = 70, 360, 30
    width, height = label_w + bar_w + 60, 34 + row_h * len(cats) + 20
    scale = bar_w / max_level
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        'aria-labelledby="bars-title" class="chart bars">',
        '<title id="bars-title">Claimed versus evidenced score per category, with the target</title>',
    ]
    for lv in range(max_level + 1):
        x = label_w + lv * scale
        parts.append(f'<line x1="{x:.1f}" y1="22" x2="{x:.1f}" y2="{height - 20}" stroke="{COLORS["grid"]}"/>')
        parts.append(
            f'<text x="{x:.1f}" y="16" font-size="10" text-anchor="middle" fill="{COLORS["muted"]}">{lv}</text>'
        )
    for i, c in enumerate(cats):
        y = 26 + i * row_h
        parts.append(
            f'<text x="6" y="{y + 15}" font-size="12" font-weight="600" fill="{COLORS["text"]}">{escape(c.id)}</text>'
        )
        cw, ew = (c.score or 0) * scale, (c.evidenced_score or 0) * scale
        parts.append(
            f'<rect x="{label_w}" y="{y + 2}" width="{cw:.1f}" height="10" fill="{COLORS["claimed"]}"><title>{escape(c.id)} claimed {fmt_score(c.score)}</title></rect>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 13}" width="{ew:.1f}" height="10" fill="{COLORS["evidenced"]}"><title>{escape(c.id)} evidenced {fmt_score(c.evidenced_score)}</title></rect>'
        )
        parts.append(
            f'<text x="{label_w + max(cw, ew) + 6:.1f}" y="{y + 16}" font-size="11" fill="{COLORS["text"]}">{fmt_score(c.score)} / {fmt_score(c.evidenced_score)}</text>'
        )
        if c.target_level is not None:
            tx = label_w + c.target_level * scale
            parts.append(
                f'<line x1="{tx:.1f}" y1="{y}" x2="{tx:.1f}" y2="{y + 25}" stroke="{COLORS["target"]}" stroke-width="3"><title>target {c.target_level}</title></line>'
            )
    ly = height - 6
    for k, (label, color) in enumerate(
        (("Claimed", COLORS["claimed"]), ("Evidenced", COLORS["evidenced"]), ("Target", COLORS["target"]))
    ):
        x = label_w + k * 110
        parts.append(f'<rect x="{x}" y="{ly - 10}" width="14" height="10" fill="{color}"/>')
        parts.append(f'<text x="{x + 20}" y="{ly}" font-size="12" fill="{COLORS["text"]}">{label}</text>')
    parts.append("</svg>")
    return "".join(parts)
