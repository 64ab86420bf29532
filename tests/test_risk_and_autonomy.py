"""Risk tier rubric and the Autonomy Test: the rules, their properties, and the commands that record them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisma.cli.main import run
from aisma.inventory.autonomy import autonomy_result
from aisma.inventory.risk import FACTOR_POINTS, TIER_ORDER, assess_risk, consistent
from aisma.inventory.schema import AISystem, AutonomyAnswers
from aisma.yamlfile import load_yaml

FACTORS = [name for name, _, _ in FACTOR_POINTS]


def system(**fields: object) -> AISystem:
    return AISystem.model_validate({"id": "s", "name": "s", "track": "build", "deployment_type": "paas"} | fields)


def test_points_and_tiers_are_explained() -> None:
    s = system(
        risk_factors={"personal_data": True, "financial_impact": True, "external_users": True},
        autonomy_test={
            "chooses_actions": True,
            "side_effects": True,
            "multi_step_unapproved": True,
            "own_identity": True,
        },
        human_review="sampled",
    )
    a = assess_risk(s)
    assert (a.tier, a.points) == ("HIGH", 8)
    assert a.explain().startswith("HIGH (8 points: +2 processes personal data")
    assert ("human review: sampled", -1) in a.lines


def test_full_human_review_lowers_the_tier() -> None:
    base = {"risk_factors": {"personal_data": True, "regulated_data": True}}
    assert assess_risk(system(**base)).tier == "MEDIUM"
    assert assess_risk(system(**base, human_review="full")).tier == "LOW"


def test_prohibited_is_always_critical() -> None:
    assert assess_risk(system(eu_ai_act={"risk_class": "prohibited"}, human_review="full")).tier == "CRITICAL"


def test_eu_high_risk_is_never_below_high() -> None:
    """An Annex III system with every mitigation and no other factor: HIGH, and the rubric says why."""
    assessed = assess_risk(system(eu_ai_act={"risk_class": "high"}, human_review="full", autonomy_level="assisted"))
    assert assessed.tier == "HIGH" and assessed.points == 1
    assert "at least HIGH whatever the mitigations" in assessed.explain()
    # Points can still take it higher; a recorded tier below HIGH is inconsistent.
    risky = system(eu_ai_act={"risk_class": "high"}, risk_factors={f: True for f in FACTORS})
    assert assess_risk(risky).tier == "CRITICAL"
    assert not consistent(system(eu_ai_act={"risk_class": "high"}, risk_tier="MEDIUM"))


def test_recorded_tier_may_be_stricter_not_laxer() -> None:
    risky = {"risk_factors": {f: True for f in FACTORS}}
    assert assess_risk(system(**risky)).tier == "HIGH"
    assert consistent(system(**risky, risk_tier="CRITICAL"))
    assert not consistent(system(**risky, risk_tier="MEDIUM"))


profiles = st.fixed_dictionaries(
    {
        "risk_factors": st.fixed_dictionaries({f: st.booleans() for f in FACTORS}),
        "multi_agent": st.booleans(),
        "human_review": st.sampled_from([None, "none", "sampled", "full"]),
        "autonomy_level": st.sampled_from([None, "assisted", "supported", "supervised", "autonomous"]),
        "eu_ai_act": st.fixed_dictionaries({"risk_class": st.sampled_from([None, "minimal", "limited", "high"])}),
    }
)


@given(profiles, st.sampled_from([*FACTORS, "multi_agent", "eu_high", "autonomy"]))
def test_adding_a_risk_factor_never_lowers_the_tier(profile: dict, factor: str) -> None:
    before = assess_risk(system(**profile)).tier
    changed = {**profile, "risk_factors": dict(profile["risk_factors"]), "eu_ai_act": dict(profile["eu_ai_act"])}
    if factor in FACTORS:
        changed["risk_factors"][factor] = True
    elif factor == "multi_agent":
        changed["multi_agent"] = True
    elif factor == "eu_high":
        changed["eu_ai_act"]["risk_class"] = "high"
    else:
        changed["autonomy_level"] = "autonomous"
    after = assess_risk(system(**changed)).tier
    assert TIER_ORDER.index(after) >= TIER_ORDER.index(before)


@given(profiles, st.sampled_from(["full", "sampled", "none", None]), st.sampled_from(["assisted", "supported"]))
def test_no_mitigation_takes_a_high_risk_system_below_high(profile: dict, review: str | None, autonomy: str) -> None:
    """Whatever the other facts and mitigations, an EU AI Act high-risk system is HIGH or CRITICAL."""
    changed = {**profile, "eu_ai_act": {"risk_class": "high"}, "human_review": review, "autonomy_level": autonomy}
    assert TIER_ORDER.index(assess_risk(system(**changed)).tier) >= TIER_ORDER.index("HIGH")


@pytest.mark.parametrize(
    ("answers", "agentic", "level"),
    [
        ({}, False, "assisted"),
        ({"chooses_actions": True}, False, "supported"),
        ({"chooses_actions": True, "side_effects": True}, True, "supervised"),
        ({"chooses_actions": True, "multi_step_unapproved": True}, True, "supervised"),
        (
            {"chooses_actions": True, "side_effects": True, "multi_step_unapproved": True, "own_identity": True},
            True,
            "autonomous",
        ),
        ({"side_effects": True, "multi_step_unapproved": True, "own_identity": True}, False, "assisted"),
    ],
)
def test_autonomy_rule(answers: dict, agentic: bool, level: str) -> None:
    result = autonomy_result(AutonomyAnswers.model_validate(answers))
    assert (result.agentic, result.level) == (agentic, level)


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    shutil.copytree(Path(__file__).parent / "data" / "mini", tmp_path / "mini")
    return tmp_path / "mini" / "ws"


def test_autonomy_test_command_records_answers(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flags = [
        "--chooses-actions",
        "--side-effects",
        "--multi-step-unapproved",
        "--own-identity",
        "--no-untrusted-input",
        "--no-acts-on-agent-output",
    ]
    assert run(["inventory", "autonomy-test", str(workspace), "chat", *flags]) == 0
    assert "chat: agentic, autonomy level autonomous" in capsys.readouterr().out
    chat = next(s for s in load_yaml(workspace / "inventory.yaml")["systems"] if s["id"] == "chat")
    assert chat["autonomy_test"]["own_identity"] is True and chat["owner"] == "alice"
    # The agentic objective now applies: the result changes with the recorded test.
    assert run(["assess", str(workspace), "--at", "2026-11-16"]) == 0
    assert '"id": "AGT"' in capsys.readouterr().out


def test_autonomy_test_without_answers_is_an_error(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (workspace / "inventory.yaml").read_bytes()
    assert run(["inventory", "autonomy-test", str(workspace), "chat", "--chooses-actions"]) == 1
    err = capsys.readouterr().err
    assert "no answer for 5 question(s)" in err and err.count("\n") == 1
    assert (workspace / "inventory.yaml").read_bytes() == before
    assert run(["inventory", "autonomy-test", str(workspace), "nope", "--ask"]) == 1
    assert "no system 'nope'" in capsys.readouterr().err


def test_risk_command_records_missing_tiers(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["inventory", "risk", str(workspace), "chat"]) == 0
    assert capsys.readouterr().out.startswith("chat: LOW (0 points: no risk factors); recorded none")
    assert run(["inventory", "risk", str(workspace), "--record"]) == 0
    tiers = {s["id"]: s.get("risk_tier") for s in load_yaml(workspace / "inventory.yaml")["systems"]}
    assert tiers == {"chat": "LOW", "summarizer": "LOW"}
