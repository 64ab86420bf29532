"""Lists that scale, in-process on SQLite and PostgreSQL: every list page pages (``?page=N``, 50 a page),
filters (a mistyped filter is a 422 naming it) and exports what matches as CSV and XLSX with formula
cells guarded; the questionnaire shows the measured value and its age; the API says how many items a
list has (``X-Total-Count``) and takes the same filters. Only the member's organization is listed."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from aisma.server.auth import Role
from aisma.server.models import model_by_id
from aisma.server.storage import store_for
from aisma.store.db import Database
from aisma.store.types import utcnow
from aisma.web.features.answers import service as answers
from aisma.web.features.assessments import service as assessments
from aisma.web.features.evidence import service as evidence
from aisma.web.features.measurements import service as measurements
from aisma.web.features.reviews import service as reviews

from ..factories import OrgWithMembers
from .page_helpers import page_client, sign_in_form

HOSTILE_NOTE = '=HYPERLINK("https://evil.example","x")'


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url) as test_client:
        yield test_client


def csv_rows(body: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body)))


def xlsx_rows(content: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    assert sheet is not None
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def submitted_answers(database: Database, org: OrgWithMembers, count: int) -> list[str]:
    """``count`` answers given and submitted by the assessor (the owner may review them); the first accepted."""
    ids = [o.id for o in model_by_id("aisma-core").objectives()][:count]
    with database.transaction() as session:
        assessor = org.actors[Role.ASSESSOR]
        for index, objective_id in enumerate(ids):
            note = HOSTILE_NOTE if index == 1 else "minutes"
            saved = answers.save_answer(session, assessor, objective_id, "largely", note=note)
            reviews.submit_answer(session, assessor, objective_id, saved.version)
        reviews.decide_answer(session, org.actors[Role.OWNER], ids[0], "accepted", 1)
    return ids


def test_reviews_page_pages_filters_lists_accepted_and_exports(
    client: TestClient, database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    ids = submitted_answers(database, org_a, 62)
    csrf = sign_in_form(client, org_a.emails[Role.OWNER])
    page = f"/orgs/{org_a.slug}/reviews"
    back = "category=GOV&submitted_page=2&evil=https://x.example"
    form = {"csrf_token": csrf, "objective_id": ids[-1], "version": "1", "step": "accepted", "back": back}
    moved = client.post(page, data=form, follow_redirects=False)  # the list comes back as it was shown
    assert moved.headers["location"] == f"{page}?category=GOV&submitted_page=2&msg=answer-accepted"
    first = client.get(page).text
    assert "60 submitted, waiting for an assessor" in first and "2 accepted" in first
    assert first.count('aria-label="Review ') == 50  # one page of 50
    assert 'href="/orgs/org-a/reviews?submitted_page=2"' in first and 'data-testid="accepted"' in first
    second = client.get(page, params={"submitted_page": "2"}).text
    assert second.count('aria-label="Review ') == 10 and 'aria-current="page" aria-label="Page 2"' in second
    only_gov = client.get(page, params={"category": "GOV", "status": "submitted"}).text
    gov = sum(1 for i in ids[1:-1] if i.startswith("GOV-"))
    assert f"{gov} submitted" in only_gov and "s-accepted" not in only_gov and "s-drafts" not in only_gov
    accepted = client.get(page, params={"status": "accepted"}).text
    assert f">{ids[0]}</a>" in accepted and "Accepted</span> by owner@org-a.example" in accepted
    exported = client.get(page, params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="org-a-reviews-' in exported.headers["content-disposition"]
    rows = csv_rows(exported.text)
    assert rows[0][:6] == ["objective", "category", "level", "title", "answer", "status"] and len(rows) == 63
    hostile = next(r for r in rows if r[0] == ids[1])
    assert hostile[rows[0].index("note")] == "'" + HOSTILE_NOTE  # a spreadsheet shows it, never runs it
    book = xlsx_rows(client.get(page, params={"format": "xlsx", "status": "accepted"}).content)
    assert [r[0] for r in book] == ["objective", *sorted((ids[0], ids[-1]))]
    everything = xlsx_rows(client.get(page, params={"format": "xlsx"}).content)
    assert any(cell == "'" + HOSTILE_NOTE for row in everything for cell in row)
    wrong = client.get(page, params={"status": "maybe"})
    assert wrong.status_code == 422 and "status: choose one of submitted, returned, draft, accepted" in wrong.text
    assert client.get(page, params={"submitted_page": "0"}).status_code == 422
    for path in ("/reviews?format=csv", "/questionnaire?format=xlsx", "/audit?format=csv", "/measurements?format=csv"):
        assert client.get(f"/orgs/{org_b.slug}{path}").status_code == 404, path


def test_questionnaire_lists_objectives_with_the_measured_value_and_its_age(
    client: TestClient, database: Database, org_a: OrgWithMembers
) -> None:
    model = model_by_id("aisma-core")
    pushed = [
        o for o in model.objectives() if o.measurement.metric and not o.measurement.metric.startswith("inventory")
    ]
    fresh, old = pushed[0], pushed[1]
    now = utcnow()
    with database.transaction() as session:
        owner = org_a.actors[Role.OWNER]
        answers.save_answer(session, owner, "GOV-1.1", "fully", note="charter")
        for objective, days in ((fresh, 10), (old, (old.measurement.max_age_days or 90) + 30)):
            measurements.push(
                session,
                owner,
                [
                    {
                        "metric": objective.measurement.metric,
                        "observed_at": (now - timedelta(days=days)).isoformat(),
                        "numerator": 3,
                        "denominator": 4,
                        "provenance": {"tool": "garak", "file": "evidence/x.json"},
                    }
                ],
            )
        assessments.run_assessment(session, owner, at=now - timedelta(days=1))
    sign_in_form(client, org_a.emails[Role.VIEWER])
    base = f"/orgs/{org_a.slug}/questionnaire"
    index = client.get(base).text
    assert f"Download all {len(model.objectives())} objectives" in index
    assert index.count('<tr><td data-label="Objective">') == 50
    measured = client.get(base, params={"show": "measured"}).text
    fresh_row = re.search(rf">{re.escape(fresh.id)}</a>.*?</tr>", measured, re.S)
    assert fresh_row and "0.750 (3/4)" in fresh_row.group(0) and "10 days ago" in fresh_row.group(0)
    stale = client.get(base, params={"show": "stale"}).text
    assert f">{old.id}</a>" in stale and "measurement stale since" in stale and f">{fresh.id}</a>" not in stale
    category = client.get(f"{base}/{fresh.id.split('-')[0]}").text
    line = re.search(rf'data-testid="measured-{re.escape(fresh.id)}">([^<]*)', category)
    assert line and "Measured 0.750 (3/4)" in line.group(1) and "10 days ago" in line.group(1)
    unanswered = client.get(base, params={"show": "unanswered", "format": "csv"}).text
    rows = csv_rows(unanswered)
    assert len(rows) - 1 == len(model.objectives()) - 1 and "GOV-1.1" not in [r[0] for r in rows]
    level_one = csv_rows(client.get(base, params={"level": "1", "category": "GOV", "format": "csv"}).text)
    assert {r[2] for r in level_one[1:]} == {"1"} and {r[1] for r in level_one[1:]} == {"GOV"}
    assert client.get(base, params={"show": "everything"}).status_code == 422


def test_measurements_evidence_audit_and_members_page_filter_and_export(
    client: TestClient, database: Database, org_a: OrgWithMembers, tmp_path: Path
) -> None:
    with database.transaction() as session:
        owner = org_a.actors[Role.OWNER]
        items = [
            {
                "metric": "garak.attack_success_rate" if i % 2 else "promptfoo.pass_rate",
                "observed_at": f"2026-11-{1 + i % 28:02d}T10:00:00Z",
                "value": i / 100,
                "provenance": {"tool": "garak", "file": "=cmd|' /C calc'!A0"},
            }
            for i in range(61)
        ]
        # a ratio as collectors send it: counts, no value; the page shows both the counts and the ratio
        items.append(
            {
                "metric": "copilot.content.labeled_ratio",
                "observed_at": "2026-10-01T10:00:00Z",
                "numerator": 16,
                "denominator": 20,
                "provenance": {"tool": "m365-copilot"},
            }
        )
        measurements.push(session, owner, items)
        store = store_for(tmp_path / "evidence", None)
        for name in ("policy.md", "minutes.md", "-rf.md"):
            evidence.store_evidence(session, owner, store, name, io.BytesIO(name.encode()), 100)
        answers.save_answer(session, owner, "GOV-1.1", "fully", evidence=["evidence/policy.md"])
    sign_in_form(client, org_a.emails[Role.OWNER])
    base = f"/orgs/{org_a.slug}"
    listed = client.get(f"{base}/measurements").text
    assert "62 measurements, newest first" in listed and 'aria-label="Page 2"' in listed
    ratio = client.get(f"{base}/measurements", params={"metric": "copilot.content.labeled_ratio"}).text
    assert re.search(r'data-label="Value">0\.800</td>\s*<td class="num" data-label="Ratio">16/20<', ratio), ratio
    one = client.get(f"{base}/measurements", params={"metric": "garak.attack_success_rate"}).text
    assert "30 measurements of <code>garak.attack_success_rate</code>" in one
    exported = csv_rows(client.get(f"{base}/measurements", params={"format": "csv"}).text)
    assert len(exported) == 63 and exported[1][rows_index(exported, "files")] == "'=cmd|' /C calc'!A0"
    api = client.get(f"/api/v1/orgs/{org_a.slug}/measurements", params={"metric": "promptfoo.pass_rate", "limit": 5})
    assert api.headers["x-total-count"] == "31" and len(api.json()) == 5 and 'rel="next"' in api.headers["link"]

    files = client.get(f"{base}/evidence", params={"cited": "not cited"}).text
    assert "2 files match" in files and "minutes.md" in files and "policy.md</a>" not in files
    ev = csv_rows(client.get(f"{base}/evidence", params={"format": "csv"}).text)
    assert [r[0] for r in ev if "rf.md" in r[0]] == ["'-rf.md"]
    assert next(r for r in ev if r[0] == "policy.md")[-1] == "GOV-1.1"

    trail = client.get(f"{base}/audit").text
    assert "entries" in trail and "measurements.push" in trail
    pushes = client.get(f"{base}/audit", params={"action": "evidence.store"}).text
    assert "3 entries match" in pushes
    audit_csv = csv_rows(client.get(f"{base}/audit", params={"action": "evidence.store", "format": "csv"}).text)
    assert len(audit_csv) == 4 and {r[3] for r in audit_csv[1:]} == {"evidence.store"}
    api_audit = client.get(f"/api/v1/orgs/{org_a.slug}/audit", params={"action": "evidence.store"})
    assert api_audit.headers["x-total-count"] == "3" and {e["action"] for e in api_audit.json()} == {"evidence.store"}
    by_who = client.get(f"/api/v1/orgs/{org_a.slug}/audit", params={"who": "OWNER@org-a", "entity": "answer"})
    assert by_who.headers["x-total-count"] == "1"
    assert client.get(f"{base}/audit", params={"action": "nope"}).status_code == 422

    members = csv_rows(client.get(f"{base}/admin", params={"format": "csv"}).text)
    assert members[0] == ["email", "name", "role"] and len(members) == 5
    assessors = client.get(f"{base}/admin", params={"role": "assessor"}).text
    assert "1 member matches" in assessors and "viewer@org-a.example" not in assessors
    answers_api = client.get(f"/api/v1/orgs/{org_a.slug}/answers", params={"status": "draft", "category": "GOV"})
    assert answers_api.headers["x-total-count"] == "1" and answers_api.json()[0]["objective_id"] == "GOV-1.1"


def rows_index(rows: list[list[str]], name: str) -> int:
    return rows[0].index(name)


def test_inventory_filters_and_exports(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in_form(client, org_a.emails[Role.OWNER])
    base = f"/orgs/{org_a.slug}/inventory"
    for system_id, track, owner in (("a1", "build", "ana@x.example"), ("b2", "copilot", "bo@x.example")):
        form = {"csrf_token": csrf, "id": system_id, "name": system_id.upper(), "track": track,
                "deployment_type": "paas", "owner": owner}  # fmt: skip
        assert client.post(base, data=form, follow_redirects=False).status_code == 303
    copilots = client.get(base, params={"track": "copilot"}).text
    assert "Systems matching: 1" in copilots and ">B2</a>" in copilots and ">A1</a>" not in copilots
    owned = csv_rows(client.get(base, params={"owner": "ANA@", "format": "csv"}).text)
    assert [r[0] for r in owned] == ["id", "a1"]
    book = xlsx_rows(client.get(base, params={"format": "xlsx"}).content)
    assert [r[0] for r in book] == ["id", "a1", "b2"]
    assert client.get(base, params={"environment": "moon"}).status_code == 422
