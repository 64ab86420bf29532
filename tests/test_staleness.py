"""Time alone never improves anything: stale measurements and expired attestations (docs/scoring.md).

Each test pins one rule on the scoring engine directly; tests/test_integrity_properties.py checks
the same rules over generated models, workspaces and times.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aisma.inventory.discovery import retired_silent
from aisma.inventory.schema import AISystem
from aisma.maturity.loader import resolve_model
from aisma.maturity.schema import Objective
from aisma.reports import render
from aisma.reports.viewmodel import lapsed_line
from aisma.scoring.engine import score
from aisma.scoring.inputs import Answer, AssessmentInput, Measurement, ObservedAsset, Source
from aisma.scoring.merging import merge
from aisma.scoring.objectives import score_objective

AT = datetime(2026, 11, 16, 9, tzinfo=UTC)


def core_objective(metric_direction: str = "higher_is_better") -> Objective:
    model = resolve_model("aisma-core")
    return next(
        o
        for o in model.objectives()
        if o.measurement.metric and o.measurement.max_age_days and o.measurement.direction == metric_direction
    )


def part(metric: str, numerator: float, denominator: float, days_old: int, file: str) -> Measurement:
    return Measurement(
        metric=metric,
        observed_at=AT - timedelta(days=days_old),
        numerator=numerator,
        denominator=denominator,
        source=Source(tool="t", file=file),
    )


def test_a_stale_source_stays_in_the_denominator_as_unmeasured() -> None:
    """The failing AI-BOM that aged out: 6/7 must not become 6/6."""
    objective = core_objective()
    age = objective.measurement.max_age_days or 0
    fresh = part(objective.measurement.metric or "", 6, 6, 0, "good.json")
    failing = part(objective.measurement.metric or "", 0, 1, 0, "bad.json")
    warnings: list[str] = []
    before = score_objective(objective, True, None, [fresh, failing], AT, warnings)
    aged = part(objective.measurement.metric or "", 0, 1, age + 1, "bad.json")
    after = score_objective(objective, True, None, [fresh, aged], AT, warnings)
    assert before.measurement is not None and after.measurement is not None
    assert (before.measurement.numerator, before.measurement.denominator) == (6, 7)
    assert (after.measurement.numerator, after.measurement.denominator) == (6, 7)
    assert after.measurement.stale_sources == 1 and after.measurement.fresh
    assert any("bad.json" in d and "counted as unmeasured" in d for d in after.measurement.details)
    assert any("1 of 2 sources" in w for w in warnings)
    # A passing source that goes stale counts as unmeasured too: 6/7 becomes 0/7 once the good file lapses.
    good_aged = part(objective.measurement.metric or "", 6, 6, age + 1, "good.json")
    later = score_objective(objective, True, None, [good_aged, failing], AT, [])
    assert later.measurement is not None and (later.measurement.numerator, later.measurement.denominator) == (0, 7)


def test_lower_is_better_stale_sources_count_as_failing() -> None:
    objective = core_objective("lower_is_better")
    metric, age = objective.measurement.metric or "", objective.measurement.max_age_days or 0
    merged = merge([part(metric, 0, 100, 0, "a")], [part(metric, 0, 100, age + 1, "b")], higher_is_better=False)
    assert merged is not None and (merged.numerator, merged.denominator) == (100, 200)
    result = score_objective(
        objective, True, None, [part(metric, 0, 100, 0, "a"), part(metric, 0, 100, age + 1, "b")], AT, []
    )
    assert result.answer == "not"


def test_a_stale_measurement_that_contradicted_an_attestation_keeps_the_conflict() -> None:
    objective = core_objective()
    metric, age = objective.measurement.metric or "", objective.measurement.max_age_days or 0
    claim = Answer(objective.id, "fully", evidence=())
    fresh = score_objective(objective, True, claim, [part(metric, 0, 10, 0, "f")], AT, [])
    assert fresh.answer == "not" and fresh.conflict is not None and not fresh.conflict.stale
    warnings: list[str] = []
    lapsed = score_objective(objective, True, claim, [part(metric, 0, 10, age + 1, "f")], AT, warnings)
    # The attestation does not win silently: unknown until measured again, the conflict stays visible.
    assert lapsed.status == "unknown" and lapsed.answer is None and lapsed.value == 0.0
    assert lapsed.conflict is not None and lapsed.conflict.stale and lapsed.conflict.used == "neither"
    stale_since = (AT - timedelta(days=age + 1) + timedelta(days=age + 1)).isoformat()
    assert lapsed.stale == {"what": "measurement", "since": stale_since, "was": "not"}
    assert lapsed.measurement is not None and not lapsed.measurement.fresh
    assert any("stale" in w and objective.id in w for w in warnings)


def test_freshness_boundary_is_max_age_days_whole_days() -> None:
    objective = core_objective()
    metric, age = objective.measurement.metric or "", objective.measurement.max_age_days or 0
    on_the_day = score_objective(objective, True, None, [part(metric, 10, 10, age, "f")], AT, [])
    assert on_the_day.source == "measured" and on_the_day.stale is None
    assert on_the_day.valid_until == (AT - timedelta(days=age) + timedelta(days=age + 1)).isoformat()
    day_after = score_objective(objective, True, None, [part(metric, 10, 10, age + 1, "f")], AT, [])
    assert day_after.status == "unknown" and day_after.stale is not None


def test_expired_attestations_are_stale() -> None:
    model = resolve_model("aisma-core")
    manual = next(o for o in model.objectives() if o.measurement.mode == "manual")
    answer = Answer(manual.id, "fully", expires=date(2026, 11, 15))
    warnings: list[str] = []
    result = score_objective(manual, True, answer, [], AT, warnings)
    assert result.status == "unknown" and result.stale is not None and result.stale["what"] == "attestation"
    assert result.stale["was"] == "fully"
    assert any("expired on 2026-11-15" in w for w in warnings)
    still = score_objective(manual, True, Answer(manual.id, "fully", expires=date(2026, 11, 16)), [], AT, [])
    assert still.status == "met" and still.valid_until == "2026-11-17T00:00:00+00:00"
    # An expired N/A makes the objective applicable again (and unknown), never better.
    na = Answer(manual.id, "na", justification="out of scope", expires=date(2026, 1, 1))
    reopened = score_objective(manual, True, na, [], AT, [])
    assert reopened.applicable and reopened.status == "unknown"


def test_a_lapsed_na_is_unknown_even_where_a_fresh_measurement_exists() -> None:
    """Found by the time property: a partially met measurement behind an N/A re-entered its category
    when the N/A lapsed and raised the category's score (0 -> 0.083) with time alone."""
    objective = core_objective()
    metric = objective.measurement.metric or ""
    na = Answer(objective.id, "na", justification="out of scope", expires=date(2026, 11, 15))
    warnings: list[str] = []
    lapsed = score_objective(objective, True, na, [part(metric, 1, 2, 0, "half.json")], AT, warnings)
    assert lapsed.applicable and lapsed.status == "unknown" and lapsed.value == 0.0
    assert lapsed.stale is not None and lapsed.stale["was"] == "na"
    assert lapsed.measurement is not None and lapsed.measurement.fresh  # shown, not counted
    assert any("the N/A lapsed" in w for w in warnings)
    answered = Answer(objective.id, "partially")  # answered again: the fresh measurement decides
    assert score_objective(objective, True, answered, [part(metric, 1, 2, 0, "half.json")], AT, []).source == "measured"


