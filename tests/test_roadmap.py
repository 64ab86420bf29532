"""Targets, roadmap and what-if on the mini workspace and the example organization.

Regenerate the golden roadmap after an intended change with: AISMA_UPDATE_GOLDEN=1 pytest tests/test_roadmap.py
"""

from __future__ import annotations

import csv
import io
import json
import os
from dataclasses import replace
from pathlib import Path

import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.inventory.schema import AISystem
from aisma.maturity.loader import resolve_model
from aisma.roadmap.render import CSV_COLUMNS, render_roadmap_markdown
from aisma.scoring.inputs import Targets
from aisma.scoring.results import Unlock
from aisma.scoring.targets import resolve_targets, target_cap_note
from aisma.workspace.roadmap import roadmap_for
from aisma.workspace.run import assess_workspace

GOLDEN = Path(__file__).parent / "golden"
AT = "2026-11-16"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AISMA_UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"missing golden file {path}; run with AISMA_UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} differs from the golden file; if intended, run with AISMA_UPDATE_GOLDEN=1"


def _levels(targets: Targets, systems: tuple[AISystem, ...] = ()) -> dict[str, int | None]:
    resolved = resolve_targets(targets, resolve_model("aisma-core"), systems)
    return {c.id: c.target_level for c in resolved.categories}


AGENT = AISystem(id="agent", name="Agent", track="build", deployment_type="paas", agentic=True)
SWARM = AISystem(id="swarm", name="Swarm", track="build", deployment_type="paas", multi_agent=True)
COPILOT = AISystem(id="m365", name="Copilot", track="copilot", deployment_type="api_saas")


def test_presets_and_overrides() -> None:
    agentic = _levels(Targets(preset="agentic-operator"))
    assert {c: agentic[c] for c in ("AGT", "MCP", "MON", "IRR")} == dict.fromkeys(("AGT", "MCP", "MON", "IRR"), 4)
    assert agentic["GOV"] == agentic["DAT"] == 3
    # The workspace's own keys win; a plain default does not undo the preset's category levels.
    mixed = _levels(Targets(preset="agentic-operator", default=2, categories=(("MCP", 5),)))
    assert (mixed["MCP"], mixed["AGT"], mixed["GOV"]) == (5, 4, 2)
    assert set(_levels(Targets(preset="getting-started")).values()) == {2}
    assert set(_levels(Targets(preset="regulated")).values()) == {3}
    provider = _levels(Targets(preset="eu-ai-act-high-risk-provider"))
    assert provider["RSK"] == provider["DAT"] == 4 and provider["APP"] == 3


def test_target_from_the_inventory() -> None:
    only = _levels(Targets(preset="deployment-gating"), (AGENT, COPILOT))
    assert only["AGT"] == only["MCP"] == only["MON"] == only["IRR"] == 4
    assert only["GOV"] == only["RSK"] == only["DAT"] == 3
    assert only["DEV"] is None and only["INV"] is None, "no deployment class needs them"
    raised = resolve_targets(Targets(default=3, from_inventory=True), resolve_model("aisma-core"), (SWARM,))
    agt = next(c for c in raised.categories if c.id == "AGT")
    assert (agt.target_level, agt.source, agt.inventory_requires, agt.required_by) == (
        5,
        "inventory",
        5,
        ("multi-agent",),
    )
    # Without from_inventory the requirement is reported but does not move the target.
    kept = resolve_targets(Targets(default=3), resolve_model("aisma-core"), (SWARM,))
    agt = next(c for c in kept.categories if c.id == "AGT")
    assert (agt.target_level, agt.source, agt.inventory_requires) == (3, "default", 5)


