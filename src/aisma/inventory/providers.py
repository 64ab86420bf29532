"""The approved-provider list (``collectors.inventory.approved_providers`` in aisma.yaml) and the
metrics measured against it: which third-party AI providers are approved, and reassessed on time.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from aisma.inventory.metrics import ratio_measurement
from aisma.inventory.schema import AISystem
from aisma.scoring.inputs import Measurement, Source
from aisma.workspace.validate import validated

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


def parse_settings(raw: Any, path: Path) -> InventorySettings:
    """Read ``collectors.inventory``; bare provider names are allowed (no assessment date)."""
    if raw is None:
        return InventorySettings()
    if isinstance(raw, dict) and isinstance(raw.get("approved_providers"), list):
        raw = {
            **raw,
            "approved_providers": [{"name": p} if isinstance(p, str) else p for p in raw["approved_providers"]],
        }
    return validated(InventorySettings, raw, path)


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
    out = [ratio_measurement("inventory.providers.approved_ratio", len(scope), unapproved, observed_at, source)]
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
    out.append(ratio_measurement("inventory.providers.reassessed_ratio", len(highest), late, observed_at, source))
    return tuple(out)
