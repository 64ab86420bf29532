"""Target profiles: presets, per-category overrides, and the target the inventory's deployments need.

C2M2's principle holds: not every category needs level 5. A preset is a named starting point for an
organization's situation; the workspace's own ``default``, ``domains`` and ``categories`` win over it.
With ``from_inventory`` the target of a category is raised to what the deployment classes of the
active systems need (AIRS gating: agentic AI needs 4 in AGT, MCP, MON and IRR, for example), so the
roadmap leads to "mature enough to run what we run". Resolution is a pure function of the model,
the inventory and the configured targets, so it runs inside scoring and every result says where each
category's target came from.

A target is then capped at the highest level of the category that has applicable objectives: levels
are reached only by meeting applicable objectives (docs/scoring.md), so a level-3 target for a
category whose level-3 objectives are all N/A (or apply to no system in the inventory) could never be
met, and the roadmap would plan for the impossible. The result keeps the target that was asked for
(``requested_level``) beside the one that counts, and every report says "target 3, capped at 2:
nothing applies above level 2".
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aisma.errors import AismaError
from aisma.inventory.schema import AISystem
from aisma.maturity.schema import MaturityModel
from aisma.scoring.gating import deployment_class_id, required_level
from aisma.scoring.inputs import Targets
from aisma.scoring.results import CategoryTarget, ResolvedTargets


@dataclass(frozen=True)
class Preset:
    id: str
    title: str
    description: str
    default: int | None
    categories: tuple[tuple[str, int], ...] = ()
    from_inventory: bool = False


PRESETS: tuple[Preset, ...] = (
    Preset(
        id="getting-started",
        title="Getting started",
        description="A first year's program: level 2 (managed, repeatable for production systems) everywhere.",
        default=2,
    ),
    Preset(
        id="regulated",
        title="Regulated industry",
        description="A level-3 floor: every category an organization-wide standard, enforced in pipelines.",
        default=3,
    ),
    Preset(
        id="eu-ai-act-high-risk-provider",
        title="EU AI Act high-risk provider",
        description=(
            "Level 3 everywhere and level 4 where the provider obligations need measured evidence: risk "
            "management (Art. 9), data governance (Art. 10), record-keeping and post-market monitoring "
            "(Art. 12, 72) and serious-incident reporting (Art. 73)."
        ),
        default=3,
        categories=(("DAT", 4), ("IRR", 4), ("MON", 4), ("RSK", 4)),
    ),
    Preset(
        id="agentic-operator",
        title="Agentic AI operator",
        description="Level 3 everywhere and level 4 in the categories that make agents safe to run.",
        default=3,
        categories=(("AGT", 4), ("IRR", 4), ("MCP", 4), ("MON", 4)),
    ),
    Preset(
        id="deployment-gating",
        title="What the inventory runs",
        description=(
            "Only the maturity the deployment classes of the inventory need (copilots 3, platform apps 3, "
            "custom models 3, agentic AI 4, multi-agent systems 5); categories no deployment needs get no target."
        ),
        default=None,
        from_inventory=True,
    ),
)


def preset(preset_id: str) -> Preset:
    found = next((p for p in PRESETS if p.id == preset_id), None)
    if found is None:
        names = ", ".join(p.id for p in PRESETS)
        raise AismaError(f"targets.preset {preset_id!r} is not a preset; expected one of {names}")
    return found


def capped_targets(targets: ResolvedTargets, highest_applicable: Mapping[str, int | None]) -> ResolvedTargets:
    """Each target capped at its category's highest level with applicable objectives.

    A category with nothing applicable keeps its target: it is n/a and counts nowhere.
    """
    out = []
    for c in targets.categories:
        ceiling = highest_applicable.get(c.id)
        level = c.target_level if c.target_level is None or ceiling is None else min(c.target_level, ceiling)
        out.append(
            c.model_copy(
                update={"target_level": level, "requested_level": c.target_level, "highest_applicable": ceiling}
            )
        )
    return targets.model_copy(update={"categories": tuple(out)})


def inventory_requirements(model: MaturityModel, systems: Sequence[AISystem]) -> dict[str, tuple[int, tuple[str, ...]]]:
    """Per category: the highest level any active system needs (class minimum, raised by its autonomy tier)."""
    classes = {d.id: d for d in model.deployment_classes}
    needs: dict[str, tuple[int, set[str]]] = {}
    for system in systems:
        spec = classes.get(deployment_class_id(system))
        if spec is None:
            continue
        level = min(required_level(spec, system), model.max_level)
        for category in spec.categories:
            current, names = needs.get(category, (-1, set()))
            if level > current:
                needs[category] = (level, {spec.id})
            elif level == current:
                names.add(spec.id)
    return {c: (lv, tuple(sorted(names))) for c, (lv, names) in needs.items()}


def resolve_targets(targets: Targets, model: MaturityModel, systems: Sequence[AISystem]) -> ResolvedTargets:
    """Each category's target and where it came from.

    Precedence: the workspace's category override, its domain override, the preset's category level, the
    workspace's default, the preset's default; then, with ``from_inventory``, raised to what the inventory's
    deployments need. A preset's category levels beat a plain default so ``preset: agentic-operator`` with
    ``default: 2`` keeps level 4 for the agent categories.
    """
    chosen = preset(targets.preset) if targets.preset else None
    from_inventory = targets.from_inventory or bool(chosen and chosen.from_inventory)
    explicit_categories = dict(targets.categories)
    explicit_domains = dict(targets.domains)
    preset_categories = dict(chosen.categories) if chosen else {}
    needs = inventory_requirements(model, systems)
    out: list[CategoryTarget] = []
    for domain in model.domains:
        for category in domain.categories:
            level: int | None
            if category.id in explicit_categories:
                level, source = explicit_categories[category.id], "category"
            elif domain.id in explicit_domains:
                level, source = explicit_domains[domain.id], "domain"
            elif category.id in preset_categories:
                level, source = preset_categories[category.id], "preset"
            elif targets.default is not None:
                level, source = targets.default, "default"
            elif chosen is not None and chosen.default is not None:
                level, source = chosen.default, "preset"
            else:
                level, source = None, "none"
            if level is not None:
                level = min(level, model.max_level)
            required, required_by = needs.get(category.id, (None, ()))
            if from_inventory and required is not None and (level is None or required > level):
                level, source = required, "inventory"
            out.append(
                CategoryTarget(
                    id=category.id,
                    target_level=level,
                    source=source,
                    inventory_requires=required,
                    required_by=required_by,
                )
            )
    return ResolvedTargets(preset=targets.preset, from_inventory=from_inventory, categories=tuple(out))


def target_cap_note(targets: ResolvedTargets | None, category_id: str) -> str | None:
    """ "target 3, capped at 2: nothing applies above level 2" when the cap lowered a category's target.

    Reads the result's ``targets`` section, so saved results (which may predate the cap) work too.
    """
    entry = targets.entry(category_id) if targets is not None else None
    if entry is None:
        return None
    requested, level = entry.requested_level, entry.target_level
    if requested is None or level is None or level >= requested:
        return None
    return f"target {requested}, capped at {level}: nothing applies above level {level}"
