"""The evidence pages in-process, on SQLite and PostgreSQL: upload (a new file, then a revision of it),
the file's page with its revisions, dates and "cited by", a mistake that comes back with what was
typed, a stale revision refused, roles and organizations kept apart; and findings that name the
roadmap item closing them, listed beside that item on the roadmap page."""

from __future__ import annotations

import html
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx import Response

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.answers import service as answers
from aisma.web.features.findings import service as findings

from ..factories import OrgWithMembers
from ..findings_fixtures import assessed_with_findings
from .page_helpers import page_client, sign_in_form, title_of


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url) as test_client:
        yield test_client


def _upload(client: TestClient, csrf: str, slug: str, data: bytes, **fields: str) -> Response:
    return client.post(
        f"/orgs/{slug}/evidence/upload",
        data={"csrf_token": csrf, **fields},
        files={"file": ("dpia.pdf", data, "application/pdf")},
        follow_redirects=False,
    )


def test_upload_revise_date_and_cited_by_on_the_pages(
    client: TestClient, database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    slug = org_a.slug
    csrf = sign_in_form(client, org_a.emails[Role.CONTRIBUTOR])
    made = _upload(client, csrf, slug, b"DPIA v1", expires_on="2026-01-31")
    assert made.status_code == 303, made.text[-2000:]
    assert "msg=evidence-uploaded" in made.headers["location"]
    file_url = made.headers["location"].split("?")[0]
    page = client.get(file_url)
    assert page.status_code == 200 and title_of(page.text).startswith("dpia.pdf · Evidence")
    assert "Expired</span> on 2026-01-31" in page.text and "1 revision" in page.text

    with database.transaction() as session:
        answers.save_answer(session, org_a.actors[Role.OWNER], "GOV-1.1", "fully", evidence=["evidence/dpia.pdf"])
    listed = client.get(f"/orgs/{slug}/evidence", params={"expiry": "expired"}).text
    assert "dpia.pdf" in listed and "GOV-1.1" in listed
    questionnaire = client.get(f"/orgs/{slug}/questionnaire/GOV").text
    assert "expired 2026-01-31" in questionnaire

    typo = _upload(client, csrf, slug, b"DPIA v2", effective_on="2027-02-01", expires_on="2027-01-01", path="dpia.pdf")
    assert typo.status_code == 422
    assert "Nothing was uploaded" in typo.text and 'value="2027-02-01"' in typo.text
    second = _upload(client, csrf, slug, b"DPIA v2", expires_on="2027-12-31", evidence_id=file_url.rsplit("/", 1)[1])
    assert second.status_code == 303 and second.headers["location"].split("?")[0] == file_url
    page = client.get(file_url).text
    assert "2 revisions" in page and "Upload revision 3" in page and "GOV-1.1" in page

    evidence_id = file_url.rsplit("/", 1)[1]
    bad = client.post(f"{file_url}/dates", data={"csrf_token": csrf, "revision": "2", "expires_on": "31.12.2027"})
    assert bad.status_code == 422 and "is not a date" in html.unescape(bad.text) and "31.12.2027" in bad.text
    stale = client.post(f"{file_url}/dates", data={"csrf_token": csrf, "revision": "1", "expires_on": "2028-01-01"})
    assert stale.status_code == 409 and "new revision was uploaded" in stale.text
    saved = client.post(
        f"{file_url}/dates", data={"csrf_token": csrf, "revision": "2", "effective_on": "2027-01-01", "expires_on": ""},
        follow_redirects=False,
    )  # fmt: skip
    assert saved.status_code == 303 and "msg=evidence-dates" in saved.headers["location"]
    assert "No expiry date" in client.get(file_url).text
    assert client.post(f"{file_url}/dates", data={"revision": "2"}).status_code == 403  # no CSRF token

    sign_in_form(client, org_a.emails[Role.VIEWER])
    viewer_page = client.get(file_url).text
    assert "Save the dates" not in viewer_page and "Upload revision" not in viewer_page
    csrf_b = sign_in_form(client, org_b.emails[Role.OWNER])
    assert client.get(f"/orgs/{slug}/evidence/{evidence_id}").status_code == 404
    assert client.get(f"/orgs/{org_b.slug}/evidence/{evidence_id}").status_code == 404
    assert _upload(client, csrf_b, slug, b"planted").status_code == 404


def test_findings_and_roadmap_name_each_other(client: TestClient, database: Database, org_a: OrgWithMembers) -> None:
    gap_id, _measured = assessed_with_findings(database, org_a)
    with database.transaction() as session:
        findings.derive(session, org_a.actors[Role.ASSESSOR])
    sign_in_form(client, org_a.emails[Role.VIEWER])
    listed = client.get(f"/orgs/{org_a.slug}/findings", params={"objective": gap_id}).text
    assert f"meet {gap_id}</a>" in listed and "Closed by roadmap phase" in listed
    roadmap = client.get(f"/orgs/{org_a.slug}/roadmap").text
    assert f'id="road-{gap_id}"' in roadmap and f"?objective={gap_id}#finding-" in roadmap
