"""Deployment gating: class per system, verdict from the weakest category the class depends on."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from hypothesis import given
from hypothesis import strategies as st

from aisma.inventory.schema import AISystem, AutonomyAnswers
from aisma.maturity.loader import resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.scoring.gating import deployment_class_id, gate_deployments, verdict_for
from aisma.scoring.results import CategoryResult

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
    assert entry["required_level"] == 4 and entry["program_level"] == 2
    assert entry["verdict"] == "do_not_proceed" and entry["limiting_categories"] == ["IRR"]
    assert entry["evidenced_verdict"] == "do_not_proceed"
    (entry,) = gate_deployments(model(), [agent], categories({"AGT": 4, "MCP": 4, "MON": 4, "IRR": 3}))
    assert entry["verdict"] == "marginal"


def test_not_applicable_categories_do_not_limit() -> None:
    agent = system("agent", autonomy_test=AGENTIC)
    cats = [
        replace(c, applicable=False, level=None) if c.id == "MCP" else c
        for c in categories({"AGT": 4, "MON": 4, "IRR": 4})
    ]
    (entry,) = gate_deployments(model(), [agent], cats)
    assert entry["verdict"] == "appropriate" and entry["limiting_categories"] == []


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
    before = {g["system"]: g["verdict"] for g in gate_deployments(model(), systems, categories(levels))}
    higher = levels | {raised: min(levels.get(raised, 3) + 1, 5)}
    after = {g["system"]: g["verdict"] for g in gate_deployments(model(), systems, categories(higher))}
    for sid, verdict in before.items():
        assert ORDER[after[sid]] >= ORDER[verdict]
