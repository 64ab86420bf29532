"""No vacuous levels: a level is reached only by meeting applicable objectives (docs/scoring.md).

Before this rule, a view whose objectives started at level 3 showed level 2 with nothing met (NIST
CSF "Recover" showed 3, EU AI Act Art. 73 showed 1), and a SaaS-only workspace with no answers showed
a category at 2.99. These tests pin each case.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.loader import resolve_model
from aisma.reports import render
from aisma.scoring.engine import score
from aisma.scoring.inputs import Answer, AssessmentInput
from aisma.scoring.levels import raw_score
from aisma.scoring.results import ObjectiveResult

AT = datetime(2026, 11, 16, tzinfo=UTC)
LEVELS = [0, 1, 2, 3, 4, 5]


def objective(level: int, status: str, oid: str | None = None) -> ObjectiveResult:
    value = {"met": 1.0, "unmet": 0.0}.get(status, 0.0)
    return ObjectiveResult(
        id=oid or f"X-{level}.{status}",
        title="x",
        level=level,
        applicable=status != "na",
        status=status,  # type: ignore[arg-type]
        answer={"met": "fully", "unmet": "not"}.get(status),
        value=value,
        source="attested_with_evidence",
        evidenced_status=status,  # type: ignore[arg-type]
        measurement=None,
        conflict=None,
        note="",
        justification="",
        evidence=(),
        by="",
    )


@pytest.mark.parametrize(
    ("objectives", "level", "score"),
    [
        # Objectives only at level 3, unmet: levels 1 and 2 are not met by default.
        ([("unmet", 3)], 0, 0.0),
        ([("unmet", 3), ("met", 3)], 0, 0.5),
        # ... and met: level 3 (the empty levels below are bridged by meeting the one above).
        ([("met", 3)], 3, 3.0),
        # Nothing met anywhere: level 0 whatever the levels.
        ([("unmet", 1), ("unmet", 4)], 0, 0.0),
        ([("unknown", 2), ("unknown", 5)], 0, 0.0),
        # A gap between met levels is bridged; the levels above the last applicable one are not reached.
        ([("met", 1), ("met", 3)], 3, 3.0),
        ([("met", 1), ("unmet", 3)], 1, 1.0),
        ([("met", 1), ("met", 2)], 2, 2.0),
        # C2M2's cumulative rule still holds: an unmet level-1 objective keeps the level at 0.
        ([("unmet", 1), ("met", 2), ("met", 3)], 0, 0.0),
    ],
)
def test_levels_need_met_applicable_objectives(objectives: list[tuple[str, int]], level: int, score: float) -> None:
    results = [objective(lv, status, f"X-{lv}.{i}") for i, (status, lv) in enumerate(objectives)]
    raw = raw_score(results, LEVELS, evidenced=False)
    assert raw is not None
    assert (raw.level, raw.score) == (level, pytest.approx(score))


def test_nothing_applicable_is_not_a_number() -> None:
    assert raw_score([], LEVELS, evidenced=False) is None
    assert raw_score([objective(2, "na")], LEVELS, evidenced=True) is None


def _saas_only(answers: tuple[Answer, ...] = ()) -> AssessmentInput:
    system = AISystem(id="chat", name="Chat", track="copilot", deployment_type="api_saas", owner="o")
    return AssessmentInput(
        organization="SaaS only",
        model=resolve_model("aisma-core"),
        assessed_at=AT,
        inventory=Inventory(systems=(system,)),
        answers=answers,
    )


def _all_levels(result_json: dict[str, object]) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    for c in result_json["categories"]:  # type: ignore[attr-defined]
        out.append((c["id"], c["level"]))
        out.append((c["id"] + " evidenced", c["evidenced_level"]))
    for t in result_json["tracks"]:  # type: ignore[attr-defined]
        out.append(("track " + t["id"], t["level"]))
    for name, buckets in result_json["views"].items():  # type: ignore[attr-defined]
        for b in buckets:
            out.append((f"{name} {b['id']}", b["level"]))
            out.append((f"{name} {b['id']} evidenced", b["evidenced_level"]))
    return out


def test_a_workspace_with_no_answers_is_level_0_or_na_everywhere() -> None:
    """The SaaS-only workspace that showed a category at 2.99: nothing met, so nothing above 0."""
    data = score(_saas_only()).to_dict()
    levels = _all_levels(data)
    assert levels and all(level in (0, None) for _, level in levels), [x for x in levels if x[1] not in (0, None)]
    assert all(c["score"] in (0.0, None) for c in data["categories"])
    assert data["overall"]["level"] == 0 and data["overall"]["score"] == 0.0
    # Categories with nothing applicable to a SaaS copilot are n/a: null in JSON, never a number.
    na = [c for c in data["categories"] if not c["applicable"]]
    assert na and all(c["level"] is None and c["score"] is None and c["evidenced_level"] is None for c in na)


def test_view_functions_and_articles_with_nothing_met_are_level_0() -> None:
    """One met objective in GOV at level 1 only: every CSF function, AI RMF function and EU AI Act
    article without a met objective is level 0, and those with one are at most its level."""
    result = score(_saas_only((Answer("GOV-1.1", "fully"),)))
    met = {o.id for c in result.categories for o in c.objectives if o.status == "met"}
    assert met == {"GOV-1.1"}
    for buckets in result.views.values():
        for b in buckets:
            if b.level is None:
                continue
            if met & set(b.objectives):
                assert b.level <= 1
            else:
                assert b.level == 0, (b.id, b.level)


def test_na_reads_na_in_every_report() -> None:
    result = score(_saas_only())
    mdl = result.category("MDL")  # model security: nothing applies to a SaaS copilot
    assert not mdl.applicable and mdl.level is None
    assert json.loads(render(result, "json"))["categories"][4]["level"] is None
    md = render(result, "md")
    assert "| MDL Model security | n/a | n/a |" in md
    assert "None" not in md
    html = render(result, "html")
    assert ">None<" not in html and "n/a" in html
