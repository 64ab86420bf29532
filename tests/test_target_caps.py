"""Targets and gate thresholds capped at what a category can reach (docs/scoring.md, docs/roadmap.md).

With no vacuous levels, a level above a category's highest applicable level is never reached, so a
target above it could never be met (the roadmap would plan forever) and a gate waiting for it would
never lift. Both are capped at the highest level with applicable objectives, and every report says so.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console

from aisma.assessment import assess
from aisma.cli.summary import print_summary
from aisma.maturity.loader import load_model_file
from aisma.reports import render
from aisma.reports.viewmodel import target_notes
from aisma.roadmap.render import targets_line
from aisma.roadmap.whatif import roadmap_ids, what_if
from aisma.scoring.engine import score
from aisma.scoring.inputs import Answer, AssessmentInput, Targets
from aisma.scoring.results import AssessmentResult
from aisma.web.features.assessments.view import dashboard_view

AT = datetime(2026, 11, 16, tzinfo=UTC)
NOTE = "target 3, capped at 2: nothing applies above level 2"


def _inputs(answers: tuple[Answer, ...], targets: Targets) -> AssessmentInput:
    model = load_model_file(Path(__file__).parent / "data" / "mini" / "model.yaml")
    return AssessmentInput(organization="Mini", model=model, assessed_at=AT, answers=answers, targets=targets)


def _app_level_3_na(**targets: object) -> AssessmentResult:
    answers = (
        Answer("DAT-1.1", "fully"),
        Answer("DAT-2.1", "fully"),
        Answer("APP-1.1", "fully"),
        Answer("APP-3.1", "na", justification="no red team in scope"),
    )
    return score(_inputs(answers, Targets(**targets)))  # type: ignore[arg-type]


def test_a_target_above_the_highest_applicable_level_is_capped_and_says_so() -> None:
    result = _app_level_3_na(default=3)
    app = result.category("APP")
    assert app.target_level == 2
    entry = next(c for c in result.to_dict()["targets"]["categories"] if c["id"] == "APP")
    assert (entry["target_level"], entry["requested_level"], entry["highest_applicable"]) == (2, 3, 2)
    # DAT has applicable objectives up to 3: its target of 3 stands.
    assert result.category("DAT").target_level == 3
    # every report says why the target is not the one configured
    assert f"APP {NOTE}" in targets_line(result)
    md = render(result, "md")
    assert NOTE in next(line for line in md.splitlines() if line.startswith("| APP "))
    assert NOTE in render(result, "html")
    console = Console(record=True, width=200)
    print_summary(console, result)
    assert NOTE in console.export_text()
    # AGT's only objective is at level 1: its target is capped too. The dashboard reads the stored JSON.
    expected = {"APP": NOTE, "AGT": "target 3, capped at 1: nothing applies above level 1"}
    assert target_notes(result) == expected
    assert dashboard_view(json.loads(render(result, "json")))["target_notes"] == expected


def test_the_cap_never_raises_a_target_and_old_results_read_without_it() -> None:
    result = _app_level_3_na(default=1)
    assert result.category("APP").target_level == 1 and "capped at" not in targets_line(result)
    # A result stored before the cap existed has no requested_level: nothing is said about a cap.
    data = result.to_dict()
    for entry in data["targets"]["categories"]:
        del entry["requested_level"], entry["highest_applicable"]
    old = AssessmentResult.from_dict(data)
    assert "capped" not in render(old, "md") and "capped at" not in targets_line(old)


def test_the_roadmap_meets_the_level_that_bridges_to_a_target_with_nothing_applicable() -> None:
    """DAT-2.1 N/A, target 2: level 2 is only reached by meeting level 3, so the roadmap plans DAT-3.1."""
    inputs = _inputs(
        (Answer("DAT-2.1", "na", justification="no systems"),), Targets(default=0, categories=(("DAT", 2),))
    )
    result = assess(inputs)
    assert result.category("DAT").target_level == 2
    order = roadmap_ids(result)
    assert set(order) == {"DAT-1.1", "DAT-3.1"}
    reasons = {i.objective: i.reason for p in result.roadmap for i in p.items}
    assert reasons == {"DAT-1.1": "target", "DAT-3.1": "target"}
    projected = what_if(inputs, result, order, score).projected
    assert projected.category("DAT").level == 3


def test_a_gate_lifts_once_its_prerequisite_has_met_everything_that_applies() -> None:
    """The data gate waits for DAT 2; with DAT-2.1 and DAT-3.1 N/A, DAT at 1 is as far as it can go."""
    everything_app = tuple(Answer(f"APP-{n}.1", "fully") for n in (1, 2, 3))
    na = (Answer("DAT-2.1", "na", justification="x"), Answer("DAT-3.1", "na", justification="x"))
    lifted = score(_inputs((Answer("DAT-1.1", "fully"), *na, *everything_app), Targets(default=3)))
    assert lifted.category("DAT").level == 1 and lifted.category("APP").capped_by is None
    assert lifted.category("APP").level == 3
    # With DAT-1.1 not met, DAT has not met what applies: the gate holds (at its capped threshold 1).
    held = score(_inputs((Answer("DAT-1.1", "not"), *na, *everything_app), Targets(default=3)))
    cap = held.category("APP").capped_by
    assert cap is not None and cap.gate == "data-gate" and held.category("APP").level == 1
    # With DAT-2.1 applicable again the gate waits for 2, as the model says.
    strict = score(_inputs((Answer("DAT-1.1", "fully"), na[1], *everything_app), Targets(default=3)))
    assert strict.category("APP").capped_by is not None and strict.category("APP").level == 1
