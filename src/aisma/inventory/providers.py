"""Inventory settings in aisma.yaml (``collectors.inventory``) and the metrics measured against them:
the approved-provider list (which third-party AI providers are approved, and reassessed on time) and
the data-use rules (which deployment types each data class may be processed on).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from aisma.errors import InputError
from aisma.inventory.schema import AISystem, DataClass
from aisma.maturity.schema import DeploymentType
from aisma.records import Measurement, Source, ratio
from aisma.yamlfile import validated

# Reassessment interval per highest risk tier a provider serves (days).
REASSESS_DAYS = {"CRITICAL": 183, "HIGH": 365, "MEDIUM": 730, "LOW": 1095, None: 1095}
TIER_ORDER = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


class ApprovedProvider(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    assessed_at: date | None = None


class InventorySettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    approved_providers: tuple[ApprovedProvider, ...] | None = None
    data_use_rules: dict[DataClass, tuple[DeploymentType, ...]] | None = None

    @field_validator("approved_providers", mode="before")
    @classmethod
    def _names_allowed(cls, value: Any) -> Any:
        """A bare provider name is shorthand for ``{name: ...}`` with no assessment date."""
        if isinstance(value, list):
            return [{"name": item} if isinstance(item, str) else item for item in value]
        return value


def data_use_measurements(
    systems: tuple[AISystem, ...], settings: InventorySettings, observed_at: datetime, source: Source
) -> tuple[Measurement, ...]:
    """Systems whose data class may be processed on their deployment type, per the rules matrix."""
    rules = settings.data_use_rules
    scope = sorted((s for s in systems if s.data_classification is not None), key=lambda s: s.id)
    if rules is None or not scope:
        return ()
    failing = [
        f"{s.id}: {s.data_classification} data on {s.deployment_type} is not allowed by the data-use rules"
        for s in scope
        if s.deployment_type not in rules.get(s.data_classification, ())  # type: ignore[arg-type]
    ]
    return (
        ratio(
            "inventory.systems.data_use_conformance_ratio",
            len(scope) - len(failing),
            len(scope),
            observed_at,
            source,
            failing,
        ),
    )


def parse_settings(raw: Any, path: Path) -> InventorySettings:
    """Read ``collectors.inventory``; bare provider names are allowed (no assessment date)."""
    if raw is None:
        return InventorySettings()
    try:
        return validated(InventorySettings, raw, path)
    except InputError as exc:
        raise InputError(path, exc.line, f"collectors.inventory.{exc.detail}") from None


def _third_party(systems: tuple[AISystem, ...]) -> list[AISystem]:
    return [s for s in systems if s.provider and s.deployment_type in ("paas", "api_saas")]


def provider_measurements(
    systems: tuple[AISystem, ...], settings: InventorySettings, observed_at: datetime, source: Source
) -> tuple[Measurement, ...]:
    if settings.approved_providers is None:
        return ()
    approved = {p.name.casefold(): p for p in settings.approved_providers}
    scope = _third_party(systems)
    if not scope:
        return ()
    unapproved = [
        f"{s.id}: provider not on the approved list"
        for s in sorted(scope, key=lambda s: s.id)
        if (s.provider or "").casefold() not in approved
    ]
    out = [
        ratio(
            "inventory.providers.approved_ratio",
            len(scope) - len(unapproved),
            len(scope),
            observed_at,
            source,
            unapproved,
        )
    ]
    highest: dict[str, str | None] = {}
    display: dict[str, str] = {}
    for s in scope:
        key = (s.provider or "").casefold()
        display.setdefault(key, s.provider or key)
        current = highest.get(key)
        if s.risk_tier and (current is None or TIER_ORDER.index(s.risk_tier) > TIER_ORDER.index(current)):
            highest[key] = s.risk_tier
        else:
            highest.setdefault(key, current)
    today = observed_at.date()
    late = []
    for key, tier in sorted(highest.items()):
        entry = approved.get(key)
        limit = today - timedelta(days=REASSESS_DAYS[tier])
        if entry is None or entry.assessed_at is None or not limit <= entry.assessed_at <= today:
            late.append(f"{display[key]}: not reassessed within its tier interval")
    out.append(
        ratio("inventory.providers.reassessed_ratio", len(highest) - len(late), len(highest), observed_at, source, late)
    )
    return tuple(out)
