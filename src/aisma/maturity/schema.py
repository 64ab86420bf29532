"""The maturity model's shape: a public contract, because users write their own models.

Every class forbids unknown fields so a typo in a hand-written model is an error, not a silently
ignored key. Checks that need the whole model (unique ids, dependencies, reference catalogs) live in
``validation.py``; this module only checks what one object can check about itself.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

OBJECTIVE_ID = re.compile(r"^(?P<category>[A-Z][A-Z0-9]{1,7})-(?P<level>\d+)\.(?P<seq>\d+)$")
CATEGORY_ID = r"^[A-Z][A-Z0-9]{1,7}$"
SLUG_ID = r"^[a-z0-9][a-z0-9._-]*$"

DeploymentType = Literal["self_hosted", "paas", "api_saas"]
Track = Literal["build", "platform", "copilot", "coding_tool"]
DEPLOYMENT_TYPES: tuple[str, ...] = ("self_hosted", "paas", "api_saas")
TRACKS: tuple[str, ...] = ("build", "platform", "copilot", "coding_tool")
# MASO's implementation tiers for agentic systems, least to most autonomous (Tier 1, 2, 3).
AutonomyTier = Literal["supervised", "managed", "autonomous"]
AUTONOMY_TIERS: tuple[AutonomyTier, ...] = ("supervised", "managed", "autonomous")


def _ratio(value: object) -> float:
    """Thresholds compare against ratios; anything else is a modelling mistake worth a clear message."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise PydanticCustomError("ratio", "must be a number from 0 to 1")
    return float(value)


Ratio = Annotated[float, BeforeValidator(_ratio)]


