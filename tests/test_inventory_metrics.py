"""Metrics the inventory produces: completeness, per-system records with freshness windows, providers."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from aisma.errors import InputError
from aisma.inventory.metrics import inventory_measurements
from aisma.inventory.providers import parse_settings, provider_measurements
from aisma.inventory.schema import AISystem, AutonomyAnswers, Inventory
from aisma.scoring.inputs import Source

AT = datetime(2026, 11, 16, tzinfo=UTC)
SRC = Source(tool="inventory")
AGENTIC = AutonomyAnswers(chooses_actions=True, side_effects=True, multi_step_unapproved=True)


def system(sid: str, **fields: object) -> AISystem:
    base: dict[str, object] = {"id": sid, "name": sid, "track": "build", "deployment_type": "paas"}
    return AISystem.model_validate(base | fields)


def measured(*systems: AISystem) -> dict[str, tuple[float | None, float | None, tuple[str, ...]]]:
    return {
        m.metric: (m.numerator, m.denominator, m.details)
        for m in inventory_measurements(Inventory(systems=systems), AT, SRC)
    }


def test_empty_inventory_measures_nothing() -> None:
    assert inventory_measurements(Inventory(), AT, SRC) == ()


def test_owner_ratio_names_the_failing_systems() -> None:
    got = measured(system("a", owner="x"), system("b"), system("c", owner="  "))
    assert got["inventory.systems.owner_ratio"] == (1, 3, ("b: no owner", "c: no owner"))


def test_retired_systems_do_not_count() -> None:
    got = measured(system("a", owner="x"), system("b", environment="retired"))
    assert got["inventory.systems.owner_ratio"][:2] == (1, 1)


def test_security_review_counts_for_365_days_only() -> None:
    got = measured(
        system("fresh", security_review_at=date(2026, 1, 1)),
        system("old", security_review_at=date(2025, 11, 1)),
        system("future", security_review_at=date(2027, 1, 1)),
        system("pilot", environment="pilot"),
    )
    assert got["inventory.systems.security_review_ratio"][:2] == (1, 3)


def test_kill_switch_drills_apply_to_agentic_production_systems() -> None:
    got = measured(
        system("agent", autonomy_test=AGENTIC, kill_switch_tested_at=date(2026, 8, 1)),
        system("stale-agent", autonomy_test=AGENTIC, kill_switch_tested_at=date(2026, 3, 1)),
        system("chatbot"),
    )
    assert got["inventory.agentic.kill_switch_drill_ratio"][:2] == (1, 2)


def test_agent_manifests_count_when_reviewed_in_the_last_six_months() -> None:
    got = measured(
        system("agent", autonomy_test=AGENTIC, manifest="agents/agent.yaml", manifest_reviewed_at=date(2026, 6, 1)),
        system("stale", autonomy_test=AGENTIC, manifest="agents/stale.yaml", manifest_reviewed_at=date(2026, 4, 1)),
        system("undated", autonomy_test=AGENTIC, manifest="https://wiki.example/agent"),
        system("none", autonomy_test=AGENTIC, manifest_reviewed_at=date(2026, 11, 1)),
        system("pilot", autonomy_test=AGENTIC, environment="pilot"),
        system("chatbot"),
    )
    assert got["inventory.agentic.manifest_ratio"] == (
        1,
        4,
        tuple(f"{s}: no manifest reviewed in 183 days" for s in ("none", "stale", "undated")),
    )


def test_disablement_drill_interval_follows_the_tier() -> None:
    got = measured(
        system("crit", risk_tier="CRITICAL", kill_switch_tested_at=date(2026, 7, 1)),  # 138 days: over 92
        system("high", risk_tier="HIGH", kill_switch_tested_at=date(2026, 7, 1)),  # within 183
        system("med", risk_tier="MEDIUM", kill_switch_tested_at=date(2026, 1, 1)),  # within 365
        system("low", risk_tier="LOW"),  # out of scope
    )
    assert got["inventory.systems.disablement_drill_ratio"][:2] == (2, 3)


def test_aibom_ratio_covers_build_and_platform_tracks() -> None:
    got = measured(system("a", aibom="evidence/a.json"), system("b", track="platform"), system("c", track="copilot"))
    assert got["aibom.systems.coverage_ratio"][:2] == (1, 2)


def test_providers_approved_and_reassessed(tmp_path: Path) -> None:
    settings = parse_settings(
        {"approved_providers": [{"name": "Bedrock", "assessed_at": "2026-01-10"}, "OpenAI"]}, tmp_path / "aisma.yaml"
    )
    systems = (
        system("a", provider="bedrock", risk_tier="HIGH"),
        system("b", provider="OpenAI", risk_tier="LOW"),
        system("c", provider="Unvetted AI"),
        system("d", provider="Self", deployment_type="self_hosted"),
    )
    got = {m.metric: m for m in provider_measurements(systems, settings, AT, SRC)}
    approved = got["inventory.providers.approved_ratio"]
    assert (approved.numerator, approved.denominator) == (2, 3)
    reassessed = got["inventory.providers.reassessed_ratio"]
    # bedrock reassessed within 365 days (HIGH); openai has no date; the unvetted one is not on the list.
    assert (reassessed.numerator, reassessed.denominator) == (1, 3)


def test_without_a_provider_list_nothing_is_measured(tmp_path: Path) -> None:
    settings = parse_settings(None, tmp_path / "aisma.yaml")
    assert provider_measurements((system("a", provider="x"),), settings, AT, SRC) == ()


def test_bad_provider_settings_name_the_field(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"approved_providers\[0\]\.assessed_at must be a date"):
        parse_settings({"approved_providers": [{"name": "x", "assessed_at": "soon"}]}, tmp_path / "aisma.yaml")


def test_data_use_rules(tmp_path: Path) -> None:
    from aisma.inventory.providers import data_use_measurements

    settings = parse_settings(
        {"data_use_rules": {"restricted": ["self_hosted"], "internal": ["paas", "api_saas"]}}, tmp_path / "aisma.yaml"
    )
    systems = (
        system("ok", data_classification="restricted", deployment_type="self_hosted"),
        system("bad", data_classification="restricted", deployment_type="api_saas"),
        system("unlisted", data_classification="confidential"),
        system("unclassified"),
    )
    (m,) = data_use_measurements(systems, settings, AT, SRC)
    assert (m.numerator, m.denominator) == (1, 3)
    assert m.details[0] == "bad: restricted data on api_saas is not allowed by the data-use rules"
    with pytest.raises(InputError, match=r"data_use_rules\.secret is not|data_use_rules"):
        parse_settings({"data_use_rules": {"secret": ["paas"]}}, tmp_path / "aisma.yaml")
