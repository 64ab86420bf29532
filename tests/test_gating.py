"""Deployment gating: class per system, verdict from the weakest category the class depends on."""

from __future__ import annotations

from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from aisma.inventory.schema import AISystem, AutonomyAnswers
from aisma.maturity.loader import resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.scoring.gating import deployment_class_id, gate_deployments, gating_warnings, verdict_for
from aisma.scoring.results import CategoryResult, GatingEntry

AGENTIC = AutonomyAnswers(chooses_actions=True, side_effects=True)
ORDER = {"do_not_proceed": 0, "marginal": 1, "appropriate": 2}


@cache
def model() -> MaturityModel:
    return resolve_model("aisma-core")


def system(sid: str, **fields: object) -> AISystem:
    return AISystem.model_validate({"id": sid, "name": sid, "track": "build", "deployment_type": "paas"} | fields)


def categories(levels: dict[str, int]) -> list[CategoryResult]:
    out = []
    for c in model().categories():
        lv = levels.get(c.id, 3)
        out.append(
            CategoryResult(
                id=c.id,
                title=c.title,
                domain="X",
                weight=1.0,
                applicable=True,
                level=lv,
                score=float(lv),
                coverage=0.5,
                evidenced_level=max(lv - 1, 0),
                evidenced_score=float(max(lv - 1, 0)),
                uncapped_level=lv,
                target_level=3,
                capped_by=None,
                evidenced_capped_by=None,
                objectives=(),
            )
        )
    return out


def test_deployment_classes() -> None:
    assert deployment_class_id(system("a", multi_agent=True)) == "multi-agent"
    assert deployment_class_id(system("a", autonomy_test=AGENTIC)) == "agentic"
    assert deployment_class_id(system("a", track="copilot", deployment_type="api_saas")) == "copilot"
    assert deployment_class_id(system("a", track="coding_tool", deployment_type="api_saas")) == "copilot"
    assert deployment_class_id(system("a", deployment_type="self_hosted")) == "custom-model"
    assert deployment_class_id(system("a")) == "platform-hosted"


def test_verdicts_by_gap() -> None:
    assert [verdict_for(gap) for gap in (-1, 0, 1, 2, 3)] == [
        "appropriate",
        "appropriate",
        "marginal",
        "do_not_proceed",
        "do_not_proceed",
    ]


def test_weakest_dependency_decides() -> None:
    agent = system("agent", autonomy_test=AGENTIC)
    (entry,) = gate_deployments(model(), [agent], categories({"AGT": 4, "MCP": 4, "MON": 4, "IRR": 2}))
    assert entry.required_level == 4 and entry.program_level == 2
    assert entry.verdict == "do_not_proceed" and entry.limiting_categories == ("IRR",)
    assert entry.evidenced_verdict == "do_not_proceed"
    (entry,) = gate_deployments(model(), [agent], categories({"AGT": 4, "MCP": 4, "MON": 4, "IRR": 3}))
    assert entry.verdict == "marginal"


def test_not_applicable_categories_do_not_limit() -> None:
    agent = system("agent", autonomy_test=AGENTIC)
    cats = [
        c.model_copy(update={"applicable": False, "level": None}) if c.id == "MCP" else c
        for c in categories({"AGT": 4, "MON": 4, "IRR": 4})
    ]
    (entry,) = gate_deployments(model(), [agent], cats)
    assert entry.verdict == "appropriate" and entry.limiting_categories == ()


@given(
    st.dictionaries(
        st.sampled_from(["AGT", "MCP", "MON", "IRR", "DAT", "INF", "MDL", "GOV", "RSK", "APP"]), st.integers(0, 5)
    ),
    st.sampled_from(["AGT", "MCP", "MON", "IRR", "DAT", "INF", "MDL", "GOV", "RSK", "APP"]),
)
def test_raising_a_category_never_worsens_a_verdict(levels: dict[str, int], raised: str) -> None:
    systems = [
        system("agent", autonomy_test=AGENTIC),
        system("multi", multi_agent=True),
        system("copilot", track="copilot", deployment_type="api_saas"),
        system("custom", deployment_type="self_hosted"),
        system("app"),
    ]
    before = {g.system: g.verdict for g in gate_deployments(model(), systems, categories(levels))}
    higher = levels | {raised: min(levels.get(raised, 3) + 1, 5)}
    after = {g.system: g.verdict for g in gate_deployments(model(), systems, categories(higher))}
    for sid, verdict in before.items():
        assert ORDER[after[sid]] >= ORDER[verdict]


