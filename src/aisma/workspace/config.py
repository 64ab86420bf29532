"""``aisma.yaml``: who is assessed, against which model, and the targets."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aisma.workspace.clock import parse_pin


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


class ReportFramework(BaseModel):
    """A framework whose posture the HTML and PDF reports show (aisma.workspace.frameworks)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # A built-in framework id, or an OSCAL catalog/profile or CISO Assistant library relative to the workspace.
    framework: str = Field(min_length=1)
    # A mapping set file relative to the workspace; default the one shipped from the model to a built-in.
    mapping: str | None = None
    # The id to give an imported framework (what its mapping set's ``framework:`` names).
    id: str | None = None


class ReportConfig(BaseModel):
    """What the reports add to the assessment: the posture against chosen frameworks."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    frameworks: tuple[ReportFramework, ...] = ()

    @field_validator("frameworks", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        """``- eu-ai-act`` is short for ``- {framework: eu-ai-act}``."""
        if isinstance(value, list | tuple):
            return [{"framework": v} if isinstance(v, str) else v for v in value]
        return value


CheckRule = Literal[
    "do_not_proceed", "below_target", "regression", "unregistered_ai", "stale_evidence", "new_conflicts"
]
CHECK_RULES: tuple[CheckRule, ...] = (
    "do_not_proceed",
    "below_target",
    "regression",
    "unregistered_ai",
    "stale_evidence",
    "new_conflicts",
)


class CheckPolicy(BaseModel):
    """The CI gate's policy (``aisma check``): which findings fail the build, against which baseline.

    Every rule is always evaluated and shown; ``fail_on`` decides which of them fail the check.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    fail_on: tuple[CheckRule, ...] = CHECK_RULES
    # latest, previous, a snapshot name prefix in history/, or a result JSON file (relative to the
    # workspace); none: the latest snapshot when one is saved.
    baseline: str | None = None
    # The inventory environments whose "do not proceed" verdict fails the check.
    environments: tuple[Literal["production", "pilot", "development"], ...] = ("production",)
    # The gating verdict that counts: the claimed one, or the one on evidence only.
    verdict: Literal["claimed", "evidenced"] = "claimed"
    # Categories whose evidenced level must reach its target; empty: every category with a target.
    categories: tuple[str, ...] = ()
    # A score may drop by at most this much before it is a regression (levels never may).
    score_tolerance: float = Field(default=0.0, ge=0.0, le=5.0, allow_inf_nan=False)


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
    check: CheckPolicy = CheckPolicy()
    report: ReportConfig = ReportConfig()
    # Pins the assessment time (ISO date or date-time; a date is its midnight UTC), so the same
    # workspace gives the same result on any day; see aisma.workspace.clock.
    as_of: datetime | None = None

    @field_validator("as_of", mode="before")
    @classmethod
    def _as_utc(cls, value: object) -> datetime | None:
        return parse_pin(value)
