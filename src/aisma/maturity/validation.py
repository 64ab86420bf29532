"""Checks that need the whole model: ids, dependencies, gates, crosswalk ids and metric ids.

Each problem is reported with the file and line of the offending value, like a compiler would,
because model authors edit YAML by hand and need to find the spot fast.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn

from aisma.errors import InputError
from aisma.maturity.catalogs import metric_catalog, reference_catalogs
from aisma.maturity.schema import OBJECTIVE_ID, MaturityModel, Objective
from aisma.yamlfile import line_of

Loc = tuple[str | int, ...]
Fail = Callable[[Sequence[str | int], str], NoReturn]


def _objectives_with_loc(model: MaturityModel) -> Iterator[tuple[Objective, str, Loc]]:
    for d, domain in enumerate(model.domains):
        for c, category in enumerate(domain.categories):
            for o, objective in enumerate(category.objectives):
                yield objective, category.id, ("domains", d, "categories", c, "objectives", o)


def check_model(model: MaturityModel, raw: Any, path: str | Path) -> None:
    """Raise an InputError naming the first cross-reference problem in the model, if any."""

    def fail(loc: Sequence[str | int], message: str) -> NoReturn:
        raise InputError(path, line_of(raw, loc), message)

    level_numbers = [lv.level for lv in model.levels]
    for i, number in enumerate(level_numbers):
        if level_numbers.count(number) > 1:
            fail(("levels", i, "level"), f"level {number} is defined twice")

    seen: dict[str, str] = {}
    for d, domain in enumerate(model.domains):
        if domain.id in seen:
            fail(("domains", d, "id"), f"domain id {domain.id} is already used by a {seen[domain.id]}")
        seen[domain.id] = "domain"
        for c, category in enumerate(domain.categories):
            if category.id in seen:
                fail(
                    ("domains", d, "categories", c, "id"),
                    f"category id {category.id} is already used by a {seen[category.id]}",
                )
            seen[category.id] = "category"

    objective_ids: dict[str, Objective] = {}
    for objective, category_id, loc in _objectives_with_loc(model):
        where = f"objective {objective.id}"
        if objective.id in objective_ids:
            fail((*loc, "id"), f"{where}: id is used twice")
        objective_ids[objective.id] = objective
        match = OBJECTIVE_ID.match(objective.id)
        assert match is not None  # the schema checked the shape
        if match["category"] != category_id:
            fail((*loc, "id"), f"{where}: id must start with its category id {category_id}")
        if int(match["level"]) != objective.level:
            fail((*loc, "level"), f"{where}: level is {objective.level} but the id says level {match['level']}")
        if objective.level not in level_numbers:
            fail((*loc, "level"), f"{where}: level {objective.level} is not one of the model's levels")

    for objective, _, loc in _objectives_with_loc(model):
        where = f"objective {objective.id}"
        for i, dependency in enumerate(objective.depends_on):
            if dependency == objective.id:
                fail((*loc, "depends_on", i), f"{where}: depends_on names the objective itself")
            if dependency not in objective_ids:
                fail((*loc, "depends_on", i), f"{where}: depends_on names {dependency}, which is not in the model")
        _check_references(objective, loc, fail)
        _check_metric(objective, loc, fail)

    cycle = _find_cycle(objective_ids)
    if cycle:
        first = next(loc for objective, _, loc in _objectives_with_loc(model) if objective.id == cycle[0])
        fail((*first, "depends_on"), f"objective {cycle[0]}: depends_on forms a cycle: {' -> '.join(cycle)}")

    category_ids = {c.id for c in model.categories()}
    gate_ids: set[str] = set()
    for g, gate in enumerate(model.gates):
        if gate.id in gate_ids:
            fail(("gates", g, "id"), f"gate {gate.id}: id is used twice")
        gate_ids.add(gate.id)
        if gate.when.category not in category_ids:
            fail(
                ("gates", g, "when", "category"),
                f"gate {gate.id}: when.category {gate.when.category} is not a category of the model",
            )
        if gate.when.below > model.max_level:
            fail(("gates", g, "when", "below"), f"gate {gate.id}: when.below must be at most {model.max_level}")
        if gate.cap.level >= gate.when.below and gate.cap.level > model.max_level:
            fail(("gates", g, "cap", "level"), f"gate {gate.id}: cap.level must be at most {model.max_level}")
        for i, capped in enumerate(gate.cap.categories):
            if capped not in category_ids:
                fail(
                    ("gates", g, "cap", "categories", i),
                    f"gate {gate.id}: cap.categories names {capped}, which is not a category of the model",
                )
            if capped == gate.when.category:
                fail(
                    ("gates", g, "cap", "categories", i),
                    f"gate {gate.id}: a gate cannot cap its own condition category",
                )

    class_ids: set[str] = set()
    for k, deployment_class in enumerate(model.deployment_classes):
        if deployment_class.id in class_ids:
            fail(("deployment_classes", k, "id"), f"deployment class {deployment_class.id}: id is used twice")
        class_ids.add(deployment_class.id)
        if deployment_class.minimum_level > model.max_level:
            fail(
                ("deployment_classes", k, "minimum_level"),
                f"deployment class {deployment_class.id}: minimum_level must be at most {model.max_level}",
            )
        for tier, level in deployment_class.autonomy_tiers.items():
            if level > model.max_level:
                fail(
                    ("deployment_classes", k, "autonomy_tiers", tier),
                    f"deployment class {deployment_class.id}: autonomy_tiers.{tier} must be at most {model.max_level}",
                )
        for i, category_id in enumerate(deployment_class.categories):
            if category_id not in category_ids:
                fail(
                    ("deployment_classes", k, "categories", i),
                    f"deployment class {deployment_class.id}: categories names {category_id}, "
                    "which is not a category of the model",
                )


def _check_references(objective: Objective, loc: Loc, fail: Fail) -> None:
    catalogs = reference_catalogs()
    for framework, ids in objective.references.items():
        catalog = catalogs.get(framework)
        if catalog is None:
            known = ", ".join(sorted(catalogs))
            fail(
                (*loc, "references", framework),
                f"objective {objective.id}: references.{framework} is not a known framework (expected one of {known})",
            )
        known_ids = catalog.ids()
        for i, item_id in enumerate(ids):
            if item_id in catalog.withdrawn:
                fail(
                    (*loc, "references", framework, i),
                    f"objective {objective.id}: references.{framework} id {item_id} is withdrawn",
                )
            if item_id not in known_ids:
                fail(
                    (*loc, "references", framework, i),
                    f"objective {objective.id}: references.{framework} id {item_id} is not in the {framework} catalog",
                )


def _check_metric(objective: Objective, loc: Loc, fail: Fail) -> None:
    measurement = objective.measurement
    if measurement.metric is None:
        return
    spec = metric_catalog().get(measurement.metric)
    where = f"objective {objective.id}: measurement.metric"
    if spec is None:
        fail((*loc, "measurement", "metric"), f"{where} {measurement.metric} is not in the metric catalog")
    if spec.unit != "ratio":
        fail(
            (*loc, "measurement", "metric"),
            f"{where} {measurement.metric} is a {spec.unit}; thresholds need a ratio metric",
        )
    if spec.direction != measurement.direction:
        fail(
            (*loc, "measurement", "direction"),
            f"objective {objective.id}: measurement.direction must be {spec.direction} for {spec.id}",
        )


def _find_cycle(objectives: dict[str, Objective]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in objectives[node].depends_on:
            if nxt not in objectives:
                continue
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for node in sorted(objectives):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None