def test_measurements_observed_after_the_assessment_time_are_not_yet_known() -> None:
    objective = core_objective()
    metric = objective.measurement.metric or ""
    warnings: list[str] = []
    result = score_objective(objective, True, None, [part(metric, 10, 10, -3, "later.json")], AT, warnings)
    assert result.measurement is None and result.status == "unknown"
    assert any("observed after the assessment time" in w for w in warnings)


def test_retired_system_silence_is_counted_from_the_evidence_not_from_today() -> None:
    retired = AISystem(
        id="old-bot",
        name="Old bot",
        environment="retired",
        match=["old-bot-model"],
        owner="o",
        track="build",
        deployment_type="paas",
    )
    seen = ObservedAsset(
        kind="model", identifier="old-bot-model", tool="otel", file="t.json", last_seen=AT - timedelta(days=1)
    )
    for now in (AT, AT + timedelta(days=30), AT + timedelta(days=400)):
        (m,) = retired_silent([retired], [seen], now, Source(tool="discovery"))
        assert (m.numerator, m.denominator) == (0, 1), now  # still answering in the evidence: never "silent"
        assert m.observed_at == seen.last_seen  # dated by the evidence, so it goes stale with age


def test_reports_say_when_evidence_lapses_and_warn_once_it_has() -> None:
    model = resolve_model("aisma-core")
    manual = next(o for o in model.objectives() if o.measurement.mode == "manual")
    inputs = AssessmentInput(
        organization="Org",
        model=model,
        assessed_at=AT,
        answers=(Answer(manual.id, "fully", expires=date(2026, 12, 1)),),
        time_basis="as_of",
    )
    result = score(inputs)
    assert result.evidence_valid_until == "2026-12-02T00:00:00+00:00"
    md = render(result, "md")
    assert "As of 2026-11-16 09:00 UTC (pinned by as_of in aisma.yaml)" in md
    assert "Evidence valid until 2026-12-02 00:00 UTC" in md
    assert lapsed_line(result, AT + timedelta(days=10)) is None
    line = lapsed_line(result, datetime(2026, 12, 7, tzinfo=UTC))
    assert line is not None and manual.id in line and "gone stale since this assessment" in line


@pytest.mark.parametrize("fmt", ["json", "md", "html"])
def test_stale_evidence_is_visible_in_every_format(fmt: str) -> None:
    objective = core_objective()
    metric, age = objective.measurement.metric or "", objective.measurement.max_age_days or 0
    inputs = AssessmentInput(
        organization="Org",
        model=resolve_model("aisma-core"),
        assessed_at=AT,
        answers=(Answer(objective.id, "fully"),),
        measurements=(part(metric, 0, 10, age + 5, "old.json"),),
    )
    text = render(score(inputs), fmt)
    assert "stale" in text.lower()
    if fmt != "json":
        assert "Stale conflict" in text or "stale conflict" in text