# --- MASO autonomy tiers -------------------------------------------------------------------------------

TIERS = ("supervised", "managed", "autonomous")
AGENT_CATEGORIES = ("AGT", "MCP", "MON", "IRR")
# Every way an agent's Autonomy Test can be answered (None: not answered).
answer_values = st.sampled_from([True, False, None])
autonomy_answers = st.builds(
    AutonomyAnswers,
    chooses_actions=st.just(True),
    side_effects=answer_values,
    multi_step_unapproved=answer_values,
    own_identity=answer_values,
    untrusted_input=answer_values,
    acts_on_agent_output=answer_values,
)
agent_levels = st.fixed_dictionaries({c: st.integers(0, 5) for c in AGENT_CATEGORIES})


def gate_one(agent: AISystem, levels: dict[str, int]) -> GatingEntry:
    (entry,) = gate_deployments(model(), [agent], categories(levels))
    return entry


def at_level(level: int) -> dict[str, int]:
    return dict.fromkeys(AGENT_CATEGORIES, level)


def test_each_tier_needs_its_own_level() -> None:
    needs = {tier: gate_one(system("a", agentic=True, autonomy_tier=tier), at_level(3)) for tier in TIERS}
    assert {t: e.required_level for t, e in needs.items()} == {"supervised": 3, "managed": 4, "autonomous": 5}
    # A level-3 program runs a supervised agent, is one short for a managed one, two for an autonomous one.
    assert {t: e.verdict for t, e in needs.items()} == {
        "supervised": "appropriate",
        "managed": "marginal",
        "autonomous": "do_not_proceed",
    }
    assert all(e.governable_tier == "supervised" for e in needs.values())
    assert [t for t, e in needs.items() if e.tier_above_governable] == ["managed", "autonomous"]


def test_tier_from_the_autonomy_test_and_the_defaults() -> None:
    approved = AutonomyAnswers(chooses_actions=True, side_effects=True, multi_step_unapproved=False)
    unapproved = AutonomyAnswers(chooses_actions=True, side_effects=False, multi_step_unapproved=True)
    autonomous = AutonomyAnswers(chooses_actions=True, side_effects=True, multi_step_unapproved=True, own_identity=True)
    cases = {
        "approved": (system("a", autonomy_test=approved), "supervised", "derived"),
        "unapproved": (system("a", autonomy_test=unapproved), "managed", "derived"),
        "autonomous": (system("a", autonomy_test=autonomous), "autonomous", "derived"),
        "level": (system("a", agentic=True, autonomy_level="autonomous"), "autonomous", "derived"),
        "unknown agent": (system("a", agentic=True), "managed", "default"),
        "unknown multi-agent": (system("a", multi_agent=True), "autonomous", "default"),
        "recorded": (system("a", agentic=True, autonomy_tier="supervised"), "supervised", "recorded"),
        "recorded, multi-agent": (system("a", multi_agent=True, autonomy_tier="supervised"), "supervised", "recorded"),
    }
    for name, (agent, tier, source) in cases.items():
        entry = gate_one(agent, at_level(4))
        assert (entry.autonomy_tier, entry.autonomy_tier_source) == (tier, source), name
    # Without any tier information nothing changes from the fixed levels (agent 4, multi-agent 5).
    assert gate_one(system("a", agentic=True), at_level(4)).required_level == 4
    assert gate_one(system("a", multi_agent=True), at_level(4)).required_level == 5
    # Systems that are not agentic have no tier and keep their class minimum.
    copilot = gate_one(system("c", track="copilot", deployment_type="api_saas"), {})
    assert copilot.autonomy_tier is None and copilot.governable_tier is None
    assert copilot.tier_above_governable is False and copilot.required_level == 3


def test_a_recorded_tier_laxer_than_the_test_is_overridden_with_a_warning() -> None:
    unapproved = AutonomyAnswers(chooses_actions=True, side_effects=True, multi_step_unapproved=True)
    agent = system("fraud", autonomy_test=unapproved, autonomy_tier="supervised")
    entry = gate_one(agent, at_level(4))
    assert entry.autonomy_tier == "managed" and entry.recorded_autonomy_tier == "supervised"
    assert entry.required_level == 4 and entry.verdict == "appropriate"
    (line,) = gating_warnings([entry])
    assert line == (
        "fraud: gated at Tier 2 (managed): recorded Tier 1 (supervised), but Autonomy Test: runs several steps "
        "without a person approving each one"
    )
    # Stricter than the test is taken as recorded.
    stricter = gate_one(system("fraud", autonomy_test=unapproved, autonomy_tier="autonomous"), at_level(4))
    assert stricter.autonomy_tier == "autonomous" and stricter.autonomy_tier_source == "recorded"