def test_unknown_preset_is_a_one_line_error(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = mini / "aisma.yaml"
    config.write_text("organization: Mini Corp\nmodel: ../model.yaml\ntargets:\n  preset: agentic\n")
    assert run(["assess", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "aisma.yaml:4: targets.preset 'agentic' is not a preset" in err and "agentic-operator" in err


def test_mini_roadmap_lifts_the_gate_first(mini: Path) -> None:
    result = assess_workspace(mini, parse_at(AT))
    assert result.category("APP").capped_by is not None
    (phase,) = result.roadmap
    assert (phase.phase, phase.level, phase.months_min, phase.months_max) == (1, 2, 3, 6)
    (item,) = phase.items
    assert item.objective == "DAT-2.1" and item.unlocks_level == 2
    # APP-3.1 is N/A: level 3 has nothing applicable, so lifting the gate takes APP to 2, not to a vacuous 3.
    assert Unlock(category="APP", level=2) in item.unlocks and item.lifts_gates == ("data-gate",)
    assert item.regulations == ("EU AI Act Art. 10",)
    assert phase.projected.categories == {"DAT": 2, "APP": 2, "AGT": None}
    # The target of 3 is capped at 2, the highest level with applicable objectives: 3 could never be met.
    assert result.to_dict()["targets"]["categories"][1] == {
        "id": "APP",
        "target_level": 2,
        "source": "category",
        "inventory_requires": None,
        "required_by": [],
        "requested_level": 3,
        "highest_applicable": 2,
    }
    assert result.category("APP").target_level == 2
    assert target_cap_note(result.targets, "APP") == "target 3, capped at 2: nothing applies above level 2"
    assert target_cap_note(result.targets, "DAT") is None


def test_met_targets_give_an_empty_roadmap(mini: Path) -> None:
    config = mini / "aisma.yaml"
    config.write_text("organization: Mini Corp\nmodel: ../model.yaml\ntargets: {default: 1}\n")
    result = assess_workspace(mini, parse_at(AT))
    assert result.roadmap == () and result.to_dict()["roadmap"] == []
    assert "nothing to plan" in render_roadmap_markdown(result)


def test_what_if_rescoring(mini: Path) -> None:
    _, projection = roadmap_for(mini, parse_at(AT), 1)
    assert projection is not None
    data = projection.to_dict()
    assert data["items_done"] == ["DAT-2.1"]
    levels = {c["id"]: c["level"] for c in data["categories"]}
    assert levels["DAT"] == [1, 2] and levels["APP"] == [1, 2]
    _, nothing = roadmap_for(mini, parse_at(AT), 0)
    assert nothing is not None and all(c["level"][0] == c["level"][1] for c in nothing.to_dict()["categories"])


def test_roadmap_command_formats(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["roadmap", str(mini), "--at", AT, "--format", "json", "--what-if", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["roadmap"][0]["items"][0]["objective"] == "DAT-2.1"
    assert data["what_if"]["overall"]["level"][0] <= data["what_if"]["overall"]["level"][1]
    assert run(["roadmap", str(mini), "--at", AT, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert tuple(rows[0]) == CSV_COLUMNS and rows[0]["objective"] == "DAT-2.1" and rows[0]["lifts_gates"] == "data-gate"
    assert run(["roadmap", str(mini), "--at", AT, "--what-if", "1"]) == 0
    out = capsys.readouterr().out
    assert "### Phase 1: Reach level 2 (Managed), 3-6 months" in out and "## What if the first 1 item were done" in out
    assert run(["roadmap", str(mini), "--at", AT, "--what-if", "-1"]) == 1
    assert "--what-if -1" in capsys.readouterr().err


@pytest.fixture(scope="module")
def bank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("bank") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


def test_demo_summary_names_the_first_phase(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["demo", str(tmp_path / "demo")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    phases = json.loads((tmp_path / "demo" / "result.json").read_text(encoding="utf-8"))["roadmap"]
    first = phases[0]
    count = sum(len(p["items"]) for p in phases)
    assert (
        f"Roadmap: {count} objectives in {len(phases)} phases; phase 1, {first['title']} "
        f"({first['months_min']}-{first['months_max']} months), starts with {first['items'][0]['objective']}"
    ) in out


def test_golden_roadmap_for_the_example_organization(bank: Path) -> None:
    result, projection = roadmap_for(bank, parse_at(DEMO_ASSESSED_AT), 5)
    _check_golden("demo-roadmap.md", render_roadmap_markdown(result, projection))
    assert result.targets is not None and result.targets.preset == "agentic-operator"
    ids = [item.objective for phase in result.roadmap for item in phase.items]
    # The data-management gate caps APP, MDL and AGT: its DAT prerequisite opens the level-3 phase.
    level3 = next(p for p in result.roadmap if p.level == 3)
    assert level3.items[0].objective.startswith("DAT-3") and level3.items[0].reason in ("target", "gate")
    assert "data-management" in level3.items[0].lifts_gates
    # Every do-not-proceed deployment is lifted by some item. The Tier 2 (managed) agents reach appropriate with
    # the preset's level 4; the Tier 3 (autonomous) fraud agent needs 5 and stays marginal (MASO tier gating).
    final = result.roadmap[-1].projected.gating
    assert final["claude-code"] == final["aml-investigations"] == "appropriate"
    assert final["fraud-triage-agent"] == "marginal"
    changes = [c for phase in result.roadmap for item in phase.items for c in item.gating_changes]
    assert "fraud-triage-agent: do not proceed -> marginal" in changes
    assert len(ids) == len(set(ids))


def test_roadmap_to_evidenced_targets(bank: Path, capsys: pytest.CaptureFixture[str]) -> None:
    claimed, _ = roadmap_for(bank, parse_at(DEMO_ASSESSED_AT))
    evidenced, projection = roadmap_for(bank, parse_at(DEMO_ASSESSED_AT), 0, evidenced=True)
    items = {i.objective: i for p in evidenced.roadmap for i in p.items}
    claimed_ids = {i.objective for p in claimed.roadmap for i in p.items}
    assert claimed_ids < set(items)
    extra = [items[oid] for oid in set(items) - claimed_ids]
    assert extra and all(i.action == "evidence" and i.status == "met" for i in extra)
    assert all(i.action == "implement" for p in claimed.roadmap for i in p.items)
    assert set(evidenced.roadmap[-1].projected.evidenced_gating.values()) <= {"appropriate", "marginal"}
    assert projection is not None and projection.done == ()
    assert run(["roadmap", str(bank), "--at", DEMO_ASSESSED_AT, "--evidenced", "-f", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["basis"] == "evidenced" and len(data["roadmap"]) == len(evidenced.roadmap)


def test_inventory_derived_targets_make_every_deployment_appropriate(tmp_path: Path) -> None:
    """With from_inventory, finishing the roadmap makes every deployment in the inventory appropriate."""
    directory = tmp_path / "bank"
    write_example(directory, overwrite_demo=True)
    config = directory / "aisma.yaml"
    config.write_text(config.read_text().replace("  preset: agentic-operator\n", "  preset: deployment-gating\n"))
    result = assess_workspace(directory, parse_at(DEMO_ASSESSED_AT))
    assert result.targets is not None and result.targets.from_inventory is True
    sources = {c.id: (c.target_level, c.source) for c in result.targets.categories}
    assert sources["AGT"] == (5, "inventory") and sources["RSK"] == (4, "category")
    last = result.roadmap[-1]
    assert (last.level, last.months_min, last.months_max) == (5, 18, 36)
    assert set(last.projected.gating.values()) == {"appropriate"}


def test_chained_gates_order_every_prerequisite(tmp_path: Path) -> None:
    """INV below 2 caps DAT at 1 and DAT below 2 caps APP at 1: APP-2.x waits for INV's and DAT's items."""
    import yaml

    from aisma.assessment import assess
    from aisma.maturity.loader import load_model_file
    from aisma.roadmap.whatif import roadmap_ids, what_if
    from aisma.scoring.engine import score
    from aisma.scoring.inputs import Answer, AssessmentInput

    raw = yaml.safe_load((Path(__file__).parent / "data" / "mini" / "model.yaml").read_text())
    inv = {
        "id": "INV",
        "title": "Inventory",
        "objectives": [
            dict(raw["domains"][0]["categories"][0]["objectives"][0], id=f"INV-{n}.1", level=n, depends_on=[])
            for n in (1, 2)
        ],
    }
    raw["domains"][0]["categories"].insert(0, inv)
    # APP-2.1 as valuable as INV-2.1, so only the gate constraint (not the value order) puts INV first.
    raw["domains"][1]["categories"][0]["objectives"][1].update(effort="S", impact=3)
    raw["gates"] = [
        {
            "id": "inventory",
            "when": {"category": "INV", "below": 2},
            "cap": {"categories": ["DAT"], "level": 1},
            "reason": "r",
        },
        {
            "id": "data",
            "when": {"category": "DAT", "below": 2},
            "cap": {"categories": ["APP"], "level": 1},
            "reason": "r",
        },
    ]
    path = tmp_path / "chain.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    model = load_model_file(path)
    at = parse_at(AT)
    # Only APP has a target above 1; everything is open.
    inputs = AssessmentInput(
        organization="x", model=model, assessed_at=at, targets=Targets(default=0, categories=(("APP", 2),))
    )
    result = assess(inputs)
    order = roadmap_ids(result)
    assert set(order) == {"INV-1.1", "INV-2.1", "DAT-1.1", "DAT-2.1", "APP-1.1", "APP-2.1"}
    assert order.index("APP-2.1") > max(order.index(x) for x in ("INV-1.1", "INV-2.1", "DAT-1.1", "DAT-2.1"))
    reasons = {i.objective: i.reason for p in result.roadmap for i in p.items}
    assert reasons["INV-2.1"] == reasons["DAT-2.1"] == "gate" and reasons["APP-2.1"] == "target"
    projected = what_if(inputs, result, order, score).projected
    assert projected.category("APP").level == 2 and projected.category("APP").capped_by is None
    # DAT done but held at 1 by the inventory gate: APP-2.1 must still wait for INV, through the chain.
    done = tuple(Answer(f"DAT-{n}.1", "fully") for n in (1, 2, 3))
    result = assess(replace(inputs, answers=done))
    assert result.category("DAT").capped_by is not None
    order = roadmap_ids(result)
    assert set(order) == {"INV-1.1", "INV-2.1", "APP-1.1", "APP-2.1"}
    assert order.index("APP-2.1") > max(order.index("INV-1.1"), order.index("INV-2.1"))
