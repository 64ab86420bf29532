"""Assessments from the database: same scoring as the workspace, snapshots, trend and reports."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.server.auth import Role
from aisma.server.errors import Forbidden, NotFound
from aisma.store.db import Database
from aisma.web.features.answers import service as answers
from aisma.web.features.assessments import service as assessments
from aisma.web.features.evidence import service as evidence
from aisma.web.features.measurements import service as measurements
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reports import service as reports
from aisma.web.features.transfer import service as transfer

from ..factories import OrgWithMembers

AT = datetime(2026, 11, 16, 9, tzinfo=UTC)


def test_run_list_get_and_trend(database: Database, org_a: OrgWithMembers) -> None:
    assessor, viewer = org_a.actors[Role.ASSESSOR], org_a.actors[Role.VIEWER]
    with database.transaction() as s:
        first = assessments.run_assessment(s, assessor, AT - timedelta(days=30))
    with database.transaction() as s:
        answers.save_answer(s, assessor, "GOV-1.1", "fully")
        second = assessments.run_assessment(s, assessor, AT)
    with database.transaction(readonly=True) as s:
        listed = assessments.list_assessments(s, viewer)
        latest = assessments.latest_assessment(s, viewer)
        points = assessments.trend(s, viewer)
        stored = assessments.get_assessment(s, viewer, first.id)
    assert [a.id for a in listed] == [second.id, first.id]
    assert latest is not None and latest.id == second.id
    assert latest.result["schema"] == "aisma.result/v1" and latest.result["organization"] == "Org-A"
    gov = next(c for c in latest.result["categories"] if c["id"] == "GOV")
    assert next(o for o in gov["objectives"] if o["id"] == "GOV-1.1")["answer"] == "fully"
    assert stored.result["assessed_at"] == (AT - timedelta(days=30)).isoformat()
    assert [p.assessment_id for p in points] == [first.id, second.id]
    assert {c.id for c in points[-1].categories} == {c["id"] for c in latest.result["categories"]}
    gov_trend = [next(c for c in p.categories if c.id == "GOV").score for p in points]
    assert gov_trend[1] is not None and gov_trend[0] is not None and gov_trend[1] > gov_trend[0]


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER])
def test_only_assessors_and_owners_run(database: Database, org_a: OrgWithMembers, role: Role) -> None:
    with database.transaction() as s, pytest.raises(Forbidden):
        assessments.run_assessment(s, org_a.actors[role], AT)


def test_other_organization_assessments_are_not_found(
    database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    with database.transaction() as s:
        theirs = assessments.run_assessment(s, org_b.actors[Role.OWNER], AT)
    with database.transaction(readonly=True) as s:
        with pytest.raises(NotFound):
            assessments.get_assessment(s, org_a.actors[Role.OWNER], theirs.id)
        with pytest.raises(NotFound):
            reports.render_report(s, org_a.actors[Role.OWNER], theirs.id, "html")
        assert assessments.list_assessments(s, org_a.actors[Role.OWNER]) == []
        assert assessments.latest_assessment(s, org_a.actors[Role.OWNER]) is None
        assert assessments.trend(s, org_a.actors[Role.OWNER]) == []


def test_server_assessment_of_the_imported_bank_matches_the_workspace(database: Database, tmp_path: Path) -> None:
    """Same inputs, same result: measurements keep their entity ids (union merge) and observed assets
    reach discovery, so every objective, category, the overall level and the shadow AI agree."""
    from aisma.workspace.run import assess_workspace

    bank = tmp_path / "bank"
    write_example(bank, overwrite_demo=False)
    at = datetime.fromisoformat(DEMO_ASSESSED_AT)
    with database.transaction() as s:
        summary = transfer.import_workspace(s, bank, "bank", tmp_path / "store", at=at)
    assert summary.observed > 0
    with database.transaction() as s:
        run = assessments.run_assessment(s, accounts.system_actor(s, "bank"), at)
        got = assessments.get_assessment(s, accounts.system_actor(s, "bank"), run.id).result
    expected = assess_workspace(bank, at).to_dict()

    def objectives(result: dict[str, Any]) -> dict[str, tuple[object, ...]]:
        return {
            o["id"]: (o["status"], o["answer"], o["source"], o["evidenced_status"])
            for c in result["categories"]
            for o in c["objectives"]
        }

    def categories(result: dict[str, Any]) -> dict[str, tuple[object, ...]]:
        return {c["id"]: (c["level"], c["score"], c["evidenced_level"]) for c in result["categories"]}

    assert objectives(got) == objectives(expected)
    assert next(o for c in got["categories"] for o in c["objectives"] if o["id"] == "MCP-3.2")["status"] == "met"
    assert categories(got) == categories(expected)
    assert got["overall"] == expected["overall"]
    assert expected["unregistered_ai"] and got["unregistered_ai"] == expected["unregistered_ai"]


def test_the_imported_demo_is_assessed_as_of_its_pinned_time(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`aisma server import` of a workspace with as_of, then "run an assessment" with no time: the same
    levels, verdicts and measured objectives as `aisma assess` of the folder, whatever today is."""
    from aisma.web.features.assessments import service as service_module
    from aisma.workspace import clock
    from aisma.workspace.run import assess_workspace

    later = datetime(2027, 6, 1, tzinfo=UTC)
    monkeypatch.setattr(clock, "wall_clock", lambda: later)
    monkeypatch.setattr(service_module, "utcnow", lambda: later)
    bank = tmp_path / "bank"
    write_example(bank, overwrite_demo=False)
    with database.transaction() as s:
        transfer.import_workspace(s, bank, "bank", tmp_path / "store")
    with database.transaction() as s:
        run = assessments.run_assessment(s, accounts.system_actor(s, "bank"))
        got = assessments.get_assessment(s, accounts.system_actor(s, "bank"), run.id).result
    expected = assess_workspace(bank).to_dict()
    assert got["assessed_at"] == expected["assessed_at"] == DEMO_ASSESSED_AT
    assert got["time_basis"] == expected["time_basis"] == "as_of"
    assert got["overall"] == expected["overall"]
    assert [(c["id"], c["level"], c["evidenced_level"]) for c in got["categories"]] == [
        (c["id"], c["level"], c["evidenced_level"]) for c in expected["categories"]
    ]
    assert [(g["system"], g["verdict"], g["evidenced_verdict"]) for g in got["gating"]] == [
        (g["system"], g["verdict"], g["evidenced_verdict"]) for g in expected["gating"]
    ]

    def measured(result: dict[str, Any]) -> int:
        return sum(1 for c in result["categories"] for o in c["objectives"] if o["source"] == "measured")

    assert (
        measured(got) == measured(expected) == 71
    )  # aisma-core 1.3.0: INV-1.3, DAT-4.4 and DAT-5.3 measured from the m365-copilot evidence, DAT-4.3 retired
    assert [g["system"] for g in got["gating"] if g["verdict"] == "do_not_proceed"] == [
        "aml-investigations",
        "claude-code",
        "fraud-triage-agent",
    ]
    # An explicit time still wins over the pin.
    with database.transaction() as s:
        asked = assessments.run_assessment(s, accounts.system_actor(s, "bank"), later)
    assert asked.assessed_at.replace(tzinfo=UTC) == later


