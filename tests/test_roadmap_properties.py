"""Roadmap invariants on generated inventories, answers, measurements and targets (hypothesis).

- no objective is scheduled before an open objective it depends on, nor before a gate's prerequisite;
- completing every roadmap item (rescored through the real engine) reaches every category's target;
- the roadmap is empty exactly when every category already meets its target;
- the same hold for the roadmap to evidenced targets, in evidenced levels;
- phases are numbered in order, carry the reference transition times and never go down a level.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisma.assessment import assess
from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.loader import load_model_file, resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.roadmap.gaps import find_gaps, objective_states
from aisma.roadmap.ordering import order_gaps
from aisma.roadmap.phases import TRANSITION_MONTHS
from aisma.roadmap.plan import plan_roadmap
from aisma.roadmap.whatif import roadmap_ids, what_if
from aisma.scoring.engine import score
from aisma.scoring.inputs import Answer, AssessmentInput, EvidenceRef, Measurement, Source, Targets
from aisma.scoring.results import AssessmentResult
from aisma.scoring.targets import PRESETS
from strategies import ai_systems

pytestmark = pytest.mark.slow  # hundreds of generated assessments, each planned

AT = datetime(2026, 11, 16, tzinfo=UTC)
WORDS = ("unknown", "not", "partially", "largely", "fully")
DATA = Path(__file__).parent / "data"


@cache
def models() -> tuple[MaturityModel, ...]:
    return (load_model_file(DATA / "mini" / "model.yaml"), resolve_model("aisma-core"))


def systems() -> st.SearchStrategy[tuple[AISystem, ...]]:
    return ai_systems(5, multi_agent=st.booleans(), risk_tier=st.sampled_from([None, "LOW", "HIGH", "CRITICAL"]))


@st.composite
def scenarios(draw: st.DrawFn) -> AssessmentInput:
    model = draw(st.sampled_from(models()))
    answers = []
    for objective in model.objectives():
        word = draw(st.sampled_from((None, *WORDS, "na")))
        if word is None:
            continue
        evidence = (EvidenceRef(ref="evidence/x.pdf", exists=True),) if draw(st.booleans()) else ()
        answers.append(Answer(objective.id, word, evidence=evidence, justification="out of scope"))  # type: ignore[arg-type]
    metrics = sorted({o.measurement.metric for o in model.objectives() if o.measurement.metric})
    measurements = tuple(
        Measurement(metric=m, observed_at=AT, numerator=float(n), denominator=10.0, source=Source(tool="t"))
        for m in metrics
        if (n := draw(st.one_of(st.none(), st.integers(0, 10)))) is not None
    )
    categories = [c.id for c in model.categories()]
    overrides = draw(st.dictionaries(st.sampled_from(categories), st.integers(0, model.max_level), max_size=3))
    targets = Targets(
        default=draw(st.one_of(st.none(), st.integers(0, model.max_level))),
        categories=tuple(sorted(overrides.items())),
        preset=draw(st.sampled_from([None, *(p.id for p in PRESETS)])),
        from_inventory=draw(st.booleans()),
    )
    return AssessmentInput(
        organization="Prop Org",
        model=model,
        assessed_at=AT,
        inventory=Inventory(systems=draw(systems())),
        answers=tuple(answers),
        measurements=measurements,
        targets=targets,
    )


def check_order(model: MaturityModel, result: AssessmentResult, evidenced: bool = False) -> None:
    order = roadmap_ids(result)
    position = {oid: i for i, oid in enumerate(order)}
    assert len(position) == len(order), "an objective is scheduled twice"
    states = objective_states(result)
    category_of = {o.id: c.id for c in model.categories() for o in c.objectives}
    for objective in model.objectives():
        if objective.id not in position:
            continue
        for dependency in objective.depends_on:
            state = states[dependency]
            if state.applicable and (state.evidenced_status if evidenced else state.status) != "met":
                assert dependency in position, f"{objective.id} needs {dependency}, which is not on the roadmap"
                assert position[dependency] < position[objective.id], f"{objective.id} before {dependency}"
    for gate in model.gates:
        prerequisites = [
            oid
            for oid in order
            if category_of[oid] == gate.when.category and int(oid.split("-")[1].split(".")[0]) <= gate.when.below
        ]
        for oid in order:
            level = int(oid.split("-")[1].split(".")[0])
            if category_of[oid] in gate.cap.categories and level > gate.cap.level:
                late = [p for p in prerequisites if position[p] > position[oid]]
                assert not late, f"{oid} is scheduled before gate {gate.id}'s prerequisites {late}"


def check_phases(result: AssessmentResult) -> None:
    previous = 0
    for number, phase in enumerate(result.roadmap, start=1):
        assert phase.phase == number
        assert phase.items, "a phase without items"
        assert phase.level > previous
        previous = phase.level
        assert (phase.months_min, phase.months_max) == TRANSITION_MONTHS[phase.level]
        for item in phase.items:
            assert item.level <= phase.level


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_roadmap_respects_dependencies_and_gates(inputs: AssessmentInput) -> None:
    result = assess(inputs)
    check_order(inputs.model, result)
    check_phases(result)


@settings(max_examples=80, deadline=None)
@given(scenarios())
def test_completing_the_roadmap_reaches_every_target(inputs: AssessmentInput) -> None:
    result = assess(inputs)
    projected = what_if(inputs, result, roadmap_ids(result), score).projected
    for category in projected.categories:
        if category.applicable and category.target_level is not None:
            assert category.level is not None and category.level >= category.target_level, category.id
    # The last phase's projection is that same rescoring.
    if result.roadmap:
        assert result.roadmap[-1].projected.categories == {c.id: c.level for c in projected.categories}


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_roadmap_is_empty_exactly_when_targets_are_met(inputs: AssessmentInput) -> None:
    result = assess(inputs)
    met = all(
        c.level is not None and c.level >= c.target_level
        for c in result.categories
        if c.applicable and c.target_level is not None
    )
    assert met == (result.roadmap == ())


def test_builtin_model_gate_order_never_contradicts_dependencies() -> None:
    """With every objective open, gates and dependencies still admit one order (no relaxing needed)."""
    model = resolve_model("aisma-core")
    inputs = AssessmentInput(organization="x", model=model, assessed_at=AT, targets=Targets(default=model.max_level))
    result = score(inputs)
    gaps = find_gaps(model, result)
    assert len(gaps) == len(model.objectives())
    ordered, warnings = order_gaps(model, gaps, ())
    assert warnings == []
    assert [o.phase_level for o in ordered] == sorted(o.phase_level for o in ordered)


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_the_evidenced_roadmap_reaches_every_target_in_evidenced_levels(inputs: AssessmentInput) -> None:
    result = score(inputs)
    phases, _ = plan_roadmap(inputs, result, score, evidenced=True)
    planned = result.model_copy(update={"roadmap": tuple(phases)})
    check_order(inputs.model, planned, evidenced=True)
    check_phases(planned)
    projected = what_if(inputs, result, roadmap_ids(planned), score).projected
    for category in projected.categories:
        if category.applicable and category.target_level is not None:
            assert category.evidenced_level is not None and category.evidenced_level >= category.target_level
    # Everything the claimed roadmap plans, the evidenced one plans too.
    assert set(roadmap_ids(assess(inputs))) <= set(roadmap_ids(planned))
