"""``aisma.yaml``: who is assessed, against which model, and the targets."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TargetsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    default: int | None = Field(default=3, ge=0, le=10)
    domains: dict[str, int] = Field(default_factory=dict)
    categories: dict[str, int] = Field(default_factory=dict)


class CrosswalkUse(BaseModel):
    """Carry answers given against another model into this one (see aisma.maturity.crosswalk)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(min_length=1)  # the crosswalk YAML, relative to the workspace
    answers: str = Field(min_length=1)  # answers given against the other model, relative to the workspace
    model: str | None = None  # the other model (installed id or path); default the id the crosswalk names


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: str = Field(min_length=1)
    model: str = "aisma-core"
    description: str = ""
    targets: TargetsConfig = TargetsConfig()
    # Settings per collector id; read by the collectors themselves, so kept free-form here.
    collectors: dict[str, Any] = Field(default_factory=dict)
    crosswalks: tuple[CrosswalkUse, ...] = ()