def test_reports_render_the_snapshot(database: Database, org_a: OrgWithMembers) -> None:
    with database.transaction() as s:
        run = assessments.run_assessment(s, org_a.actors[Role.OWNER], AT)
    with database.transaction(readonly=True) as s:
        viewer = org_a.actors[Role.VIEWER]
        as_json = reports.render_report(s, viewer, run.id, "json")
        as_html = reports.render_report(s, viewer, run.id, "html")
        as_md = reports.render_report(s, viewer, run.id, "md")
        with pytest.raises(NotFound, match="format"):
            reports.render_report(s, viewer, run.id, "docx")
        stored = assessments.get_assessment(s, viewer, run.id)
    assert json.loads(as_json.content) == stored.result and as_json.media_type == "application/json"
    assert as_html.content.startswith("<!doctype html>") or "<html" in as_html.content[:200]
    assert "Org-A" in as_md.content and as_md.filename.endswith(".md")
    assert as_html.filename == f"aisma-org-a-2026-11-16-{run.id}.html"


def test_evidence_and_measurements_count_in_the_assessment(
    database: Database, org_a: OrgWithMembers, tmp_path: Path
) -> None:
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        record = evidence.store_evidence(s, assessor, tmp_path, "policies/policy.md", io.BytesIO(b"# policy"), 1000)
        answers.save_answer(s, assessor, "GOV-1.1", "fully", evidence=[record.ref])
        answers.save_answer(s, assessor, "GOV-1.2", "fully", evidence=["evidence/missing.md"])
        measurements.push(
            s,
            assessor,
            [
                {
                    "metric": "inventory.systems.owner_ratio",
                    "observed_at": "2026-11-10T00:00:00Z",
                    "numerator": 1,
                    "denominator": 4,
                    "provenance": {"tool": "edge", "file": "x.json"},
                }
            ],
        )
        run = assessments.run_assessment(s, assessor, AT)
        result = assessments.get_assessment(s, assessor, run.id).result
    found = {o["id"]: o for c in result["categories"] for o in c["objectives"]}
    assert found["GOV-1.1"]["source"] == "attested_with_evidence"
    assert found["GOV-1.1"]["evidence"][0]["sha256"] == record.sha256
    assert found["GOV-1.2"]["source"] == "attested"
    assert any("evidence/missing.md is not stored" in w for w in result["warnings"])
