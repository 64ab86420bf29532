"""KPIs over time: every measured metric of an assessment, as a point, and the series they make.

A KPI is an objective's automated measurement (``measurement.metric`` in the result). One assessment
yields one point per metric: its value, the answer its thresholds gave (fully ... not), whether it
was fresh, when it was observed and the objectives that read it. The server keeps these points in the
assessment's small summary row, apart from the result blob, so a trend of every KPI never reads the
snapshots. ``answer_rank`` orders answers so a drift past a threshold is a drop in rank.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aisma.maturity.catalogs import metric_catalog

ANSWER_RANK = {"fully": 3, "largely": 2, "partially": 1, "not": 0}


def answer_rank(answer: str | None) -> int | None:
    return ANSWER_RANK.get(answer or "")


def kpi_points(result: dict[str, Any]) -> list[dict[str, Any]]:
    """One point per metric measured in ``result`` (the first objective's measurement when several share it)."""
    points: dict[str, dict[str, Any]] = {}
    for category in result.get("categories", []):
        for objective in category.get("objectives", []):
            m = objective.get("measurement")
            if not m or not m.get("metric"):
                continue
            point = points.get(m["metric"])
            if point is None:
                points[m["metric"]] = {
                    "metric": m["metric"],
                    "value": m.get("value"),
                    "numerator": m.get("numerator"),
                    "denominator": m.get("denominator"),
                    "answer": m.get("answer"),
                    "fresh": m.get("fresh"),
                    "observed_at": m.get("observed_at"),
                    "objectives": [objective["id"]],
                }
            else:
                point["objectives"].append(objective["id"])
    return [points[k] for k in sorted(points)]


@dataclass(frozen=True)
class KpiPoint:
    assessment_id: int | None
    assessed_at: datetime | str
    value: float | None
    answer: str | None
    fresh: bool | None
    observed_at: str | None


@dataclass
class KpiSeries:
    metric: str
    title: str
    unit: str
    direction: str
    objectives: list[str] = field(default_factory=list)
    points: list[KpiPoint] = field(default_factory=list)

    @property
    def latest(self) -> KpiPoint | None:
        return self.points[-1] if self.points else None

    @property
    def change(self) -> float | None:
        """Latest value minus the one before it (None with fewer than two values)."""
        values = [p.value for p in self.points if p.value is not None]
        return round(values[-1] - values[-2], 6) if len(values) >= 2 else None

    @property
    def worsened(self) -> bool:
        """The latest change went the wrong way for this metric's direction."""
        change = self.change
        if change is None or change == 0:
            return False
        return change < 0 if self.direction == "higher_is_better" else change > 0


def kpi_series(assessments: Iterable[tuple[int | None, datetime | str, Sequence[dict[str, Any]]]]) -> list[KpiSeries]:
    """Series by metric from ``(assessment_id, assessed_at, kpi_points)``, oldest first; sorted by metric id."""
    catalog = metric_catalog()
    series: dict[str, KpiSeries] = {}
    for assessment_id, assessed_at, points in assessments:
        for p in points:
            metric = str(p["metric"])
            s = series.get(metric)
            if s is None:
                spec = catalog.get(metric)
                s = series[metric] = KpiSeries(
                    metric=metric,
                    title=spec.title if spec else metric,
                    unit=spec.unit if spec else "ratio",
                    direction=spec.direction if spec else "higher_is_better",
                )
            for objective in p.get("objectives") or []:
                if objective not in s.objectives:
                    s.objectives.append(objective)
            s.points.append(
                KpiPoint(
                    assessment_id=assessment_id,
                    assessed_at=assessed_at,
                    value=p.get("value"),
                    answer=p.get("answer"),
                    fresh=p.get("fresh"),
                    observed_at=p.get("observed_at"),
                )
            )
    return [series[k] for k in sorted(series)]


def sparkline(series: KpiSeries, width: int = 120, height: int = 28) -> str:
    """A small SVG line of the series (ratios on 0..1, counts on 0..max); escaped by construction (numbers only)."""
    values = [p.value for p in series.points]
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    top = 1.0 if series.unit == "ratio" else max(max(known), 1.0)
    step = (width - 4) / (len(values) - 1)
    coords = [
        f"{2 + i * step:.1f},{height - 2 - (height - 4) * min(max(v / top, 0.0), 1.0):.1f}"
        for i, v in enumerate(values)
        if v is not None
    ]
    last_x, last_y = coords[-1].split(",")
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'class="sparkline" role="img" aria-label="trend of {len(known)} values">'
        f'<polyline points="{" ".join(coords)}" fill="none" stroke="currentColor" stroke-width="1.5"/>'
        f'<circle cx="{last_x}" cy="{last_y}" r="2.5" fill="currentColor"/></svg>'
    )
