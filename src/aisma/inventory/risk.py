"""Risk tier per AI system: a transparent points rubric, so an owner can see why a tier was given.

Points add up from facts recorded in the inventory; full human review of outputs or actions takes
points off. The tier is LOW below 4 points, MEDIUM from 4, HIGH from 8, CRITICAL from 12. A system
in a prohibited EU AI Act practice is CRITICAL whatever its points: it must not run at all.

An EU AI Act high-risk system (Annex III, or a safety component of an Annex I product) is never below
HIGH, whatever its mitigations. The Act attaches obligations to the classification, not to the residual
risk: risk management (Art. 9), data governance (Art. 10), automatic logs kept at least six months
(Art. 12, 19, 26), human oversight (Art. 14), accuracy, robustness and cybersecurity (Art. 15),
post-market monitoring and serious-incident reporting (Art. 72, 73). Human review is itself one of
those obligations (Art. 14), so crediting it to lower the tier would let compliance argue away the
controls the tier-proportionate KPIs (sampling, review turnaround, log retention) require. Points can
still take such a system to CRITICAL.

Adding a risk factor can only add points, so it never lowers a tier (a property test checks it).
"""

from __future__ import annotations

from dataclasses import dataclass

from aisma.inventory.autonomy import autonomy_result
from aisma.inventory.schema import AISystem, RiskTier

TIER_ORDER: tuple[RiskTier, ...] = ("LOW", "MEDIUM", "HIGH", "CRITICAL")

FACTOR_POINTS: tuple[tuple[str, str, int], ...] = (
    ("personal_data", "processes personal data", 2),
    ("regulated_data", "processes regulated data (financial, health, special categories)", 2),
    ("irreversible_actions", "can take actions that cannot be undone", 3),
    ("financial_impact", "can move money or decide on credit, prices or payments", 2),
    ("external_users", "serves customers or the public", 2),
)
AUTONOMY_POINTS = {"assisted": 0, "supported": 1, "supervised": 2, "autonomous": 3}
MULTI_AGENT_POINTS = 2
EU_HIGH_RISK_POINTS = 3
HUMAN_REVIEW_CREDIT = {"full": -2, "sampled": -1, "none": 0}
TIER_FLOORS: tuple[tuple[int, RiskTier], ...] = ((12, "CRITICAL"), (8, "HIGH"), (4, "MEDIUM"), (0, "LOW"))
# The lowest tier an EU AI Act risk class allows, whatever the points (see the module docstring).
EU_CLASS_FLOORS: dict[str, tuple[RiskTier, str]] = {
    "prohibited": ("CRITICAL", "EU AI Act prohibited practice: CRITICAL regardless of points"),
    "high": ("HIGH", "EU AI Act high-risk system: at least HIGH whatever the mitigations"),
}


@dataclass(frozen=True)
class RiskAssessment:
    tier: RiskTier
    points: int
    lines: tuple[tuple[str, int], ...]  # (reason, points), in rubric order

    def explain(self) -> str:
        parts = [f"{points:+d} {reason}" for reason, points in self.lines]
        return f"{self.tier} ({self.points} points: {', '.join(parts) or 'no risk factors'})"


def tier_for(points: int) -> RiskTier:
    return next(tier for floor, tier in TIER_FLOORS if points >= floor)


def assess_risk(system: AISystem) -> RiskAssessment:
    lines: list[tuple[str, int]] = []
    factors = system.risk_factors
    for field, reason, points in FACTOR_POINTS:
        if getattr(factors, field):
            lines.append((reason, points))
    level = system.autonomy_level or autonomy_result(system.autonomy_test).level
    if AUTONOMY_POINTS[level]:
        lines.append((f"autonomy: {level}", AUTONOMY_POINTS[level]))
    if system.multi_agent:
        lines.append(("multi-agent system", MULTI_AGENT_POINTS))
    if system.eu_ai_act.risk_class == "high":
        lines.append(("EU AI Act high-risk system", EU_HIGH_RISK_POINTS))
    raw = sum(points for _, points in lines)
    credit = HUMAN_REVIEW_CREDIT.get(system.human_review or "none", 0)
    if credit and raw > 0:
        credit = max(credit, -raw)
        lines.append((f"human review: {system.human_review}", credit))
    points = raw + (credit if raw > 0 else 0)
    tier = tier_for(points)
    floor = EU_CLASS_FLOORS.get(system.eu_ai_act.risk_class or "")
    if floor is not None:
        floor_tier, reason = floor
        if TIER_ORDER.index(floor_tier) > TIER_ORDER.index(tier):
            tier = floor_tier
        lines.append((reason, 0))
    return RiskAssessment(tier=tier, points=points, lines=tuple(lines))


def consistent(system: AISystem) -> bool:
    """A recorded tier may be stricter than the rubric, never laxer."""
    if system.risk_tier is None:
        return False
    return TIER_ORDER.index(system.risk_tier) >= TIER_ORDER.index(assess_risk(system).tier)
