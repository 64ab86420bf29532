"""The scoring rules of DESIGN.md, checked on a small model whose results are computed by hand."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aisma.assessment import assess
from aisma.errors import AismaError
from aisma.scoring.inputs import Answer, Measurement, Source
from aisma.workspace.loader import assessment_input, open_workspace
from aisma.workspace.run import assess_workspace

AT = datetime(2026, 11, 16, tzinfo=UTC)


def test_hand_computed_result(mini: Path) -> None:
    result = assess_workspace(mini, AT)
    dat, app, agt = (result.category(c) for c in ("DAT", "APP", "AGT"))
    # DAT-1.1 met; DAT-2.1 attested fully but measured 1/2 = 0.5 -> partially (conflict); level 1.
    assert (dat.level, dat.score) == (1, 1.25)
    assert result.objective("DAT-2.1").source == "measured"
    conflict = result.objective("DAT-2.1").conflict
    assert conflict is not None and (conflict.attested, conflict.measured) == ("fully", "partially")
    # APP: L1 fully, L2 largely, L3 N/A -> uncapped 2 (a level with nothing applicable is not reached
    # on its own), capped at 1 by the data gate (DAT below 2).
    assert app.uncapped_level == 2 and app.level == 1 and app.score == pytest.approx(1.99)
    assert app.capped_by is not None and app.capped_by.gate == "data-gate"
    # AGT applies only to agentic systems; the inventory has none.
    assert not agt.applicable and agt.level is None
    # Overall: weighted mean (DAT weight 1, APP weight 2) of applicable categories.
    assert result.overall.score == pytest.approx((1.25 + 2 * 1.99) / 3)
    assert result.overall.level == 1
    assert result.overall.weakest_category == "DAT"


def test_evidenced_level_ignores_attestations_without_evidence(mini: Path) -> None:
    result = assess_workspace(mini, AT)
    # DAT-1.1 has an existing evidence file; APP-1.1 is attested with none.
    assert result.objective("DAT-1.1").evidenced_status == "met"
    assert result.objective("APP-1.1").source == "attested"
    assert result.objective("APP-1.1").evidenced_status == "unknown"
    assert result.category("APP").evidenced_level == 0
    assert result.category("DAT").evidenced_level == 1


def test_empty_inventory_makes_everything_applicable(mini: Path) -> None:
    (mini / "inventory.yaml").write_text("systems: []\n")
    result = assess_workspace(mini, AT)
    agt = result.category("AGT")
    assert agt.applicable and agt.level == 0 and agt.score == 0.0


def test_agentic_system_makes_agent_objectives_applicable(mini: Path) -> None:
    inventory = (mini / "inventory.yaml").read_text()
    inventory += (
        "  - id: ops-agent\n    name: Ops agent\n    owner: bob\n    track: build\n    deployment_type: paas\n"
        "    data_classification: internal\n"
        "    autonomy_test: {chooses_actions: true, side_effects: true, multi_step_unapproved: true,"
        " own_identity: true, untrusted_input: false, acts_on_agent_output: false}\n"
    )
    (mini / "inventory.yaml").write_text(inventory)
    result = assess_workspace(mini, AT)
    assert result.category("AGT").applicable
    assert result.objective("AGT-1.1").status == "unknown"


def test_gate_lifts_when_prerequisite_reaches_level(mini: Path) -> None:
    # Classify the second system: DAT-2.1 measures 1.0 -> fully, DAT reaches 2, the gate opens.
    text = (
        (mini / "inventory.yaml")
        .read_text()
        .replace("deployment_type: paas", "deployment_type: paas\n    data_classification: internal")
    )
    (mini / "inventory.yaml").write_text(text)
    result = assess_workspace(mini, AT)
    assert result.category("DAT").level == 2
    assert result.category("APP").capped_by is None
    # L1 and L2 met, L3 N/A: level 2 with nothing left to achieve above it (not a vacuous 3).
    assert (result.category("APP").level, result.category("APP").score) == (2, 2.0)
    assert result.objective("DAT-2.1").conflict is None


def _inputs(mini: Path):
    return assessment_input(open_workspace(mini), AT)


def test_stale_measurement_is_not_used(mini: Path) -> None:
    inputs = _inputs(mini)
    old = Measurement(
        metric="inventory.systems.data_classification_ratio",
        observed_at=AT - timedelta(days=31),
        numerator=2,
        denominator=2,
        source=Source(tool="test"),
    )
    others = tuple(m for m in inputs.measurements if m.metric != old.metric)
    result = assess(_replace(inputs, measurements=(*others, old)))
    objective = result.objective("DAT-2.1")
    # max_age_days is 30: the measurement is stale. It stops counting as met, and the attestation
    # (fully) does not take over silently: the objective is unknown until it is measured again.
    assert objective.source == "none" and objective.answer is None and objective.status == "unknown"
    assert objective.stale is not None and objective.stale["what"] == "measurement"
    assert objective.stale["was"] == "fully"
    assert objective.measurement is not None and objective.measurement.fresh is False
    assert any("31 days old" in w for w in result.warnings)


def test_measurements_from_several_sources_merge_by_summing(mini: Path) -> None:
    inputs = _inputs(mini)
    extra = Measurement(
        metric="inventory.systems.data_classification_ratio",
        observed_at=AT,
        numerator=8,
        denominator=8,
        source=Source(tool="other"),
    )
    result = assess(_replace(inputs, measurements=(*inputs.measurements, extra)))
    m = result.objective("DAT-2.1").measurement
    assert m is not None and (m.numerator, m.denominator) == (9, 10)
    assert m.answer == "fully"  # 0.9 meets the fully threshold of 0.9 exactly
    assert {s["tool"] for s in m.sources} == {"inventory", "other"}


def test_measurement_from_the_future_is_ignored(mini: Path) -> None:
    inputs = _inputs(mini)
    later = tuple(_replace(m, observed_at=AT + timedelta(days=1)) for m in inputs.measurements)
    result = assess(_replace(inputs, measurements=later))
    assert result.objective("DAT-2.1").measurement is None
    assert result.objective("DAT-2.1").source == "attested"


def test_expired_answer_counts_as_unknown(mini: Path) -> None:
    inputs = _inputs(mini)
    answers = tuple(
        _replace(a, expires=AT.date() - timedelta(days=1)) if a.objective_id == "DAT-1.1" else a for a in inputs.answers
    )
    result = assess(_replace(inputs, answers=answers))
    assert result.objective("DAT-1.1").status == "unknown"
    assert result.category("DAT").level == 0
    assert any("expired" in w for w in result.warnings)


def test_na_without_justification_is_an_error(mini: Path) -> None:
    inputs = _inputs(mini)
    with pytest.raises(AismaError, match=r"APP-2\.1: answer na needs a justification"):
        assess(_replace(inputs, answers=(*inputs.answers, Answer(objective_id="APP-2.1", answer="na"))))


def test_small_disagreement_is_not_a_conflict(mini: Path) -> None:
    inputs = _inputs(mini)
    answers = tuple(_replace(a, answer="largely") if a.objective_id == "DAT-2.1" else a for a in inputs.answers)
    # measured partially (1 step from largely): the measurement decides, no conflict reported.
    result = assess(_replace(inputs, answers=answers))
    assert result.objective("DAT-2.1").answer == "partially"
    assert result.objective("DAT-2.1").conflict is None


def test_targets_per_category_and_default(mini: Path) -> None:
    result = assess_workspace(mini, AT)
    # APP asks for 3, but APP-3.1 is N/A: nothing applies above 2, so the target that counts is 2.
    assert result.category("APP").target_level == 2
    entry = next(c for c in result.to_dict()["targets"]["categories"] if c["id"] == "APP")
    assert (entry["requested_level"], entry["source"]) == (3, "category")
    assert result.category("DAT").target_level == 2


def _replace(obj, **changes):
    from dataclasses import replace

    return replace(obj, **changes)
