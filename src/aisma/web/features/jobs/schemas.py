"""A background job as the API shows it: what it is, how far it got, and its result."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import Field

from aisma.web.schemas import Output


class JobOut(Output):
    id: int
    name: str = Field(description="What runs, e.g. assessment.run.")
    status: Literal["queued", "running", "succeeded", "failed"]
    progress: int = Field(description="Percent done.")
    message: str = Field(description="What the job is doing, or why it failed.")
    result: dict[str, Any] | None = Field(description="The job's result when it succeeded, e.g. assessment_id.")
    attempts: int
    created_by: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
