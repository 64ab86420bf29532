"""Scoring: a pure function from frozen inputs to a frozen result (``aisma.assessment`` adds the roadmap).

Nothing here reads files, clocks or settings; the same ``AssessmentInput`` always gives the same
result, which is what makes history exact and golden tests possible.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from aisma.errors import AismaError
from aisma.inventory.shadow import Unregistered, unregistered
from aisma.maturity.schema import MaturityModel
from aisma.scoring.gating import gate_deployments, gating_warnings
from aisma.scoring.inputs import Answer, AssessmentInput, Measurement
from aisma.scoring.levels import apply_gates, capped, highest_applicable, raw_score
from aisma.scoring.objectives import applies, score_objective
from aisma.scoring.results import (
    AssessmentResult,
    CategoryResult,
    LevelName,
    ModelRef,
    ObjectiveResult,
    Overall,
    ResolvedTargets,
    Rollup,
)
from aisma.scoring.targets import capped_targets, resolve_targets
from aisma.scoring.views import framework_views, track_views

ExtraSection = Callable[[AssessmentInput, tuple[CategoryResult, ...]], tuple[str, object]]


def score_levels(inputs: AssessmentInput) -> AssessmentResult:
    """Levels, roll-ups and gating only: what roadmap projections compare (no views, no shadow-AI matching)."""
    return score(inputs, full=False)


def score(inputs: AssessmentInput, *, full: bool = True) -> AssessmentResult:
    """Score every objective, category, domain and the program; with ``full``, views and shadow AI. No roadmap."""
    model = inputs.model
    known = {o.id for o in model.objectives()}
    answers: dict[str, Answer] = {}
    for answer in inputs.answers:
        if answer.objective_id not in known:
            raise AismaError(f"answer for {answer.objective_id}: no such objective in model {model.id} {model.version}")
        answers[answer.objective_id] = answer
    by_metric: dict[str, list[Measurement]] = {}
    for m in inputs.measurements:
        by_metric.setdefault(m.metric, []).append(m)

    systems = inputs.inventory.active_systems()
    warnings: list[str] = list(inputs.warnings)
    objective_results: dict[str, ObjectiveResult] = {}
    for objective in model.objectives():
        metric = objective.measurement.metric
        objective_results[objective.id] = score_objective(
            objective,
            applies(objective.applies_to, systems),
            answers.get(objective.id),
            by_metric.get(metric, []) if metric else [],
            inputs.assessed_at,
            warnings,
        )

    # Targets are capped at the highest level a category can reach (aisma.scoring.targets).
    highest = {c.id: highest_applicable([objective_results[o.id] for o in c.objectives]) for c in model.categories()}
    targets = capped_targets(resolve_targets(inputs.targets, model, systems), highest)
    categories = _categories(model, targets, objective_results)
    domains = tuple(
        _rollup(domain.id, domain.title, [c for c in categories if c.domain == domain.id], objective_results)
        for domain in model.domains
    )
    overall = _rollup("overall", model.title, list(categories), objective_results, Overall)
    gating = gate_deployments(model, systems, categories)
    warnings += gating_warnings(gating)
    shadow = unregistered(inputs.inventory.systems, inputs.observed) if full else Unregistered((), 0, ())
    return AssessmentResult(
        organization=inputs.organization,
        model=ModelRef(
            id=model.id,
            version=model.version,
            title=model.title,
            levels=tuple(
                LevelName(level=lv.level, name=lv.name) for lv in sorted(model.levels, key=lambda lv: lv.level)
            ),
        ),
        assessed_at=inputs.assessed_at.isoformat(),
        time_basis=inputs.time_basis,
        evidence_valid_until=min((o.valid_until for o in objective_results.values() if o.valid_until), default=None),
        overall=overall,
        domains=domains,
        categories=categories,
        tracks=track_views(model, objective_results, systems) if full else (),
        views=dict(framework_views(model, objective_results)) if full else {},
        gating=gating,
        roadmap=(),
        warnings=tuple(sorted(set(warnings))),
        unregistered_ai=shadow.listed,
        unregistered_ai_total=shadow.total,
        unregistered_ai_by_kind=shadow.by_kind,
        targets=targets,
    )


def _categories(
    model: MaturityModel, targets: ResolvedTargets, results: dict[str, ObjectiveResult]
) -> tuple[CategoryResult, ...]:
    levels = [lv.level for lv in model.levels]
    claimed = {}
    evidenced = {}
    for category in model.categories():
        objs = [results[o.id] for o in category.objectives]
        claimed[category.id] = raw_score(objs, levels, evidenced=False)
        evidenced[category.id] = raw_score(objs, levels, evidenced=True)
    ceilings = {c.id: highest_applicable([results[o.id] for o in c.objectives]) for c in model.categories()}
    caps = apply_gates({cid: (raw.level if raw else None) for cid, raw in claimed.items()}, model.gates, ceilings)
    evidenced_caps = apply_gates(
        {cid: (raw.level if raw else None) for cid, raw in evidenced.items()}, model.gates, ceilings
    )

    out: list[CategoryResult] = []
    for domain in model.domains:
        for category in domain.categories:
            raw, raw_e = claimed[category.id], evidenced[category.id]
            level = score = evidenced_level = evidenced_score = None
            capped_by = evidenced_capped_by = None
            if raw is not None:
                level, score, capped_by = capped(raw, caps.get(category.id))
            if raw_e is not None:
                evidenced_level, evidenced_score, evidenced_capped_by = capped(raw_e, evidenced_caps.get(category.id))
            out.append(
                CategoryResult(
                    id=category.id,
                    title=category.title,
                    domain=domain.id,
                    weight=category.weight,
                    applicable=raw is not None,
                    level=level,
                    score=score,
                    coverage=raw.coverage if raw else None,
                    evidenced_level=evidenced_level,
                    evidenced_score=evidenced_score,
                    uncapped_level=raw.level if raw else None,
                    target_level=targets.level(category.id),
                    capped_by=capped_by,
                    evidenced_capped_by=evidenced_capped_by,
                    objectives=tuple(results[o.id] for o in category.objectives),
                )
            )
    return tuple(out)


def _weighted(pairs: Sequence[tuple[float, float]]) -> float | None:
    total = sum(w for _, w in pairs)
    return sum(v * w for v, w in pairs) / total if total else None


def _rollup(
    rollup_id: str,
    title: str,
    categories: Sequence[CategoryResult],
    results: dict[str, ObjectiveResult],
    kind: type[Rollup] = Rollup,
) -> Rollup:
    """Weighted mean of applicable category scores; level is its floor; the weakest is named."""
    live = [c for c in categories if c.applicable and c.score is not None]
    score = _weighted([(c.score or 0.0, c.weight) for c in live])
    evidenced_score = _weighted([(c.evidenced_score or 0.0, c.weight) for c in live])
    applicable = [o for c in live for o in c.objectives if o.applicable]
    coverage = sum(o.value for o in applicable) / len(applicable) if applicable else None
    targets = [(float(c.target_level), c.weight) for c in live if c.target_level is not None]
    target = _weighted(targets)
    weakest = min(live, key=lambda c: (c.score or 0.0, c.id)).id if live else None
    return kind(
        id=rollup_id,
        title=title,
        level=math.floor(score + 1e-9) if score is not None else None,
        score=score,
        coverage=coverage,
        evidenced_level=math.floor(evidenced_score + 1e-9) if evidenced_score is not None else None,
        evidenced_score=evidenced_score,
        target_level=math.floor(target + 0.5) if target is not None else None,
        weakest_category=weakest,
    )
