"""Assessments: the stored snapshot, its summary and the trend points."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from aisma.web.schemas import Input, Output, Timestamp


class AssessmentRun(Input):
    assessed_at: Timestamp | None = Field(default=None, description="Point in time to assess; default now.")


class AssessmentSummary(Output):
    id: int
    assessed_at: datetime
    model_id: str
    model_version: str
    level: int | None
    score: float | None
    evidenced_level: int | None
    created_by: str


class AssessmentOut(AssessmentSummary):
    result: dict[str, Any] = Field(description="The frozen aisma.result/v1 snapshot.")


class CategoryPoint(Output):
    id: str
    level: int | None
    score: float | None
    evidenced_level: int | None


class TrendPoint(Output):
    assessment_id: int
    assessed_at: datetime
    level: int | None
    score: float | None
    evidenced_level: int | None
    evidenced_score: float | None
    categories: list[CategoryPoint]


class KpiPointOut(Output):
    assessment_id: int
    assessed_at: datetime
    value: float | None
    answer: str | None = Field(description="What the objective's thresholds gave: fully, largely, partially, not.")
    fresh: bool | None = Field(description="False when the measurement was past its maximum age.")
    observed_at: str | None


class KpiSeriesOut(Output):
    metric: str
    title: str
    unit: str = Field(description="ratio (0..1) or count.")
    direction: str = Field(description="higher_is_better or lower_is_better.")
    objectives: list[str]
    change: float | None = Field(description="The latest value minus the one before it.")
    worsened: bool = Field(description="The latest change went the wrong way for the metric's direction.")
    points: list[KpiPointOut]
