"""Derived findings follow the assessments, on SQLite and PostgreSQL: a later assessment that no
longer shows a gap resolves its finding (naming that assessment, audited), one that shows it again
reopens it, an accepted risk stays accepted, and each finding names the roadmap item that would
close it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.answers import service as answers

from ..factories import OrgWithMembers
from ..findings_fixtures import assessed_with_findings
from .conftest import assessed

API = "/api/v1/orgs/org-a"


def _answer(database: Database, org: OrgWithMembers, objective_id: str, word: str) -> None:
    owner = org.actors[Role.OWNER]
    with database.transaction() as session:
        current = answers.get_answer(session, owner, objective_id)
        answers.save_answer(session, owner, objective_id, word, expected_version=current.version)


def test_a_later_assessment_resolves_and_reopens_derived_findings(
    client: TestClient, database: Database, org_a: OrgWithMembers, token_for: Any
) -> None:
    owner = token_for(org_a)
    gap_id, measured_id = assessed_with_findings(database, org_a)
    assert client.post(f"{API}/findings/derive", headers=owner).status_code == 200

    def findings() -> dict[tuple[str, str], dict[str, Any]]:
        listed = client.get(f"{API}/findings", headers=owner, params={"limit": 1000}).json()
        return {(f["kind"], f["objective_id"]): f for f in listed}

    gap = findings()[("gap", gap_id)]
    assert gap["status"] == "open" and gap["closed_by_assessment_id"] is None
    assert gap["roadmap"] is not None and gap["roadmap"]["objective_id"] == gap_id and gap["roadmap"]["phase"] >= 1
    failed = findings()[("failed_measurement", measured_id)]
    accepted = client.put(f"{API}/findings/{failed['id']}", headers=owner, json={"version": 1, "status": "accepted"})
    assert accepted.status_code == 200

    _answer(database, org_a, gap_id, "fully")
    fixed = assessed(client, org_a.slug, owner)
    now = findings()
    assert (now[("gap", gap_id)]["status"], now[("gap", gap_id)]["closed_by_assessment_id"]) == ("resolved", fixed)
    assert now[("gap", gap_id)]["version"] == 2
    assert now[("conflict", measured_id)]["status"] == "open"  # still shown: stays open
    assert now[("failed_measurement", measured_id)]["status"] == "accepted"
    audit = client.get(f"{API}/audit", headers=owner, params={"limit": 500}).json()
    closed = next(e for e in audit if e["action"] == "finding.auto_resolve")
    assert closed["entity_id"] == str(gap["id"]) and closed["after"]["by_assessment"] == fixed
    assert closed["before"]["status"] == "open" and closed["after"]["status"] == "resolved"
    jobs = client.get(f"{API}/jobs", headers=owner, params={"limit": 100}).json()
    assert any(j["result"] and j["result"].get("findings_resolved") == 1 for j in jobs)

    _answer(database, org_a, gap_id, "not")
    back = assessed(client, org_a.slug, owner)
    again = findings()[("gap", gap_id)]
    assert (again["status"], again["closed_by_assessment_id"], again["version"]) == ("open", None, 3)
    reopened = next(e for e in client.get(f"{API}/audit", headers=owner).json() if e["action"] == "finding.reopen")
    assert reopened["after"]["by_assessment"] == back
