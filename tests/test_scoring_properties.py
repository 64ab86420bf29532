"""Scoring invariants, checked on generated answers (hypothesis).

- raising any answer never lowers any level or score (claimed or evidenced, category, domain, overall);
- the same inputs give the same bytes;
- marking an objective that is not met N/A (with a justification) never lowers a category level
  (marking a met one N/A may: a level is reached only by meeting applicable objectives at it).

The properties about scores call ``score()`` (no roadmap: planning only adds ``roadmap`` and its
warnings to the same result, and rescoring each phase's projection is most of ``assess()``'s cost);
the same-bytes property renders the whole ``assess()``, roadmap included.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from aisma.assessment import assess
from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.loader import load_model_file, resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.reports import render
from aisma.scoring.engine import score
from aisma.scoring.inputs import Answer, AssessmentInput, EvidenceRef, Measurement, Source, Targets
from aisma.scoring.results import AssessmentResult
from strategies import ai_systems

pytestmark = pytest.mark.slow  # hundreds of generated assessments

AT = datetime(2026, 11, 16, tzinfo=UTC)
ORDER = ("unknown", "not", "partially", "largely", "fully")
DATA = Path(__file__).parent / "data"


@cache
def models() -> tuple[MaturityModel, ...]:
    return (load_model_file(DATA / "mini" / "model.yaml"), resolve_model("aisma-core"))


def systems() -> st.SearchStrategy[tuple[AISystem, ...]]:
    return ai_systems(4, owner=st.sampled_from([None, "owner"]))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[AssessmentInput, str, str]:
    model = draw(st.sampled_from(models()))
    ids = [o.id for o in model.objectives()]
    answers = []
    for oid in ids:
        word = draw(st.sampled_from((None, *ORDER)))
        if word is None:
            continue
        evidence = (EvidenceRef(ref="evidence/x.pdf", exists=True),) if draw(st.booleans()) else ()
        answers.append(Answer(objective_id=oid, answer=word, evidence=evidence))
    metrics = sorted({o.measurement.metric for o in model.objectives() if o.measurement.metric})
    measurements = tuple(
        Measurement(metric=m, observed_at=AT, numerator=float(n), denominator=10.0, source=Source(tool="t"))
        for m in metrics
        if (n := draw(st.one_of(st.none(), st.integers(0, 10)))) is not None
    )
    inputs = AssessmentInput(
        organization="Prop Org",
        model=model,
        assessed_at=AT,
        inventory=Inventory(systems=draw(systems())),
        answers=tuple(answers),
        measurements=measurements,
        targets=Targets(default=draw(st.integers(0, 3))),
    )
    return inputs, draw(st.sampled_from(ids)), draw(st.sampled_from(ORDER[1:]))


def numbers(result: AssessmentResult) -> dict[str, float]:
    out: dict[str, float] = {}
    for c in result.categories:
        for key in ("level", "score", "evidenced_level", "evidenced_score"):
            value = getattr(c, key)
            if value is not None:
                out[f"{c.id}.{key}"] = value
    for r in (*result.domains, result.overall):
        for key in ("level", "score", "evidenced_level", "evidenced_score", "coverage"):
            value = getattr(r, key)
            if value is not None:
                out[f"{r.id}.{key}"] = value
    return out


def with_answer(inputs: AssessmentInput, objective_id: str, answer: Answer | None) -> AssessmentInput:
    kept = tuple(a for a in inputs.answers if a.objective_id != objective_id)
    return replace(inputs, answers=(*kept, answer) if answer else kept)


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_raising_an_answer_never_lowers_anything(scenario: tuple[AssessmentInput, str, str]) -> None:
    inputs, objective_id, _ = scenario
    current = next((a for a in inputs.answers if a.objective_id == objective_id), None)
    start = ORDER.index(current.answer) if current else 0
    evidence = current.evidence if current else ()
    before = numbers(score(inputs))
    for word in ORDER[start + 1 :]:
        after = numbers(score(with_answer(inputs, objective_id, Answer(objective_id, word, evidence=evidence))))  # type: ignore[arg-type]
        for key, value in before.items():
            assert after[key] >= value - 1e-9, (objective_id, word, key, value, after[key])
        before = after


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_adding_evidence_never_lowers_evidenced_scores(scenario: tuple[AssessmentInput, str, str]) -> None:
    inputs, objective_id, word = scenario
    bare = with_answer(inputs, objective_id, Answer(objective_id, word))  # type: ignore[arg-type]
    backed = with_answer(inputs, objective_id, Answer(objective_id, word, evidence=(EvidenceRef("e.pdf", True),)))  # type: ignore[arg-type]
    before, after = numbers(score(bare)), numbers(score(backed))
    for key, value in before.items():
        assert after[key] >= value - 1e-9, (key, value, after[key])


@settings(max_examples=60, deadline=None)
@given(scenarios())
def test_same_inputs_same_bytes(scenario: tuple[AssessmentInput, str, str]) -> None:
    inputs, _, _ = scenario
    for fmt in ("json", "md", "html"):
        assert render(assess(inputs), fmt) == render(assess(inputs), fmt)


@settings(max_examples=120, deadline=None)
@given(scenarios())
def test_na_never_lowers_a_level(scenario: tuple[AssessmentInput, str, str]) -> None:
    inputs, objective_id, _ = scenario
    before = score(inputs)
    assume(before.objective(objective_id).status != "met")
    after = score(with_answer(inputs, objective_id, Answer(objective_id, "na", justification="not in scope")))
    for c_before, c_after in zip(before.categories, after.categories, strict=True):
        if c_before.level is not None and c_after.level is not None:
            assert c_after.level >= c_before.level
            assert (c_after.evidenced_level or 0) >= (c_before.evidenced_level or 0)
