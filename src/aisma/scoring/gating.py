"""Deployment gating (AIRS): is the program mature enough to run each kind of AI in the inventory?

Each system gets a deployment class from its track, autonomy and multi-agent flag; the class names
the minimum maturity and the categories it depends on (declared in the model). The weakest of those
categories decides: at or above the minimum is appropriate, one level short is marginal, two or more
short is "do not proceed".

Agentic classes may also gate by MASO autonomy tier (``autonomy_tiers`` in the model; the tier of a
system comes from ``aisma.inventory.autonomy.autonomy_tier``): a Tier 1 supervised agent needs level
3, Tier 2 managed 4, Tier 3 autonomous 5 in aisma-core. Each entry also names the most autonomous tier
the program can govern for that class today; a system whose tier is above it gets a warning, which
names the tier it could run at instead (stepping autonomy down is the other way to close the gap).
"""

from __future__ import annotations

from collections.abc import Sequence

from aisma.inventory.autonomy import autonomy_tier, tier_label
from aisma.inventory.schema import AISystem
from aisma.maturity.schema import AUTONOMY_TIERS, AutonomyTier, DeploymentClass, MaturityModel
from aisma.scoring.results import CategoryResult, GatingEntry


def deployment_class_id(system: AISystem) -> str:
    """The AIRS deployment class of a system; the most demanding one that fits wins."""
    if system.multi_agent:
        return "multi-agent"
    if system.is_agentic:
        return "agentic"
    if system.track in ("copilot", "coding_tool"):
        return "copilot"
    if system.deployment_type == "self_hosted":
        return "custom-model"
    return "platform-hosted"


def required_level(spec: DeploymentClass, system: AISystem) -> int:
    """What ``system`` needs from the program: its class minimum, raised by its autonomy tier where it has one."""
    decision = autonomy_tier(system) if spec.autonomy_tiers else None
    return spec.required_level(decision.tier if decision else None)


def verdict_for(gap: int) -> str:
    if gap <= 0:
        return "appropriate"
    return "marginal" if gap == 1 else "do_not_proceed"


def _weakest(levels: dict[str, int | None], categories: Sequence[str]) -> int | None:
    known = [levels[c] for c in categories if levels.get(c) is not None]
    return min(known) if known else None  # type: ignore[type-var]


def governable_tier(spec: DeploymentClass, program_level: int | None) -> AutonomyTier | None:
    """The most autonomous tier of ``spec`` whose required level the program meets (None: not even Tier 1)."""
    level = program_level or 0
    met = [tier for tier in AUTONOMY_TIERS if tier in spec.autonomy_tiers and spec.required_level(tier) <= level]
    return met[-1] if met else None


def _above(tier: AutonomyTier | None, governable: AutonomyTier | None) -> bool:
    if tier is None:
        return False
    return governable is None or AUTONOMY_TIERS.index(tier) > AUTONOMY_TIERS.index(governable)


def gate_deployments(
    model: MaturityModel, systems: Sequence[AISystem], categories: Sequence[CategoryResult]
) -> tuple[GatingEntry, ...]:
    classes: dict[str, DeploymentClass] = {d.id: d for d in model.deployment_classes}
    if not classes:
        return ()
    claimed = {c.id: c.level for c in categories}
    evidenced = {c.id: c.evidenced_level for c in categories}
    out: list[GatingEntry] = []
    for system in sorted(systems, key=lambda s: s.id):
        class_id = deployment_class_id(system)
        spec = classes.get(class_id)
        if spec is None:
            continue
        program = _weakest(claimed, spec.categories)
        program_evidenced = _weakest(evidenced, spec.categories)
        level = program if program is not None else 0
        decision = autonomy_tier(system) if spec.autonomy_tiers else None
        tier = decision.tier if decision else None
        required = spec.required_level(tier)
        governable = governable_tier(spec, program) if decision else None
        evidenced_governable = governable_tier(spec, program_evidenced) if decision else None
        out.append(
            GatingEntry(
                system=system.id,
                name=system.name,
                deployment_class=class_id,
                required_level=required,
                program_level=program,
                evidenced_program_level=program_evidenced,
                verdict=verdict_for(required - level),
                evidenced_verdict=verdict_for(required - (program_evidenced or 0)),
                limiting_categories=tuple(
                    sorted(c for c in spec.categories if (lv := claimed.get(c)) is not None and lv < required)
                ),
                levels={c: claimed.get(c) for c in spec.categories},
                autonomy_tier=tier,
                autonomy_tier_source=decision.source if decision else None,
                autonomy_tier_reason=decision.reason if decision else None,
                recorded_autonomy_tier=system.autonomy_tier if decision else None,
                governable_tier=governable,
                evidenced_governable_tier=evidenced_governable,
                tier_above_governable=_above(tier, governable),
            )
        )
    return tuple(out)


def gating_warnings(gating: Sequence[GatingEntry]) -> list[str]:
    """One line per agentic system whose tier the program cannot govern, or whose recorded tier was overridden."""
    lines: list[str] = []
    for g in gating:
        tier = g.autonomy_tier
        if tier is None:
            continue
        recorded = g.recorded_autonomy_tier
        if recorded is not None and recorded != tier:
            lines.append(f"{g.system}: gated at {tier_label(tier)}: {g.autonomy_tier_reason}")
        if g.tier_above_governable:
            governable = g.governable_tier
            can = (
                f"the program can govern at most {tier_label(governable)}"
                if governable
                else "the program cannot govern even Tier 1 (supervised) agents"
            )
            program = g.program_level if g.program_level is not None else 0
            lines.append(
                f"{g.system}: runs at {tier_label(tier)}, above what the organization's maturity can govern: "
                f"{tier_label(tier)} needs level {g.required_level}, {can} "
                f"({g.deployment_class} categories at level {program})"
            )
    return lines
