"""aisma-core 1.1.0, 1.2.0 and 1.3.0: frozen earlier releases, migration with reasons and moved objectives, per-control
coverage, new applicability."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.errors import AismaError
from aisma.inventory.schema import AISystem
from aisma.maturity.loader import UnknownModelError, resolve_model
from aisma.maturity.releases import frozen_release, moved_objectives, release_changes
from aisma.maturity.schema import AppliesTo
from aisma.scoring.inputs import Answer
from aisma.scoring.objectives import applies
from aisma.workspace.run import assess_workspace

BANK = Path(__file__).parent.parent / "src" / "aisma" / "examples" / "bank"
DROPPED = {"MON-1.2", "RSK-4.1", "INF-5.3"}
# aisma-core 1.2.0: objectives that changed level, and so id (an id names its level; ids are never reused).
MOVED = {
    "MCP-5.2": "MCP-3.4",
    "AGT-5.3": "AGT-3.4",
    "AGT-3.2": "AGT-4.4",
    "AGT-4.2": "AGT-5.4",
    "MCP-3.3": "MCP-4.4",
    "MCP-4.2": "MCP-5.3",
}
# aisma-core 1.3.0: objectives for the copilot track (the m365-copilot collector's metrics), and one retired.
COPILOT = {"INV-1.3": "copilot.audit.enabled_ratio", "DAT-4.4": "copilot.content.labeled_ratio"}
COPILOT |= {"DAT-5.3": "copilot.content.private_ratio"}
RETIRED = {"DAT-4.3"}


def test_releases_load_by_id_at_version() -> None:
    current = resolve_model("aisma-core")
    assert current.version == "1.3.0"
    old = resolve_model("aisma-core@1.0.0")
    assert old.version == "1.0.0" and frozen_release("aisma-core", "1.0.0") is not None
    previous = resolve_model("aisma-core@1.1.0")
    assert previous.version == "1.1.0" and frozen_release("aisma-core", "1.1.0") is not None
    assert {o.id for o in previous.objectives()} - {o.id for o in old.objectives()} == {"APP-5.3"}
    before = resolve_model("aisma-core@1.2.0")
    assert before.version == "1.2.0" and frozen_release("aisma-core", "1.2.0") is not None
    assert {o.id for o in before.objectives()} - {o.id for o in previous.objectives()} == set(MOVED.values())
    assert {o.id for o in previous.objectives()} - {o.id for o in before.objectives()} == set(MOVED)
    assert {o.id for o in current.objectives()} - {o.id for o in before.objectives()} == set(COPILOT)
    assert {o.id for o in before.objectives()} - {o.id for o in current.objectives()} == RETIRED
    with pytest.raises(UnknownModelError, match=r"no release '0\.9' of model 'aisma-core'"):
        resolve_model("aisma-core@0.9")


def test_release_notes_say_which_answers_keep_their_meaning() -> None:
    notes = release_changes("aisma-core", "1.0.0", "1.1.0")
    assert {oid for oid, change in notes.items() if not change.keep} == DROPPED
    assert {"GOV-3.3", "INV-5.1", "DAT-5.1", "MDL-4.3", "DEV-4.2"} <= set(notes)
    assert all(change.why for change in notes.values())
    assert release_changes("aisma-core", "1.1.0", "1.1.0") == {}
    assert release_changes("aisma-core", "0.1.0", "1.1.0") == {}  # no recorded path: fields still compared
    # Every objective whose fields changed between the releases has a recorded judgement.
    from aisma.workspace.migrate import compare_models

    changed = {
        oid for oid, _ in compare_models(resolve_model("aisma-core@1.0.0"), resolve_model("aisma-core@1.1.0")).changed
    }
    assert changed <= set(notes), changed - set(notes)


def test_release_notes_carry_every_moved_objective() -> None:
    notes = release_changes("aisma-core", "1.1.0", "1.2.0")
    assert {oid: change.moved_to for oid, change in notes.items() if change.moved_to} == MOVED
    assert all(change.keep and change.why for change in notes.values())
    from aisma.workspace.migrate import compare_models

    changes = compare_models(resolve_model("aisma-core@1.1.0"), resolve_model("aisma-core@1.2.0"))
    assert set(changes.removed) == set(MOVED) and set(changes.added) == set(MOVED.values())
    assert {oid for oid, _ in changes.changed} <= set(notes)
    # Chained from 1.0.0, a move is followed through the release that made it.
    chained = release_changes("aisma-core", "1.0.0", "1.2.0")
    assert {oid: c.moved_to for oid, c in chained.items() if c.moved_to} == MOVED
    assert {oid for oid, c in chained.items() if not c.keep} == DROPPED
    assert set(moved_objectives("aisma-core", "1.2.0")) == set(MOVED)
    assert moved_objectives("aisma-core", "1.1.0") == {}


OLD_ANSWERS = (
    "answers:\n"
    "  AGT-5.3: partially   # A2A pilot uses mTLS\n"
    "  AGT-3.2:\n    answer: fully\n    note: code interpreter sandboxed\n"
    "  AGT-4.2: largely\n"
    "  MCP-3.3: not\n"
    "  MCP-3.4: not\n"
    "  MCP-5.2: fully\n"
    "  GOV-1.1: fully\n"
)


def test_a_1_1_0_workspace_carries_moved_answers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "aisma.yaml").write_text("organization: Example\nmodel: aisma-core\nmodel_version: 1.1.0\n")
    # MCP-3.4 did not exist in 1.1.0; someone answered it early, so MCP-5.2's answer does not overwrite it.
    (ws / "answers.yaml").write_text(OLD_ANSWERS)
    assert run(["model", "migrate", str(ws), "--to", "aisma-core", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["from"] == "aisma-core 1.1.0" and report["to"] == "aisma-core 1.3.0"
    assert report["answers_moved"] == {
        "AGT-5.3": "AGT-3.4",
        "AGT-3.2": "AGT-4.4",
        "AGT-4.2": "AGT-5.4",
        "MCP-3.3": "MCP-4.4",
    }
    assert list(report["answers_dropped"]) == ["MCP-5.2"]
    assert "MCP-3.4 is answered already" in report["reasons"]["MCP-5.2"]
    assert {"AGT-3.4", "AGT-4.4", "AGT-5.4", "MCP-4.4"} <= set(report["answers_to_review"])
    assert report["reasons"]["AGT-3.4"].startswith("was AGT-5.3: moved from level 5 to level 3")
    text = (ws / "answers.yaml").read_text()
    assert "  AGT-3.4: partially   # A2A pilot uses mTLS\n" in text and "note: code interpreter sandboxed" in text
    left = yaml.safe_load(text)["answers"]
    assert left["AGT-4.4"] == {"answer": "fully", "note": "code interpreter sandboxed"}
    assert left["MCP-3.4"] == "not" and not set(MOVED) & set(left)
    result = assess_workspace(ws, parse_at("2026-11-16T09:00:00Z"))
    assert result.objective("AGT-3.4").answer == "partially" and result.objective("AGT-5.4").answer == "largely"


def test_an_unpinned_workspace_with_a_moved_id_says_how_to_carry_it(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "aisma.yaml").write_text("organization: Example\nmodel: aisma-core\n")
    (ws / "answers.yaml").write_text("answers:\n  GOV-1.1: fully\n  AGT-5.3: not\n")
    with pytest.raises(AismaError) as caught:
        assess_workspace(ws, parse_at("2026-11-16T09:00:00Z"))
    assert str(caught.value) == (
        f"{ws}/answers.yaml:3: AGT-5.3 is not an objective of model aisma-core 1.3.0: it moved to AGT-3.4; carry the "
        f"answer with `aisma model migrate {ws} --from aisma-core@VERSION`, VERSION being the release the answers were "
        "written for"
    )


def test_the_server_counts_a_stored_answer_for_the_id_it_moved_to() -> None:
    from aisma.web.features.assessments.service import carry_moved

    model = resolve_model("aisma-core")
    stored = (Answer(objective_id="AGT-5.3", answer="partially"), Answer(objective_id="MCP-3.3", answer="not"))
    stored += (Answer(objective_id="MCP-4.4", answer="fully"), Answer(objective_id="XYZ-1.1", answer="fully"))
    warnings: list[str] = []
    carried = carry_moved(stored, model, warnings)
    assert [(a.objective_id, a.answer) for a in carried] == [("AGT-3.4", "partially"), ("MCP-4.4", "fully")]
    assert warnings[0].startswith("answers: AGT-5.3 moved to AGT-3.4 in aisma-core 1.3.0; its answer counts for")
    assert warnings[1:] == [
        "answers: MCP-3.3 is not an objective of aisma-core 1.3.0; not counted",
        "answers: XYZ-1.1 is not an objective of aisma-core 1.3.0; not counted",
    ]


def test_demo_workspace_migrates_from_1_0_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "bank"
    shutil.copytree(BANK, ws)
    # The bank as answered to 1.0.0: its 1.0.0 answers to the objectives whose meaning changed.
    answers = ws / "answers.yaml"
    text = answers.read_text()
    text = text.replace("  RSK-4.1:\n    answer: partially\n", "  RSK-4.1:\n    answer: largely\n", 1)
    answers.write_text(text)
    assert run(["model", "migrate", str(ws), "--from", "aisma-core@1.0.0", "--to", "aisma-core"]) == 0
    out = capsys.readouterr().out
    assert "Model aisma-core 1.0.0 -> aisma-core 1.3.0" in out
    assert "RSK-4.1 (dropped): now a different practice" in out
    assert "GOV-3.3 (review): applies only when" in out
    record = json.loads(next((ws / "history").glob("migration-*.json")).read_text())
    assert set(record["answers_dropped"]) == DROPPED
    assert record["answers_dropped"]["RSK-4.1"]["answer"] == "largely"  # kept in the record, nothing lost
    assert set(record["reasons"]) >= DROPPED | {"GOV-3.3"}
    left = yaml.safe_load(answers.read_text())["answers"]
    assert not DROPPED & set(left) and left["GOV-3.3"]["answer"] == "largely"
    result = assess_workspace(ws, parse_at("2026-11-16T09:00:00Z"))
    assert result.model_version == "1.3.0"
    assert result.objective("RSK-4.1").status == "unknown" and result.objective("GOV-3.3").answer == "largely"
    assert not any("written for" in w for w in result.warnings)


def test_pinned_1_0_0_workspace_is_compared_with_its_release(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "aisma.yaml").write_text(
        "# answered in 2026\norganization: Example\nmodel: aisma-core\nmodel_version: 1.0.0\ntargets: {default: 2}\n"
    )
    (ws / "answers.yaml").write_text(
        "answers:\n"
        "  GOV-1.1: fully   # policy approved in March\n"
        "  MON-1.2: largely\n"
        "  DEV-4.2:\n    answer: partially\n    note: weekly collection, corrections slow\n"
        "  INF-5.3: na\n"
    )
    assert run(["model", "migrate", str(ws), "--to", "aisma-core", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["from"] == "aisma-core 1.0.0" and report["to"] == "aisma-core 1.3.0"
    assert sorted(report["answers_kept"]) == ["DEV-4.2", "GOV-1.1"]
    assert report["answers_to_review"] == ["DEV-4.2"]  # GOV-1.1 changed only its crosswalk
    assert sorted(report["answers_dropped"]) == ["INF-5.3", "MON-1.2"]
    text = (ws / "answers.yaml").read_text()
    assert "# policy approved in March" in text and "MON-1.2" not in text
    config = (ws / "aisma.yaml").read_text()
    assert config.startswith("# answered in 2026\n") and 'model_version: "1.3.0"' in config


def test_release_1_3_0_adds_the_copilot_objectives_and_retires_one() -> None:
    notes = release_changes("aisma-core", "1.2.0", "1.3.0")
    assert {oid for oid, change in notes.items() if not change.keep} == RETIRED
    assert not any(change.moved_to for change in notes.values()) and all(c.why for c in notes.values())
    from aisma.workspace.migrate import compare_models

    changes = compare_models(resolve_model("aisma-core@1.2.0"), resolve_model("aisma-core"))
    assert set(changes.added) == set(COPILOT) and set(changes.removed) == RETIRED
    assert {oid for oid, _ in changes.changed} <= set(notes), {oid for oid, _ in changes.changed} - set(notes)
    current = {o.id: o for o in resolve_model("aisma-core").objectives()}
    for oid, metric in COPILOT.items():
        objective = current[oid]
        assert objective.measurement.metric == metric and objective.applies_to.tracks == ("copilot",), oid
    # Chained from 1.0.0 the retirement joins the earlier drops; moves still arrive where they went.
    chained = release_changes("aisma-core", "1.0.0", "1.3.0")
    assert {oid for oid, c in chained.items() if not c.keep} == DROPPED | RETIRED
    assert {oid: c.moved_to for oid, c in chained.items() if c.moved_to} == MOVED
    assert set(moved_objectives("aisma-core", "1.3.0")) == set(MOVED)


def test_a_1_2_0_workspace_drops_the_retired_answer_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "aisma.yaml").write_text("organization: Example\nmodel: aisma-core\nmodel_version: 1.2.0\n")
    (ws / "answers.yaml").write_text("answers:\n  DAT-4.3: largely   # release gate on lineage\n  DAT-5.2: not\n")
    assert run(["model", "migrate", str(ws), "--to", "aisma-core", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["from"] == "aisma-core 1.2.0" and report["to"] == "aisma-core 1.3.0"
    assert list(report["answers_dropped"]) == ["DAT-4.3"] and report["answers_to_review"] == ["DAT-5.2"]
    assert report["reasons"]["DAT-4.3"].startswith("retired: its measurement repeated DAT-2.2's")
    assert "DAT-4.3" not in (ws / "answers.yaml").read_text()


def test_an_unpinned_workspace_with_a_retired_id_says_why(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "aisma.yaml").write_text("organization: Example\nmodel: aisma-core\n")
    (ws / "answers.yaml").write_text("answers:\n  DAT-4.3: fully\n")
    with pytest.raises(AismaError) as caught:
        assess_workspace(ws, parse_at("2026-11-16T09:00:00Z"))
    message = str(caught.value)
    assert message.startswith(
        f"{ws}/answers.yaml:2: DAT-4.3 is not an objective of model aisma-core 1.3.0: a release dropped it (retired:"
    )
    assert f"`aisma model migrate {ws} --from aisma-core@VERSION`" in message and "\n" not in message
    from aisma.web.features.assessments.service import carry_moved

    warnings: list[str] = []
    assert carry_moved((Answer(objective_id="DAT-4.3", answer="fully"),), resolve_model("aisma-core"), warnings) == ()
    assert warnings[0].startswith("answers: DAT-4.3 is not an objective of aisma-core 1.3.0; not counted (a release")


def _system(**fields: object) -> AISystem:
    base = {"id": "s", "name": "S", "track": "build", "deployment_type": "self_hosted"}
    return AISystem.model_validate(base | fields)


def test_qms_objective_binds_only_providers_of_high_risk_systems() -> None:
    qms = next(o for o in resolve_model("aisma-core").objectives() if o.id == "GOV-3.3")
    deployer = _system(eu_ai_act={"role": "deployer", "risk_class": "high"})
    provider_limited = _system(id="t", eu_ai_act={"role": "provider", "risk_class": "limited"})
    provider_high = _system(id="u", eu_ai_act={"role": "provider", "risk_class": "high"})
    assert not applies(qms.applies_to, [deployer, provider_limited])
    assert applies(qms.applies_to, [deployer, provider_high])


ROLES = st.sampled_from(["provider", "deployer", "importer", "distributor", None])
CLASSES = st.sampled_from(["prohibited", "high", "limited", "minimal", None])


@given(
    st.lists(st.tuples(ROLES, CLASSES), max_size=4),
    st.lists(st.tuples(ROLES, CLASSES), min_size=1, max_size=3),
    st.sampled_from([True, None]),
)
def test_applicability_is_monotone_in_the_inventory(
    first: list[tuple[str | None, str | None]], more: list[tuple[str | None, str | None]], flag: bool | None
) -> None:
    """Adding systems never makes an objective stop applying; the provider condition only narrows."""
    rule = AppliesTo(eu_high_risk_provider=flag)
    systems = [
        _system(id=f"s{i}", eu_ai_act={"role": role, "risk_class": risk}) for i, (role, risk) in enumerate(first)
    ]
    extra = [_system(id=f"x{i}", eu_ai_act={"role": role, "risk_class": risk}) for i, (role, risk) in enumerate(more)]
    if systems and applies(rule, systems):
        assert applies(rule, systems + extra)
    if systems and applies(rule, systems):
        assert applies(AppliesTo(), systems)


def test_coverage_command_reports_per_control(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["model", "coverage", "--framework", "nist-csf-2.0"]) == 0
    out = capsys.readouterr().out
    assert "ID.AM-01" in out and "out of scope" in out and "0 promised controls not addressed" in out
    assert run(["model", "coverage", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    rmf = next(f for f in data["frameworks"] if f["framework"] == "nist-ai-rmf")
    assert (rmf["items"], rmf["addressed"], rmf["out_of_scope"]) == (72, 69, 3)
    iso = {r["item"]: r["objectives"] for r in data["rows"] if r["framework"] == "iso-iec-42001-2023"}
    assert len(iso) == 38 and all(iso.values())
    assert run(["model", "coverage", "--framework", "nope"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no framework 'nope'" in err and "Traceback" not in err
