"""``aisma.yaml``: who is assessed, against which model, and the targets."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TargetsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: int | None = Field(default=3, ge=0, le=10)
    domains: dict[str, int] = Field(default_factory=dict)
    categories: dict[str, int] = Field(default_factory=dict)


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: str = Field(min_length=1)
    model: str = "aisma-core"
    description: str = ""
    targets: TargetsConfig = TargetsConfig()
    # Settings per collector id; read by the collectors themselves, so kept free-form here.
    collectors: dict[str, Any] = Field(default_factory=dict)
