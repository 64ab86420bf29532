"""The page view-models and templates, from plain result dicts (no server, no database)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aisma.maturity.loader import resolve_model
from aisma.scoring.results import AssessmentResult
from aisma.web.features.answers.view import ANSWER_CHOICES, progress, questionnaire_view
from aisma.web.features.assessments.trend import TrendPoint, trend_chart, trend_point
from aisma.web.features.assessments.view import dashboard_view
from aisma.web.features.inventory.view import (
    PAGE_SIZE,
    inventory_list_view,
    new_system_document,
    parse_wizard_form,
    search,
    with_autonomy,
    wizard_view,
)
from aisma.web.templating import build_environment, fmt_when, render_template

GOLDEN = Path(__file__).parents[2] / "golden" / "demo-result.json"


@pytest.fixture(scope="module")
def demo_result() -> dict:
    return json.loads(GOLDEN.read_text())


@pytest.fixture(scope="module")
def env():
    return build_environment()


def layout(**extra):
    base = {
        "org": {"slug": "acme", "name": "Acme"},
        "nav": [("dashboard", "Dashboard", "/orgs/acme")],
        "csrf_token": "tok",
    }
    return {**base, **extra}


def test_snapshot_round_trips_the_result_contract(demo_result):
    assert AssessmentResult.from_dict(demo_result).to_dict() == demo_result


def test_dashboard_shows_claimed_and_evidenced_from_the_snapshot(demo_result, env):
    history = [TrendPoint("2026-01-01", 1.0, 0.5, 1, 0), trend_point(demo_result)]
    html = render_template(
        env,
        "dashboard.html",
        layout(
            urls={"questionnaire": "/q", "inventory": "/i", "run_assessment": "/a"},
            **dashboard_view(demo_result, history),
        ),
    )
    claimed = re.search(r'data-testid="claimed-level">(\d)<', html)
    evidenced = re.search(r'data-testid="evidenced-level">(\d)<', html)
    assert claimed and int(claimed.group(1)) == demo_result["overall"]["level"]
    assert evidenced and int(evidenced.group(1)) == demo_result["overall"]["evidenced_level"]
    for chart in ("radar-title", "heat-title", "bars-title", "trend-title"):
        assert f'id="{chart}"' in html
    stops = [g for g in demo_result["gating"] if g["verdict"] == "do_not_proceed"]
    assert stops, "the demo organization has deployments it must not run"
    assert f"Do not proceed: {len(stops)} deployment" in html
    # MASO autonomy tiers: every agent's tier in the gating table, and a banner for those the program cannot govern.
    above = [g for g in demo_result["gating"] if g["tier_above_governable"]]
    assert {g["system"] for g in above} == {"fraud-triage-agent", "claude-code", "aml-investigations"}
    assert f"{len(above)} agentic systems above the autonomy tier the program can govern" in html
    assert "Fraud case triage agent (Tier 3 (autonomous), can govern none)" in html
    assert html.count("Tier 2 (managed)") >= 2 and 'data-testid="tier-warnings"' in html


def test_dashboard_without_an_assessment_invites_one(env):
    html = render_template(
        env,
        "dashboard.html",
        layout(
            urls={"questionnaire": "/q", "inventory": "/i", "run_assessment": "/a"},
            can_assess=True,
            **dashboard_view(None),
        ),
    )
    assert "No assessment yet" in html and 'action="/a"' in html


def test_trend_needs_two_points_and_orders_oldest_first():
    assert trend_chart([TrendPoint("2026-01-01", 1.0, 1.0, 1, 1)]) == ""
    svg = trend_chart([TrendPoint("2026-01-01", 1.0, 0.5, 1, 0), TrendPoint("2026-02-01", 2.0, 1.5, 2, 1)])
    assert svg.index("2026-01-01") < svg.index("2026-02-01")
    # the higher claimed score is drawn higher (smaller y)
    ys = [float(y) for y in re.findall(r'<polyline points="[\d.]+,([\d.]+) [\d.]+,[\d.]+"', svg)[:1]]
    second = re.search(r'<polyline points="[\d.]+,[\d.]+ [\d.]+,([\d.]+)"', svg)
    assert second and ys and float(second.group(1)) < ys[0]


def test_questionnaire_groups_objectives_by_level_with_current_answers(env):
    model = resolve_model("aisma-core")
    record = {
        "objective_id": "MCP-1.1",
        "answer": "largely",
        "note": "n",
        "justification": "",
        "evidence": ["sha256:ab"],
        "version": 7,
        "answered_by": "a@x.example",
        "answered_at": None,
    }
    context = questionnaire_view(model, "MCP", {"MCP-1.1": record})
    levels = [g.level for g in context["groups"]]
    assert levels == sorted(levels) and levels[0] == 1
    html = render_template(
        env, "questionnaire.html", layout(base="/q", api_base="/api/v1/orgs/acme", can_answer=True, **context)
    )
    form = re.search(r'<form[^>]*data-api="/api/v1/orgs/acme/answers/MCP-1.1"[^>]*data-version="(\d*)"', html)
    assert form and form.group(1) == "7"
    assert re.search(r'value="largely" checked', html)
    n_objectives = len(context["category"].objectives)
    assert len(re.findall(r'name="answer" value=', html)) == len(ANSWER_CHOICES) * n_objectives
    assert html.count("<form ") == n_objectives
    rows = progress(model, {"MCP-1.1": record})
    mcp = next(r for r in rows if r["category"].id == "MCP")
    assert mcp["answered"] == 1 and mcp["total"] == len(mcp["category"].objectives)


def test_templates_escape_user_text(env):
    hostile = "<script>alert(1)</script>"
    docs = [{"id": "x1", "name": hostile, "track": "build", "deployment_type": "paas", "owner": hostile}]
    html = render_template(env, "inventory.html", layout(base="/i", **inventory_list_view(docs)))
    assert hostile not in html and "&lt;script&gt;" in html


def test_inventory_search_and_pages():
    docs = [
        {
            "id": f"s{i:04d}",
            "name": f"System {i}",
            "track": "build",
            "deployment_type": "paas",
            "owner": "o@x.example" if i % 2 else "p@x.example",
        }
        for i in range(250)
    ]
    first = inventory_list_view(docs[:PAGE_SIZE], total=250, found=250, next_url="/i?cursor=x")
    assert len(first["rows"]) == PAGE_SIZE and first["total"] == 250 and first["next_url"] == "/i?cursor=x"
    owned = search(docs, "P@X.EXAMPLE")
    assert len(owned) == 125 and all(d["owner"] == "p@x.example" for d in owned)


def test_wizard_records_answers_and_keeps_unanswered_ones_open():
    doc = {"id": "bot", "name": "Bot", "track": "build", "deployment_type": "paas"}
    steps = wizard_view(doc)["steps"]
    assert [s["value"] for s in steps] == [None] * 6
    answers = parse_wizard_form(
        {"chooses_actions": "yes", "side_effects": "yes", "multi_step_unapproved": "no", "own_identity": ""}
    )
    assert answers.chooses_actions is True and answers.multi_step_unapproved is False and answers.own_identity is None
    updated = with_autonomy(doc, answers)
    assert updated["autonomy_test"]["side_effects"] is True and doc.get("autonomy_test") is None


def test_new_system_form_is_validated_by_the_inventory_schema():
    ok = new_system_document(
        {"id": "chat", "name": "Chat", "track": "copilot", "deployment_type": "api_saas", "owner": ""}
    )
    assert ok["id"] == "chat" and "owner" not in ok
    with pytest.raises(ValueError):
        new_system_document({"id": "Bad Id", "name": "x", "track": "copilot", "deployment_type": "api_saas"})


def test_when_formats_timestamps_in_utc():
    from datetime import UTC, datetime, timedelta, timezone

    assert fmt_when(datetime(2026, 1, 2, 3, 4, tzinfo=timezone(timedelta(hours=2)))) == "2026-01-02 01:04"
    assert fmt_when("2026-01-02T03:04:05+00:00") == "2026-01-02 03:04"
    assert fmt_when(None) == "" and fmt_when(datetime(2026, 1, 1, tzinfo=UTC)) == "2026-01-01 00:00"


def test_contributors_get_forms_only_for_objectives_they_may_answer(env):
    model = resolve_model("aisma-core")
    context = questionnaire_view(model, "MCP", {}, lambda o: o.id == "MCP-1.1")
    html = render_template(env, "questionnaire.html", layout(base="/q", api_base="/api", can_answer=True, **context))
    n_objectives = len(context["category"].objectives)
    assert html.count("<fieldset disabled>") == n_objectives - 1
    assert re.search(r'id="obj-MCP-1\.1".*?<fieldset>', html, re.S)


def test_pages_load_no_asset_from_another_site():
    """No CDN: every stylesheet, script and image comes from the package's own static folder."""
    from importlib.resources import files

    web = files("aisma.web")
    assert (web / "static" / "aisma.css").is_file() and (web / "static" / "aisma.js").is_file()
    remote = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|@import""", re.I)
    checked = 0
    for folder in ("templates", "templates/auth", "static"):
        for item in (web / folder).iterdir():
            if item.is_file():
                checked += 1
                text = item.read_bytes().decode("utf-8", "replace")  # the favicon.ico is binary
                assert not remote.search(text), f"{folder}/{item.name} loads something from another site"
    assert checked >= 10


def test_view_cache_reuses_until_evicted():
    from aisma.web.features.assessments.view_cache import ViewCache

    cache = ViewCache(entries=2)
    built: list[str] = []

    def build(name: str):
        return lambda: built.append(name) or {"name": name}

    assert cache.get_or_build(("org", 1), build("a"))["name"] == "a"
    assert cache.get_or_build(("org", 1), build("again"))["name"] == "a"
    cache.get_or_build(("org", 2), build("b"))
    cache.get_or_build(("org", 1), build("a2"))  # touch 1: 2 is now the oldest
    cache.get_or_build(("org", 3), build("c"))
    assert len(cache) == 2 and built == ["a", "b", "c"]
    assert cache.get_or_build(("org", 2), build("b2"))["name"] == "b2", "the least recently used entry was evicted"


def test_roadmap_page_renders_phases_or_says_there_is_none(env):
    phases = [
        {
            "phase": 1,
            "title": "Foundations",
            "months_min": 3,
            "months_max": 6,
            "items": [
                {
                    "objective": "AGT-1.1",
                    "category": "AGT",
                    "level": 1,
                    "statement": "Agents are <registered>.",
                    "unlocks_level": 1,
                    "gating_changes": ["fraud-agent: do_not_proceed -> marginal"],
                    "regulations": ["EU AI Act Art. 9"],
                }
            ],
        }
    ]
    html = render_template(
        env, "roadmap.html", layout(assessed=True, assessed_at="2026-11-21T10:00:00Z", phases=phases)
    )
    assert "Phase 1: Foundations" in html and "About 3–6 months" in html
    assert "AGT level 1" in html and "EU AI Act Art. 9" in html and "&lt;registered&gt;" in html
    empty = render_template(env, "roadmap.html", layout(assessed=True, assessed_at="2026-11-21", phases=[]))
    assert "No roadmap yet" in empty
    never = render_template(env, "roadmap.html", layout(assessed=False, assessed_at="", phases=[]))
    assert "No assessment yet" in never
