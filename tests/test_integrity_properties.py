"""Score integrity, checked on generated models, workspaces and times (docs/scoring.md, "Invariants").

Directly on the scoring engine (``aisma.scoring.engine.score``: levels, views, tracks, gating; no
roadmap planning), so each property runs over many generated cases quickly:

- a later assessment time never improves anything (levels, scores, views, tracks, verdicts);
- removing an answer's evidence never raises an evidenced level or score;
- removing a measurement that counted in the result's favour (fresh and passing) never raises anything;
- adding a failing measurement never raises anything;
- a level above 0 always has a met objective at or below it.

Models are the built-in one and reshaped copies of the small test model whose objectives get random
levels (so levels have gaps), random metrics, directions and age limits. Inputs are dated no later
than the earlier assessment time: evidence observed after it is "not yet known then" by design.
Each property was shown to fail with its rule broken (see docs/scoring.md and the issue note).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.loader import load_model_file, resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.scoring.engine import score
from aisma.scoring.inputs import Answer, AssessmentInput, EvidenceRef, Measurement, Source, Targets
from aisma.scoring.results import AssessmentResult
from strategies import ai_systems

BASE = datetime(2026, 11, 16, 9, tzinfo=UTC)
DATA = Path(__file__).parent / "data"
WORDS = ("fully", "largely", "partially", "not", "unknown")
VERDICT_ORDER = {"do_not_proceed": 0, "marginal": 1, "appropriate": 2}
# A small pool of metrics for the reshaped models, each with one direction (as real metrics have).
POOL = {"gen.a_ratio": "higher_is_better", "gen.b_ratio": "higher_is_better", "gen.c_rate": "lower_is_better"}
THRESHOLDS = {
    "higher_is_better": {"fully": 0.9, "largely": 0.75, "partially": 0.3},
    "lower_is_better": {"fully": 0.05, "largely": 0.1, "partially": 0.3},
}
ENTITIES = ("e1", "e2", "e3", "e4", "e5")
PROPS = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@cache
def mini() -> MaturityModel:
    return load_model_file(DATA / "mini" / "model.yaml")


@cache
def core() -> MaturityModel:
    return resolve_model("aisma-core")


@st.composite
def reshaped_mini(draw: st.DrawFn) -> MaturityModel:
    """The test model with each objective at a random level, measured by a random metric or by hand."""
    data = mini().model_dump(mode="json", exclude_none=True)
    for domain in data["domains"]:
        for category in domain["categories"]:
            for objective in category["objectives"]:
                objective["level"] = draw(st.integers(1, 3))
                metric = draw(st.sampled_from([None, *POOL]))
                if metric is None:
                    objective["measurement"] = {"mode": "manual"}
                else:
                    direction = POOL[metric]
                    objective["measurement"] = {
                        "mode": draw(st.sampled_from(["either", "automated"])),
                        "metric": metric,
                        "direction": direction,
                        "thresholds": THRESHOLDS[direction],
                        "max_age_days": draw(st.sampled_from([None, 7, 30, 90])),
                    }
    return MaturityModel.model_validate(data)


def models() -> st.SearchStrategy[MaturityModel]:
    return st.one_of(reshaped_mini(), st.just(mini()), st.just(core()))


def systems() -> st.SearchStrategy[tuple[AISystem, ...]]:
    return ai_systems(3, owner=st.just("owner"))


def metric_directions(model: MaturityModel) -> dict[str, str]:
    return {o.measurement.metric: o.measurement.direction for o in model.objectives() if o.measurement.metric}


def max_ages(model: MaturityModel, metric: str) -> list[int | None]:
    return [o.measurement.max_age_days for o in model.objectives() if o.measurement.metric == metric]


@st.composite
def a_part(draw: st.DrawFn, metric: str, union: bool) -> Measurement:
    """One source of ``metric``, observed up to 400 days before BASE (mostly within the age limits, so
    sources go stale between two generated times); entity ids when ``union``."""
    days = draw(st.one_of(st.sampled_from([0, 1, 3, 6, 7, 20, 29, 30, 45, 89, 90]), st.integers(0, 400)))
    observed = BASE - timedelta(days=days, hours=draw(st.integers(0, 23)))
    source = Source(tool="gen", file=f"evidence/{draw(st.integers(0, 9))}.json")
    if union:
        covered = draw(st.sets(st.sampled_from(ENTITIES)))
        return Measurement(
            metric=metric,
            observed_at=observed,
            numerator=float(len(covered)),
            denominator=float(len(ENTITIES)),
            source=source,
            population=ENTITIES,
            covered=tuple(sorted(covered)),
        )
    if draw(st.booleans()):
        denominator = draw(st.integers(1, 12))
        return Measurement(
            metric=metric,
            observed_at=observed,
            numerator=float(draw(st.integers(0, denominator))),
            denominator=float(denominator),
            source=source,
        )
    return Measurement(
        metric=metric, observed_at=observed, value=draw(st.sampled_from([0.0, 0.2, 0.5, 0.8, 1.0])), source=source
    )


@st.composite
def workspaces(draw: st.DrawFn) -> tuple[AssessmentInput, dict[str, bool]]:
    """Generated inputs as of BASE, and which metrics carry entity ids (union merge)."""
    model = draw(models())
    answers = []
    for objective in model.objectives():
        word = draw(st.sampled_from((None, None, "na", *WORDS)))
        if word is None:
            continue
        evidence = (EvidenceRef(ref="evidence/x.pdf", exists=True),) if draw(st.booleans()) else ()
        expires = draw(st.one_of(st.none(), st.dates(date(2026, 1, 1), date(2028, 12, 31))))
        justification = "out of scope" if word == "na" else ""
        answers.append(Answer(objective.id, word, evidence=evidence, expires=expires, justification=justification))  # type: ignore[arg-type]
    union = {metric: draw(st.booleans()) for metric in sorted(metric_directions(model))}
    measurements: list[Measurement] = []
    for metric in sorted(union):
        for _ in range(draw(st.integers(0, 3))):
            measurements.append(draw(a_part(metric, union[metric])))
    inputs = AssessmentInput(
        organization="Generated",
        model=model,
        assessed_at=BASE,
        inventory=Inventory(systems=draw(systems())),
        answers=tuple(answers),
        measurements=tuple(measurements),
        targets=Targets(default=3),
    )
    return inputs, union


@st.composite
def ageing_workspaces(draw: st.DrawFn) -> tuple[AssessmentInput, dict[str, bool]]:
    """Small models whose metrics each have two or three sources of different ages, passing or failing:
    the cases where a source going stale between two times could flatter a ratio."""
    inputs, union = draw(workspaces())
    assume(inputs.model is not core())
    parts: list[Measurement] = []
    for metric in sorted(union):
        for _ in range(draw(st.integers(2, 3))):
            days = draw(st.sampled_from([0, 1, 5, 6, 20, 25, 29, 60, 85]))
            denominator = float(draw(st.integers(1, 10)))
            numerator = draw(st.sampled_from([0.0, denominator]))
            parts.append(
                Measurement(
                    metric=metric,
                    observed_at=BASE - timedelta(days=days),
                    numerator=numerator,
                    denominator=denominator,
                    source=Source(tool="gen", file=f"evidence/{len(parts)}.json"),
                )
            )
    return replace(inputs, measurements=tuple(parts)), {metric: False for metric in union}


def at(inputs: AssessmentInput, when: datetime) -> AssessmentInput:
    return replace(inputs, assessed_at=when)


def numbers(result: AssessmentResult) -> Iterator[tuple[str, float | None]]:
    """Every number a reader compares: levels and scores of categories, roll-ups, views and tracks, verdicts."""
    for c in result.categories:
        for key in ("level", "score", "evidenced_level", "evidenced_score", "coverage"):
            yield f"{c.id}.{key}", getattr(c, key)
    for r in (*result.domains, result.overall):
        for key in ("level", "score", "evidenced_level", "evidenced_score", "coverage"):
            yield f"{r.id}.{key}", getattr(r, key)
    buckets = [("track", b) for b in result.tracks] + [(name, b) for name, bs in result.views.items() for b in bs]
    for name, b in buckets:
        for key in ("level", "score", "evidenced_level", "coverage"):
            yield f"{name}:{b.id}.{key}", getattr(b, key)
    for g in result.gating:
        yield f"gate:{g.system}.verdict", VERDICT_ORDER[g.verdict]
        yield f"gate:{g.system}.evidenced_verdict", VERDICT_ORDER[g.evidenced_verdict]
    for c in result.categories:
        for o in c.objectives:
            yield f"{o.id}.value", o.value if o.applicable else None
            yield f"{o.id}.met", float(o.status == "met") if o.applicable else None
            yield f"{o.id}.evidenced_met", float(o.evidenced_status == "met") if o.applicable else None


def never_raised(before: AssessmentResult, after: AssessmentResult, only: str = "") -> list[Any]:
    """The numbers that went up from ``before`` to ``after`` (n/a becoming a number counts unless it is 0)."""
    old = dict(numbers(before))
    raised = []
    for key, value in numbers(after):
        if only and only not in key:
            continue
        was = old.get(key)
        if value is None:
            continue
        if was is None:
            if key.endswith((".level", ".evidenced_level", ".score", ".evidenced_score")) and value > 0:
                raised.append((key, None, value))
            continue
        if value > was + 1e-9:
            raised.append((key, was, value))
    return raised


SOON = st.one_of(st.sampled_from([0, 1, 2, 5, 8, 15, 31, 40, 91]), st.integers(0, 900))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(workspaces(), ageing_workspaces()), SOON, SOON)
def test_a_later_time_never_improves_anything(case: tuple[AssessmentInput, dict[str, bool]], d1: int, d2: int) -> None:
    inputs, _ = case
    earlier, later = BASE + timedelta(days=min(d1, d2)), BASE + timedelta(days=max(d1, d2), hours=3)
    assert never_raised(score(at(inputs, earlier)), score(at(inputs, later))) == []


@PROPS
@given(workspaces(), st.data())
def test_removing_an_answers_evidence_never_raises_an_evidenced_level(
    case: tuple[AssessmentInput, dict[str, bool]], data: st.DataObject
) -> None:
    inputs, _ = case
    backed = [a for a in inputs.answers if a.evidence]
    assume(backed)
    answer = data.draw(st.sampled_from(backed))
    bare = replace(inputs, answers=tuple(replace(a, evidence=()) if a is answer else a for a in inputs.answers))
    assert never_raised(score(inputs), score(bare), only="evidenced") == []


def _fresh_everywhere(model: MaturityModel, measurement: Measurement, when: datetime) -> bool:
    ages = [age for age in max_ages(model, measurement.metric) if age is not None]
    return not ages or when < measurement.observed_at + timedelta(days=min(ages) + 1)


def _passing(measurement: Measurement, direction: str) -> Measurement:
    """The same source at the best end: everything covered (higher is better) or nothing failing."""
    best = direction == "higher_is_better"
    if measurement.population is not None:
        covered = measurement.population if best else ()
        return replace(measurement, numerator=float(len(covered)), covered=tuple(covered))
    if measurement.value is not None:
        return replace(measurement, value=1.0 if best else 0.0)
    return replace(measurement, numerator=measurement.denominator if best else 0.0)


def _failing(measurement: Measurement, direction: str) -> Measurement:
    best = direction == "higher_is_better"
    if measurement.population is not None:
        covered = () if best else measurement.population
        return replace(measurement, numerator=float(len(covered)), covered=tuple(covered))
    if measurement.value is not None:
        return replace(measurement, value=0.0 if best else 1000.0)
    return replace(measurement, numerator=0.0 if best else measurement.denominator)


@PROPS
@given(workspaces(), st.data())
def test_removing_a_measurement_in_the_results_favour_never_raises_anything(
    case: tuple[AssessmentInput, dict[str, bool]], data: st.DataObject
) -> None:
    """Removing evidence that counted for the result never helps. (Removing a failing or a stale source
    can raise a ratio: it was counted against the result, as docs/scoring.md says.)"""
    inputs, _ = case
    directions = metric_directions(inputs.model)
    assume(inputs.measurements)
    index = data.draw(st.integers(0, len(inputs.measurements) - 1))
    chosen = inputs.measurements[index]
    passing = _passing(replace(chosen, observed_at=BASE - timedelta(hours=1)), directions[chosen.metric])
    assert _fresh_everywhere(inputs.model, passing, BASE)
    with_it = replace(
        inputs, measurements=tuple(passing if i == index else m for i, m in enumerate(inputs.measurements))
    )
    without = replace(inputs, measurements=tuple(m for i, m in enumerate(inputs.measurements) if i != index))
    assert never_raised(score(with_it), score(without)) == []


@PROPS
@given(workspaces(), st.data())
def test_adding_a_failing_measurement_never_raises_anything(
    case: tuple[AssessmentInput, dict[str, bool]], data: st.DataObject
) -> None:
    inputs, union = case
    directions = metric_directions(inputs.model)
    assume(directions)
    metric = data.draw(st.sampled_from(sorted(directions)))
    failing = _failing(data.draw(a_part(metric, union[metric])), directions[metric])
    worse = replace(inputs, measurements=(*inputs.measurements, failing))
    assert never_raised(score(inputs), score(worse)) == []


@PROPS
@given(workspaces(), st.integers(0, 900))
def test_a_level_above_0_has_a_met_objective_at_or_below_it(
    case: tuple[AssessmentInput, dict[str, bool]], days: int
) -> None:
    result = score(at(case[0], BASE + timedelta(days=days)))
    by_id = {o.id: o for c in result.categories for o in c.objectives}

    def supported(level: int | None, objectives: list[Any], evidenced: bool, reached: int | None = None) -> bool:
        """``reached``: the level before a gate capped it (a cap lowers a level, it never creates one)."""
        if not level:
            return True
        status = "evidenced_status" if evidenced else "status"
        bound = level if reached is None else max(level, reached)
        return any(o.applicable and o.level <= bound and getattr(o, status) == "met" for o in objectives)

    for c in result.categories:
        # A capped category was reached above its cap; its uncapped (claimed) level bounds the evidenced
        # one too, since an objective met on evidence is met as claimed.
        claimed_reach = c.uncapped_level if c.capped_by else None
        evidenced_reach = c.uncapped_level if c.evidenced_capped_by else None
        assert supported(c.level, list(c.objectives), False, claimed_reach), (c.id, c.level)
        assert supported(c.evidenced_level, list(c.objectives), True, evidenced_reach), (c.id, c.evidenced_level)
    buckets = list(result.tracks) + [b for bs in result.views.values() for b in bs]
    for b in buckets:
        members = [by_id[oid] for oid in b.objectives]
        assert supported(b.level, members, False), (b.id, b.level)
        assert supported(b.evidenced_level, members, True), (b.id, b.evidenced_level)