def test_the_warning_names_what_the_program_can_govern() -> None:
    agent = system("fraud", agentic=True, autonomy_tier="autonomous")
    entry = gate_one(agent, {"AGT": 4, "MCP": 4, "MON": 4, "IRR": 3})
    assert entry.governable_tier == "supervised" and entry.evidenced_governable_tier is None
    (line,) = gating_warnings([entry])
    assert line == (
        "fraud: runs at Tier 3 (autonomous), above what the organization's maturity can govern: Tier 3 (autonomous) "
        "needs level 5, the program can govern at most Tier 1 (supervised) (agentic categories at level 3)"
    )
    (line,) = gating_warnings([gate_one(agent, at_level(1))])
    assert "the program cannot govern even Tier 1 (supervised) agents" in line
    assert gating_warnings([gate_one(agent, at_level(5))]) == []


@given(agent_levels, st.sampled_from(TIERS[:-1]), st.booleans())
def test_raising_a_tier_never_improves_a_verdict(levels: dict[str, int], tier: str, multi: bool) -> None:
    higher = TIERS[TIERS.index(tier) + 1]
    before = gate_one(system("a", agentic=True, multi_agent=multi, autonomy_tier=tier), levels)
    after = gate_one(system("a", agentic=True, multi_agent=multi, autonomy_tier=higher), levels)
    assert ORDER[after.verdict] <= ORDER[before.verdict]
    assert ORDER[after.evidenced_verdict] <= ORDER[before.evidenced_verdict]
    assert after.required_level >= before.required_level
    assert before.governable_tier == after.governable_tier  # what the program can govern is the program's


@given(autonomy_answers, st.booleans())
def test_a_supervised_agent_never_needs_more_than_an_autonomous_one(answers: AutonomyAnswers, multi: bool) -> None:
    needs = {}
    for tier in TIERS:
        agent = system("a", agentic=True, multi_agent=multi, autonomy_test=answers, autonomy_tier=tier)
        needs[tier] = gate_one(agent, at_level(3)).required_level
    assert needs["supervised"] <= needs["managed"] <= needs["autonomous"]


@given(autonomy_answers, st.sampled_from([None, *TIERS]), st.booleans(), agent_levels)
def test_the_tier_gate_only_narrows(
    answers: AutonomyAnswers, recorded: str | None, multi: bool, levels: dict[str, int]
) -> None:
    fields: dict[str, object] = {"agentic": True, "multi_agent": multi, "autonomy_test": answers}
    entry = gate_one(system("a", **fields, autonomy_tier=recorded), levels)
    spec = next(d for d in model().deployment_classes if d.id == entry.deployment_class)
    # Never less than the class minimum, so never admitted where a class without tiers would refuse.
    assert entry.required_level >= spec.minimum_level
    assert ORDER[entry.verdict] <= ORDER[verdict_for(spec.minimum_level - (entry.program_level or 0))]
    # Recording a tier never takes an agent below what its Autonomy Test shows.
    facts_only = gate_one(system("a", **fields), levels)
    if facts_only.autonomy_tier_source == "derived":
        assert entry.required_level >= facts_only.required_level
    # Above what the program can govern exactly when the verdict is not appropriate.
    assert entry.tier_above_governable == (entry.verdict != "appropriate")


def test_autonomy_tiers_that_would_loosen_a_class_are_rejected() -> None:
    from pydantic import ValidationError

    from aisma.maturity.schema import DeploymentClass

    base = {"id": "agentic", "title": "Agents", "minimum_level": 3, "categories": ["AGT"]}
    for tiers, words in (
        ({"supervised": 2}, "autonomy_tiers.supervised is level 2, below minimum_level 3"),
        ({"supervised": 4, "managed": 3}, "autonomy_tiers.managed is level 3, below supervised (level 4)"),
    ):
        try:
            DeploymentClass.model_validate(base | {"autonomy_tiers": tiers})
        except ValidationError as error:
            assert words in str(error)
        else:
            raise AssertionError(f"accepted {tiers}")
    assert DeploymentClass.model_validate(base | {"autonomy_tiers": {"managed": 4}}).required_level(None) == 3
