"""The AI inventory: every AI system the organization runs, builds on or buys.

Scoring reads it for applicability (an organization with no agents is not judged on agent
controls); gating reads it to decide which deployments the program is mature enough to run.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from aisma.maturity.schema import SLUG_ID, AutonomyTier, DeploymentType, Track

RiskTier = Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"]
AutonomyLevel = Literal["assisted", "supported", "supervised", "autonomous"]
DataClass = Literal["public", "internal", "confidential", "restricted"]
HumanReview = Literal["none", "sampled", "full"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AutonomyAnswers(_Strict):
    """The six Autonomy Test questions; unanswered ones stay None so an incomplete test shows."""

    chooses_actions: bool | None = None
    side_effects: bool | None = None
    multi_step_unapproved: bool | None = None
    own_identity: bool | None = None
    untrusted_input: bool | None = None
    acts_on_agent_output: bool | None = None

    def complete(self) -> bool:
        return all(value is not None for value in self.model_dump().values())


class RiskFactors(_Strict):
    """Facts about a system that raise its risk tier (see ``aisma.inventory.risk`` for the points)."""

    personal_data: bool = False
    regulated_data: bool = False
    irreversible_actions: bool = False
    financial_impact: bool = False
    external_users: bool = False


class EuAiAct(_Strict):
    role: Literal["provider", "deployer", "importer", "distributor"] | None = None
    risk_class: Literal["prohibited", "high", "limited", "minimal"] | None = None


class AISystem(_Strict):
    id: str = Field(pattern=SLUG_ID)
    name: str = Field(min_length=1)
    description: str = ""
    owner: str | None = None
    track: Track
    deployment_type: DeploymentType
    provider: str | None = None
    platform: str | None = None
    environment: Literal["production", "pilot", "development", "retired"] = "production"
    data_classification: DataClass | None = None
    autonomy_test: AutonomyAnswers = AutonomyAnswers()
    agentic: bool | None = None
    autonomy_level: AutonomyLevel | None = None
    multi_agent: bool = False
    # MASO implementation tier (supervised, managed, autonomous); unset: derived, see aisma.inventory.autonomy.
    autonomy_tier: AutonomyTier | None = None
    mcp_servers: tuple[str, ...] = ()
    human_review: HumanReview | None = None
    risk_factors: RiskFactors = RiskFactors()
    risk_tier: RiskTier | None = None
    eu_ai_act: EuAiAct = EuAiAct()
    aibom: str | None = None
    match: tuple[str, ...] = ()
    # Per-system control records: dates and links the inventory-produced metrics measure.
    approved_at: date | None = None
    security_review_at: date | None = None
    impact_assessment_at: date | None = None
    runbook: str | None = None
    fallback: str | None = None
    kill_switch_tested_at: date | None = None
    # Agentic systems: the tool and permission manifest (path or link) and when it was last reviewed.
    manifest: str | None = None
    manifest_reviewed_at: date | None = None

    @model_validator(mode="after")
    def _agentic_consistent(self) -> AISystem:
        if self.multi_agent and self.agentic is False:
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError("agentic", "a multi_agent system cannot have agentic: false")
        return self

    @field_validator("autonomy_tier")
    @classmethod
    def _tier_needs_an_agent(cls, value: AutonomyTier | None, info: ValidationInfo) -> AutonomyTier | None:
        """A tier on a system that is not agentic would be ignored by gating: say so instead."""
        if value is None:
            return value
        from aisma.inventory.autonomy import autonomy_result

        data = info.data
        answers = data.get("autonomy_test") or AutonomyAnswers()
        declared = data.get("agentic")
        agentic = declared if declared is not None else data.get("multi_agent") or autonomy_result(answers).agentic
        if not agentic:
            from pydantic_core import PydanticCustomError

            raise PydanticCustomError(
                "autonomy_tier",
                "applies only to agentic systems; this one is not agentic "
                "(set agentic: true, or answer its Autonomy Test)",
            )
        return value

    @property
    def is_agentic(self) -> bool:
        """Declared, or decided by the Autonomy Test (see ``aisma.inventory.autonomy``)."""
        if self.agentic is not None:
            return self.agentic
        from aisma.inventory.autonomy import autonomy_result

        return self.multi_agent or autonomy_result(self.autonomy_test).agentic

    @property
    def uses_mcp(self) -> bool:
        return bool(self.mcp_servers)

    @property
    def active(self) -> bool:
        return self.environment != "retired"


class Inventory(_Strict):
    systems: tuple[AISystem, ...] = ()

    def active_systems(self) -> tuple[AISystem, ...]:
        return tuple(system for system in self.systems if system.active)
