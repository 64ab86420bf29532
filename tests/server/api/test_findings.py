"""Findings over the API, on SQLite and PostgreSQL: derived from the latest assessment (gaps, conflicts,
failed measurements) without duplicates, an auditor's remark, owner/severity/status/due changed with a
version (the assignee may move the status), every change audited, and exported as CSV and as CSV that
Jira's and github-csv-tools' importers read, with formula cells guarded."""

from __future__ import annotations

import csv
import io
from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.store.db import Database

from ..factories import OrgWithMembers
from ..findings_fixtures import assessed_with_findings

API = "/api/v1/orgs/org-a/findings"


def rows_of(body: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body)))


def test_findings_derived_changed_and_exported_through_the_api(
    client: TestClient, database: Database, org_a: OrgWithMembers, token_for: Any
) -> None:
    assessor = token_for(org_a, Role.ASSESSOR)
    assert client.post(f"{API}/derive", headers=assessor).status_code == 422  # no assessment yet
    gap_id, measured_id = assessed_with_findings(database, org_a)
    made = client.post(f"{API}/derive", headers=assessor).json()
    assert made["created"] > 0 and made["existing"] == 0
    again = client.post(f"{API}/derive", headers=assessor).json()
    assert again == {**made, "created": 0, "existing": made["created"]}  # never a duplicate
    listed = client.get(API, headers=assessor, params={"kind": "gap", "limit": 1000})
    gaps = {f["objective_id"]: f for f in listed.json()}
    assert listed.headers["x-total-count"] == str(len(gaps)) and gaps[gap_id]["severity"] == "high"
    kinds = {(f["kind"], f["objective_id"]) for f in client.get(API, headers=assessor, params={"limit": 1000}).json()}
    assert ("conflict", measured_id) in kinds and ("failed_measurement", measured_id) in kinds

    finding = gaps[gap_id]
    contributor = org_a.emails[Role.CONTRIBUTOR]
    change = {"version": 1, "owner": contributor, "due": "2026-12-31", "severity": "critical"}
    changed = client.put(f"{API}/{finding['id']}", headers=assessor, json=change)
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed.json()["owner"] == contributor
    stale = client.put(f"{API}/{finding['id']}", headers=assessor, json={**change, "status": "resolved"})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    stranger = client.put(f"{API}/{finding['id']}", headers=assessor, json={"version": 2, "owner": "x@else.example"})
    assert stranger.status_code == 422 and "not a member" in stranger.json()["detail"]
    mine = token_for(org_a, Role.CONTRIBUTOR)
    moved = client.put(f"{API}/{finding['id']}", headers=mine, json={"version": 2, "status": "in_progress"})
    assert moved.status_code == 200 and moved.json()["status"] == "in_progress"  # the assignee moves the status
    assert client.put(f"{API}/{finding['id']}", headers=mine, json={"version": 3, "severity": "low"}).status_code == 403
    viewer = token_for(org_a, Role.VIEWER)
    assert (
        client.put(f"{API}/{finding['id']}", headers=viewer, json={"version": 3, "status": "resolved"}).status_code
        == 403
    )
    assert client.post(API, headers=viewer, json={"title": "x"}).status_code == 403

    remark = {"title": "=HYPERLINK(\"https://evil.example\")", "detail": "Auditor: no minutes for Q3",
              "objective_id": "GOV-2.1", "severity": "low", "due": "2027-01-15"}  # fmt: skip
    created = client.post(API, headers=assessor, json=remark)
    assert created.status_code == 201 and created.json()["kind"] == "remark"
    assert client.post(API, headers=assessor, json={"title": "x", "objective_id": "not an id"}).status_code == 422
    resolved = client.put(
        f"{API}/{created.json()['id']}", headers=assessor, json={"version": 1, "status": "resolved"}
    ).json()
    assert resolved["status"] == "resolved"

    jira = client.get(f"{API}/export", headers=assessor, params={"format": "jira"})
    assert jira.status_code == 200 and jira.text.splitlines()[0].startswith("Summary,Description,Issue Type,Priority")
    jira_rows = rows_of(jira.text)
    critical = next(r for r in jira_rows if r["Assignee"] == contributor)
    assert critical["Priority"] == "Highest" and critical["Due Date"] == "2026-12-31"
    assert critical["Status"] == "In Progress" and gap_id in critical["Description"]
    github = rows_of(client.get(f"{API}/export", headers=assessor, params={"format": "github"}).text)
    hostile = next(r for r in github if "HYPERLINK" in r["title"])
    assert hostile["title"].startswith("'=") and hostile["state"] == "closed"
    assert hostile["labels"] == "aisma,remark,severity:low"
    plain = rows_of(client.get(f"{API}/export", headers=assessor, params={"format": "csv", "status": "resolved"}).text)
    assert [r["kind"] for r in plain] == ["remark"]
    audit = client.get("/api/v1/orgs/org-a/audit", headers=assessor, params={"entity": "finding", "limit": 1000})
    actions = [e["action"] for e in audit.json()]
    assert actions.count("finding.update") == 3 and actions.count("finding.create") == made["created"] + 1