class Strict(BaseModel):
    """Base for every model-file object: unknown keys are errors, instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Level(Strict):
    level: int = Field(ge=0, le=10)
    name: str = Field(min_length=1)
    description: str = ""
    # What the level looks like in practice (source-model guidance, not scored): the model docs print it.
    guidance: str = ""


class Kpi(Strict):
    name: str = Field(min_length=1)
    unit: str = Field(min_length=1)
    target: str = Field(min_length=1)
    compute: str = Field(min_length=1)


class Thresholds(Strict):
    fully: Ratio
    largely: Ratio
    partially: Ratio


class Measurement(Strict):
    """How an objective is measured; thresholds turn a metric value into an answer."""

    mode: Literal["manual", "automated", "either"] = "manual"
    metric: str | None = None
    thresholds: Thresholds | None = None
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    max_age_days: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _consistent(self) -> Measurement:
        if self.mode == "manual":
            if self.metric is not None or self.thresholds is not None:
                raise PydanticCustomError("measurement", "takes no metric or thresholds when mode is manual")
            return self
        if self.metric is None:
            raise PydanticCustomError("measurement", "must name a metric when mode is {mode}", {"mode": self.mode})
        if self.thresholds is None:
            raise PydanticCustomError("measurement", "must have thresholds when mode is {mode}", {"mode": self.mode})
        t = self.thresholds
        ordered = (
            t.fully >= t.largely >= t.partially
            if self.direction == "higher_is_better"
            else t.fully <= t.largely <= t.partially
        )
        if not ordered:
            raise PydanticCustomError(
                "measurement",
                "thresholds must be ordered fully {op} largely {op} partially for {direction}",
                {"op": ">=" if self.direction == "higher_is_better" else "<=", "direction": self.direction},
            )
        return self


class AppliesTo(Strict):
    """Which AI systems an objective concerns; empty means every organization that runs any AI."""

    deployment_types: tuple[DeploymentType, ...] = ()
    tracks: tuple[Track, ...] = ()
    agentic: bool | None = None
    mcp: bool | None = None
    # EU AI Act duties of a provider of a high-risk system (Art. 16-17, 72, 73) bind no one else.
    eu_high_risk_provider: bool | None = None

    @property
    def program_wide(self) -> bool:
        """No condition at all: the objective concerns the whole program, not particular systems."""
        return not (self.deployment_types or self.tracks or self.agentic or self.mcp or self.eu_high_risk_provider)


class Objective(Strict):
    id: str
    level: int = Field(ge=1)
    title: str = Field(min_length=1)
    statement: str = Field(min_length=1)
    kpi: Kpi
    measurement: Measurement = Measurement()
    applies_to: AppliesTo = AppliesTo()
    rationale: str = Field(min_length=1)
    evidence: tuple[str, ...] = Field(min_length=1)
    scope_notes: str = ""
    depends_on: tuple[str, ...] = ()
    effort: Literal["S", "M", "L"]
    impact: int = Field(ge=1, le=3)
    references: dict[str, tuple[str, ...]] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not OBJECTIVE_ID.match(value):
            raise PydanticCustomError(
                "objective_id", "must look like CAT-L.N (category id, level, sequence), for example MCP-2.1"
            )
        return value

    @field_validator("title")
    @classmethod
    def _short_title(cls, value: str) -> str:
        if len(value.split()) > 8:
            raise PydanticCustomError("title", "must be at most 8 words")
        return value


class Category(Strict):
    id: str = Field(pattern=CATEGORY_ID)
    title: str = Field(min_length=1)
    description: str = ""
    weight: float = Field(default=1.0, gt=0)
    objectives: tuple[Objective, ...] = Field(min_length=1)


class Domain(Strict):
    id: str = Field(pattern=CATEGORY_ID)
    title: str = Field(min_length=1)
    description: str = ""
    categories: tuple[Category, ...] = Field(min_length=1)


class GateCondition(Strict):
    category: str
    below: int = Field(ge=1)


class GateCap(Strict):
    categories: tuple[str, ...] = Field(min_length=1)
    level: int = Field(ge=0)


class Gate(Strict):
    """A prerequisite: while ``when.category`` is below ``when.below``, the capped categories cannot rise."""

    id: str = Field(pattern=SLUG_ID)
    when: GateCondition
    cap: GateCap
    reason: str = Field(min_length=1)


class DeploymentClass(Strict):
    """A kind of AI deployment and the program maturity it needs before it is safe to run (AIRS).

    ``autonomy_tiers`` gates agentic systems by their MASO tier: a system at a tier needs the higher
    of ``minimum_level`` and the tier's level. A tier can only raise the class minimum, never lower it,
    and a more autonomous tier never needs less than a less autonomous one (both checked here).
    """

    id: str = Field(pattern=SLUG_ID)
    title: str = Field(min_length=1)
    minimum_level: int = Field(ge=0)
    categories: tuple[str, ...] = Field(min_length=1)
    description: str = ""
    autonomy_tiers: dict[AutonomyTier, int] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _tiers_only_narrow(self) -> DeploymentClass:
        previous: tuple[str, int] | None = None
        for tier in AUTONOMY_TIERS:
            if tier not in self.autonomy_tiers:
                continue
            level = self.autonomy_tiers[tier]
            if level < self.minimum_level:
                raise PydanticCustomError(
                    "autonomy_tiers",
                    "autonomy_tiers.{tier} is level {level}, below minimum_level {minimum}; a tier can only raise it",
                    {"tier": tier, "level": level, "minimum": self.minimum_level},
                )
            if previous is not None and level < previous[1]:
                raise PydanticCustomError(
                    "autonomy_tiers",
                    "autonomy_tiers.{tier} is level {level}, below {before} (level {before_level}); "
                    "a more autonomous tier cannot need less",
                    {"tier": tier, "level": level, "before": previous[0], "before_level": previous[1]},
                )
            previous = (tier, level)
        return self

    def required_level(self, tier: AutonomyTier | None) -> int:
        """The program level a system of this class needs at ``tier`` (None: no tier, the class minimum)."""
        if tier is None or tier not in self.autonomy_tiers:
            return self.minimum_level
        return max(self.minimum_level, self.autonomy_tiers[tier])


class MaturityModel(Strict):
    id: str = Field(pattern=SLUG_ID)
    version: str = Field(min_length=1)
    title: str = Field(min_length=1)
    description: str = ""
    license: str = ""
    levels: tuple[Level, ...] = Field(min_length=1)
    domains: tuple[Domain, ...] = Field(min_length=1)
    gates: tuple[Gate, ...] = ()
    deployment_classes: tuple[DeploymentClass, ...] = ()

    # Convenience lookups; computed on demand so the frozen model stays a plain value.
    def categories(self) -> list[Category]:
        return [c for d in self.domains for c in d.categories]

    def objectives(self) -> list[Objective]:
        return [o for c in self.categories() for o in c.objectives]

    def category(self, category_id: str) -> Category | None:
        return next((c for c in self.categories() if c.id == category_id), None)

    def domain_of(self, category_id: str) -> Domain | None:
        return next((d for d in self.domains if any(c.id == category_id for c in d.categories)), None)

    @property
    def max_level(self) -> int:
        return max(lv.level for lv in self.levels)
