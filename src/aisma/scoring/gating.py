"""Deployment gating (AIRS): is the program mature enough to run each kind of AI in the inventory?

Each system gets a deployment class from its track, autonomy and multi-agent flag; the class names
the minimum maturity and the categories it depends on (declared in the model). The weakest of those
categories decides: at or above the minimum is appropriate, one level short is marginal, two or more
short is "do not proceed".
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from aisma.inventory.schema import AISystem
from aisma.maturity.schema import DeploymentClass, MaturityModel
from aisma.scoring.results import CategoryResult


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


def verdict_for(gap: int) -> str:
    if gap <= 0:
        return "appropriate"
    return "marginal" if gap == 1 else "do_not_proceed"


def _weakest(levels: dict[str, int | None], categories: Sequence[str]) -> int | None:
    known = [levels[c] for c in categories if levels.get(c) is not None]
    return min(known) if known else None  # type: ignore[type-var]


def gate_deployments(
    model: MaturityModel, systems: Sequence[AISystem], categories: Sequence[CategoryResult]
) -> tuple[dict[str, Any], ...]:
    classes: dict[str, DeploymentClass] = {d.id: d for d in model.deployment_classes}
    if not classes:
        return ()
    claimed = {c.id: c.level for c in categories}
    evidenced = {c.id: c.evidenced_level for c in categories}
    out: list[dict[str, Any]] = []
    for system in sorted(systems, key=lambda s: s.id):
        class_id = deployment_class_id(system)
        spec = classes.get(class_id)
        if spec is None:
            continue
        program = _weakest(claimed, spec.categories)
        program_evidenced = _weakest(evidenced, spec.categories)
        level = program if program is not None else 0
        gap = spec.minimum_level - level
        out.append(
            {
                "system": system.id,
                "name": system.name,
                "deployment_class": class_id,
                "required_level": spec.minimum_level,
                "program_level": program,
                "evidenced_program_level": program_evidenced,
                "verdict": verdict_for(gap),
                "evidenced_verdict": verdict_for(spec.minimum_level - (program_evidenced or 0)),
                "limiting_categories": sorted(
                    c for c in spec.categories if (lv := claimed.get(c)) is not None and lv < spec.minimum_level
                ),
                "levels": {c: claimed.get(c) for c in spec.categories},
            }
        )
    return tuple(out)
