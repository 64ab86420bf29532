"""Metrics the inventory itself produces (producer ``inventory`` in the metric catalog).

They measure the inventory's completeness and the per-system control records it holds (approvals,
reviews, runbooks, drills), each with its own freshness window, so an entry made years ago does not
count as a current review.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from aisma.inventory.schema import AISystem, Inventory
from aisma.records import Measurement, Source, ratio

Predicate = Callable[[AISystem], bool]
HIGH_TIERS = ("HIGH", "CRITICAL")


@dataclass(frozen=True)
class InventoryMetric:
    metric: str
    in_scope: Predicate
    passes: Callable[[AISystem, date], bool]
    failing_label: str


def _within(value: date | None, today: date, days: int) -> bool:
    return value is not None and today - timedelta(days=days) <= value <= today


def _production(s: AISystem) -> bool:
    return s.environment == "production"


MANIFEST_DAYS = 183  # AGT-1.1: a manifest reviewed in the last 6 months
DRILL_INTERVAL_DAYS = {"CRITICAL": 92, "HIGH": 183, "MEDIUM": 365}


def _drilled_for_tier(s: AISystem, today: date) -> bool:
    days = DRILL_INTERVAL_DAYS.get(s.risk_tier or "", 0)
    return bool(days) and _within(s.kill_switch_tested_at, today, days)


def _risk_consistent(s: AISystem) -> bool:
    from aisma.inventory.risk import consistent

    return consistent(s)


def _high_risk(s: AISystem) -> bool:
    return s.risk_tier in HIGH_TIERS or s.eu_ai_act.risk_class == "high"


METRICS: tuple[InventoryMetric, ...] = (
    InventoryMetric(
        "inventory.systems.owner_ratio", lambda s: True, lambda s, d: bool(s.owner and s.owner.strip()), "no owner"
    ),
    InventoryMetric(
        "inventory.systems.risk_tier_ratio", lambda s: True, lambda s, d: s.risk_tier is not None, "no risk tier"
    ),
    InventoryMetric(
        "inventory.systems.data_classification_ratio",
        lambda s: True,
        lambda s, d: s.data_classification is not None,
        "no data classification",
    ),
    InventoryMetric(
        "inventory.systems.eu_ai_act_classified_ratio",
        lambda s: True,
        lambda s, d: s.eu_ai_act.role is not None and s.eu_ai_act.risk_class is not None,
        "no EU AI Act role and risk class",
    ),
    InventoryMetric(
        "inventory.agentic.autonomy_test_ratio",
        lambda s: True,
        lambda s, d: s.autonomy_test.complete(),
        "Autonomy Test incomplete",
    ),
    InventoryMetric(
        "aibom.systems.coverage_ratio",
        lambda s: s.track in ("build", "platform"),
        lambda s, d: bool(s.aibom),
        "no AI-BOM",
    ),
    InventoryMetric(
        "inventory.systems.match_pattern_ratio", lambda s: True, lambda s, d: bool(s.match), "no match patterns"
    ),
    InventoryMetric(
        "inventory.systems.approved_ratio",
        _production,
        lambda s, d: s.approved_at is not None and s.approved_at <= d,
        "not approved",
    ),
    InventoryMetric(
        "inventory.systems.security_review_ratio",
        _production,
        lambda s, d: _within(s.security_review_at, d, 365),
        "no security review in 12 months",
    ),
    InventoryMetric(
        "inventory.systems.impact_assessment_ratio",
        _high_risk,
        lambda s, d: _within(s.impact_assessment_at, d, 365),
        "no impact assessment in 12 months",
    ),
    InventoryMetric(
        "inventory.systems.runbook_ratio", _production, lambda s, d: bool(s.runbook and s.runbook.strip()), "no runbook"
    ),
    InventoryMetric(
        "inventory.systems.fallback_ratio",
        lambda s: _production(s) and _high_risk(s),
        lambda s, d: bool(s.fallback and s.fallback.strip()),
        "no fallback",
    ),
    InventoryMetric(
        "inventory.agentic.kill_switch_drill_ratio",
        lambda s: _production(s) and s.is_agentic,
        lambda s, d: _within(s.kill_switch_tested_at, d, 180),
        "no kill-switch drill in 180 days",
    ),
    InventoryMetric(
        "inventory.agentic.manifest_ratio",
        lambda s: _production(s) and s.is_agentic,
        lambda s, d: bool(s.manifest and s.manifest.strip()) and _within(s.manifest_reviewed_at, d, MANIFEST_DAYS),
        f"no manifest reviewed in {MANIFEST_DAYS} days",
    ),
    InventoryMetric(
        "inventory.systems.disablement_drill_ratio",
        lambda s: _production(s) and s.risk_tier in DRILL_INTERVAL_DAYS,
        _drilled_for_tier,
        "no disablement drill within its tier's interval",
    ),
    InventoryMetric(
        "inventory.systems.human_review_ratio",
        lambda s: _production(s) and _high_risk(s),
        lambda s, d: s.human_review in ("sampled", "full"),
        "no human review",
    ),
    InventoryMetric(
        "inventory.agentic.human_approval_ratio",
        lambda s: s.is_agentic and s.risk_tier in ("MEDIUM", "HIGH", "CRITICAL"),
        lambda s, d: s.human_review == "full" or (s.risk_tier == "MEDIUM" and s.human_review == "sampled"),
        "human approval below what its tier needs",
    ),
    InventoryMetric(
        "inventory.systems.risk_tier_consistent_ratio",
        lambda s: s.risk_tier is not None,
        lambda s, d: _risk_consistent(s),
        "recorded tier is below the rubric's",
    ),
    InventoryMetric(
        "inventory.coding_tools.approved_ratio",
        lambda s: s.track == "coding_tool",
        lambda s, d: s.approved_at is not None and s.approved_at <= d,
        "coding tool not approved",
    ),
)


def inventory_measurements(inventory: Inventory, observed_at: datetime, source: Source) -> tuple[Measurement, ...]:
    """One measurement per inventory metric with systems in scope; failing systems as details."""
    systems = inventory.active_systems()
    if not systems:
        return ()
    today = observed_at.date()
    out: list[Measurement] = []
    for spec in METRICS:
        scope = [s for s in systems if spec.in_scope(s)]
        if not scope:
            continue
        failing = [
            f"{s.id}: {spec.failing_label}" for s in sorted(scope, key=lambda s: s.id) if not spec.passes(s, today)
        ]
        out.append(ratio(spec.metric, len(scope) - len(failing), len(scope), observed_at, source, failing))
    return tuple(out)
