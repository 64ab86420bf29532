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
