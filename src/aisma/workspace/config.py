"""``aisma.yaml``: who is assessed, against which model, and the targets."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TargetsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    # A named target profile (aisma.scoring.targets.PRESETS); the keys below override it.
    preset: str | None = None
    # Raise targets to what the inventory's deployment classes need to run safely.
    from_inventory: bool = False
    default: int | None = Field(default=3, ge=0, le=10)
    domains: dict[str, int] = Field(default_factory=dict)
    categories: dict[str, int] = Field(default_factory=dict)

    def effective_default(self) -> int | None:
        """The default level, unless a preset is chosen and no default was written (the preset's then applies)."""
        if self.preset is not None and "default" not in self.model_fields_set:
            return None
        return self.default


class CrosswalkUse(BaseModel):
    """Carry answers given against another model into this one (see aisma.workspace.crosswalk)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: str = Field(min_length=1)  # the crosswalk YAML, relative to the workspace
    answers: str = Field(min_length=1)  # answers given against the other model, relative to the workspace
    model: str | None = None  # the other model (installed id or path); default the id the crosswalk names


class WorkspaceConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    organization: str = Field(min_length=1)
    model: str = "aisma-core"
    # The model version the answers were written for; `aisma model migrate` moves it forward.
    model_version: str | None = None
    description: str = ""
    targets: TargetsConfig = TargetsConfig()
    # Settings per collector id; read by the collectors themselves, so kept free-form here.
    collectors: dict[str, Any] = Field(default_factory=dict)
    crosswalks: tuple[CrosswalkUse, ...] = ()
