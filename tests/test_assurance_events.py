"""Alert events between two assessments: the gate's rules plus verdict changes and KPI drift."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from aisma.assurance.events import EVENT_KINDS, assessment_events, summary_text
from aisma.examples import DEMO_ASSESSED_AT, write_example

pytestmark = pytest.mark.slow  # the bank example assessed


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from aisma.cli.assess_cmd import parse_at
    from aisma.workspace.run import assess_workspace

    directory: Path = tmp_path_factory.mktemp("events") / "bank"
    write_example(directory, overwrite_demo=False)
    return assess_workspace(directory, parse_at(DEMO_ASSESSED_AT)).to_dict()


def _measured(doc: dict[str, Any], metric: str) -> list[dict[str, Any]]:
    return [
        o["measurement"]
        for c in doc["categories"]
        for o in c["objectives"]
        if (o["measurement"] or {}).get("metric") == metric
    ]


def test_nothing_changed_nothing_to_say(bank: dict[str, Any]) -> None:
    assert assessment_events(bank, bank) == []


def test_the_first_assessment_reports_its_shadow_ai_and_conflicts(bank: dict[str, Any]) -> None:
    kinds = {e.kind for e in assessment_events(None, bank)}
    assert kinds == {"new_shadow_ai", "new_conflict"}


def test_verdict_change_level_drop_and_kpi_drift(bank: dict[str, Any]) -> None:
    after = copy.deepcopy(bank)
    gate = after["gating"][0]
    gate["verdict"] = "appropriate" if gate["verdict"] != "appropriate" else "marginal"
    category = next(c for c in after["categories"] if (c["level"] or 0) > 0)
    category["level"] -= 1
    asr = _measured(after, "redteam.attack_success_rate")
    assert asr, "the example measures the attack success rate"
    for m in asr:
        m["value"] = round(m["value"] + 0.3, 3)  # attack success up: lower is better
    owners = _measured(after, "inventory.systems.owner_ratio")
    for m in owners:
        m["answer"] = "not"  # fell past its thresholds, value aside
    events = assessment_events(bank, after, kpi_threshold=0.1)
    found = {(e.kind, e.subject) for e in events}
    assert ("verdict_change", gate["system"]) in found
    assert ("level_drop", f"{category['id']}.level") in found
    assert ("kpi_drift", "redteam.attack_success_rate") in found
    assert ("kpi_drift", "inventory.systems.owner_ratio") in found
    # a small move the right way is no drift; a higher threshold silences the value rule only
    assert ("kpi_drift", "redteam.attack_success_rate") not in {
        (e.kind, e.subject) for e in assessment_events(bank, after, kpi_threshold=0.5)
    }
    order = [EVENT_KINDS.index(e.kind) for e in events]
    assert order == sorted(order)
    text = summary_text("Northbridge Bank", events)
    assert text.startswith(f"aisma: {len(events)} alert(s) for Northbridge Bank") and "[kpi_drift]" in text


def test_improvements_raise_no_alert(bank: dict[str, Any]) -> None:
    after = copy.deepcopy(bank)
    for m in _measured(after, "redteam.attack_success_rate"):
        m["value"] = 0.0
    for c in after["categories"]:
        if c["level"] is not None:
            c["level"] += 1
    assert [e for e in assessment_events(bank, after) if e.kind in ("kpi_drift", "level_drop")] == []
