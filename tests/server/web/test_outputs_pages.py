"""The reports page offers every registered format; the workbook page previews and imports, with CSRF."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.app import create_app
from aisma.web.features.answers import service as answers
from aisma.web.features.assessments import service as assessments

from ..api.test_report_formats_and_workbook import cells, edited
from ..factories import OrgWithMembers
from .test_pages import sign_in

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = ServerSettings(data_dir=tmp_path / "data", database_url=database_url, secret_key="k" * 32)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def assessed(database: Database, org: OrgWithMembers) -> int:
    with database.transaction() as s:
        answers.save_answer(s, org.actors[Role.ASSESSOR], "GOV-1.1", "partially", note="draft")
        return assessments.run_assessment(s, org.actors[Role.OWNER]).id


@pytest.mark.slow
def test_reports_page_links_every_format(client: TestClient, org_a: OrgWithMembers, database: Database) -> None:
    run = assessed(database, org_a)
    sign_in(client, org_a.emails[Role.VIEWER])
    page = client.get(f"/orgs/{org_a.slug}/reports").text
    links = set(re.findall(rf'href="/orgs/org-a/reports/{run}/report\.([a-z-]+)"', page))
    assert {"html", "md", "json", "pdf", "xlsx", "oscal", "oscal-plan"} <= links
    pdf = client.get(f"/orgs/{org_a.slug}/reports/{run}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"] == f'attachment; filename="aisma-org-a-{pdf_day(pdf)}-{run}.pdf"'
    workbook = client.get(f"/orgs/{org_a.slug}/reports/{run}/report.xlsx")
    assert workbook.headers["content-type"] == XLSX
    assert cells(workbook.content)["GOV-1.1"]["answer"] == "partially"
    assert client.get(f"/orgs/{org_a.slug}/reports/{run}/report.docx").status_code == 404
    assert client.get(f"/orgs/org-b/reports/{run}/report.xlsx").status_code == 404


def pdf_day(response: object) -> str:
    found = re.search(r"aisma-org-a-(\d{4}-\d\d-\d\d)-", getattr(response, "headers")["content-disposition"])
    assert found
    return found.group(1)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def post_workbook(client: TestClient, csrf: str, data: bytes, action: str) -> object:
    return client.post(
        "/orgs/org-a/workbook",
        data={"csrf_token": csrf, "action": action},
        files={"file": ("answers.xlsx", data, XLSX)},
    )


def test_workbook_form_previews_then_imports(client: TestClient, org_a: OrgWithMembers, database: Database) -> None:
    run = assessed(database, org_a)
    sign_in(client, org_a.emails[Role.ASSESSOR])
    assert 'href="/orgs/org-a/workbook"' in client.get("/orgs/org-a/questionnaire").text
    form = client.get("/orgs/org-a/workbook")
    csrf = csrf_of(form.text)
    exported = client.get(f"/orgs/org-a/reports/{run}/report.xlsx").content
    changed = edited(exported, {"GOV-1.1": {"answer": "fully", "note": "<b>signed</b>"}, "GOV-1.2": {"answer": "not"}})

    no_csrf = client.post("/orgs/org-a/workbook", data={"action": "import"}, files={"file": ("a.xlsx", changed, XLSX)})
    assert no_csrf.status_code == 403

    preview = post_workbook(client, csrf, changed, "preview")
    assert preview.status_code == 200
    assert "Preview: the workbook changes 2 answer(s)" in preview.text
    assert "&lt;b&gt;signed&lt;/b&gt;" in preview.text and "<b>signed" not in preview.text
    with database.transaction(readonly=True) as s:
        assert answers.get_answer(s, org_a.actors[Role.VIEWER], "GOV-1.1").answer == "partially"

    imported = post_workbook(client, csrf, changed, "import")
    assert imported.status_code == 200 and "Imported: 2 answer(s) changed." in imported.text
    with database.transaction(readonly=True) as s:
        stored = {a.objective_id: a for a in answers.list_answers(s, org_a.actors[Role.VIEWER])}
    assert stored["GOV-1.1"].answer == "fully" and stored["GOV-1.1"].version == 2
    assert stored["GOV-1.2"].answer == "not" and stored["GOV-1.2"].version == 1

    foreign = post_workbook(client, csrf, edited(exported, {}, meta={"model_version": "9.9"}), "import")
    assert foreign.status_code == 422 and "Nothing was imported" in foreign.text and "sheet metadata" in foreign.text
    hostile = post_workbook(client, csrf, b"PK\x03\x04 not really", "import")
    assert hostile.status_code == 422 and "not an XLSX workbook" in hostile.text


def test_contributor_form_refuses_objectives_it_may_not_answer(
    client: TestClient, org_a: OrgWithMembers, database: Database
) -> None:
    run = assessed(database, org_a)
    sign_in(client, org_a.emails[Role.CONTRIBUTOR])
    csrf = csrf_of(client.get("/orgs/org-a/workbook").text)
    exported = client.get(f"/orgs/org-a/reports/{run}/report.xlsx").content
    refused = post_workbook(client, csrf, edited(exported, {"GOV-1.1": {"answer": "fully"}}), "import")
    assert refused.status_code == 403 and "may not answer GOV-1.1" in refused.text
    with database.transaction(readonly=True) as s:
        assert answers.get_answer(s, org_a.actors[Role.VIEWER], "GOV-1.1").answer == "partially"
    sign_in(client, org_a.emails[Role.VIEWER])
    assert "Your role cannot change answers." in client.get("/orgs/org-a/workbook").text


def test_workbook_form_lists_conflicts_and_imports_only_when_forced(
    client: TestClient, org_a: OrgWithMembers, database: Database
) -> None:
    run = assessed(database, org_a)
    sign_in(client, org_a.emails[Role.ASSESSOR])
    csrf = csrf_of(client.get("/orgs/org-a/workbook").text)
    exported = client.get(f"/orgs/org-a/reports/{run}/report.xlsx").content
    with database.transaction() as s:  # someone edits GOV-1.1 after the export
        answers.save_answer(s, org_a.actors[Role.OWNER], "GOV-1.1", "largely", note="reviewed", expected_version=1)
    changed = edited(exported, {"GOV-1.1": {"answer": "fully"}})

    refused = post_workbook(client, csrf, changed, "import")
    assert refused.status_code == 409
    assert "Nothing was imported: the workbook edits 1 answer that changed after it was exported" in refused.text
    table = refused.text[refused.text.index('id="workbook-conflicts"') :]
    assert "GOV-1.1" in table and ">objectives<" in table and ">F2<" in table and ">1<" in table and ">2<" in table
    with database.transaction(readonly=True) as s:
        assert answers.get_answer(s, org_a.actors[Role.VIEWER], "GOV-1.1").answer == "largely"

    forced = client.post(
        "/orgs/org-a/workbook",
        data={"csrf_token": csrf, "action": "import", "force": "yes"},
        files={"file": ("answers.xlsx", changed, XLSX)},
    )
    assert forced.status_code == 200, forced.text
    assert "1 of them over a newer answer (forced; recorded in the audit log)" in forced.text
    with database.transaction(readonly=True) as s:
        gov = answers.get_answer(s, org_a.actors[Role.VIEWER], "GOV-1.1")
    assert (gov.answer, gov.note, gov.version) == ("fully", "reviewed", 3)


def test_evidence_review_form_needs_csrf_and_a_reviewer(
    client: TestClient, org_a: OrgWithMembers, database: Database
) -> None:
    with database.transaction() as s:
        answers.save_answer(s, org_a.actors[Role.ASSESSOR], "GOV-1.1", "fully", evidence=["https://wiki.example/p"])
    sign_in(client, org_a.emails[Role.VIEWER])
    page = client.get("/orgs/org-a/questionnaire/GOV").text
    assert "Cited, unverified" in page and "Accept evidence" not in page  # a viewer sees, cannot review
    sign_in(client, org_a.emails[Role.ASSESSOR])
    assert "Accept evidence" not in client.get("/orgs/org-a/questionnaire/GOV").text  # the answerer's own
    sign_in(client, org_a.emails[Role.OWNER])
    page = client.get("/orgs/org-a/questionnaire/GOV").text
    assert "Accept evidence" in page
    form = {"objective_id": "GOV-1.1", "version": "1", "decision": "accepted", "review_note": "<i>checked</i>"}
    assert client.post("/orgs/org-a/questionnaire/GOV/review", data=form).status_code == 403  # no CSRF token
    with database.transaction(readonly=True) as s:
        assert answers.get_answer(s, org_a.actors[Role.VIEWER], "GOV-1.1").evidence_review is None
    done = client.post("/orgs/org-a/questionnaire/GOV/review", data={**form, "csrf_token": csrf_of(page)})
    assert done.status_code == 200 and "Evidence accepted: the answer now counts as evidenced." in done.text
    assert "&lt;i&gt;checked&lt;/i&gt;" in done.text and "<i>checked" not in done.text
    stale = client.post(
        "/orgs/org-a/questionnaire/GOV/review", data={**form, "version": "7", "csrf_token": csrf_of(page)}
    )
    assert stale.status_code == 409 and "the answer changed since you opened the page" in stale.text
    rejected = {**form, "decision": "rejected", "review_note": "", "csrf_token": csrf_of(page)}
    refused = client.post("/orgs/org-a/questionnaire/GOV/review", data=rejected)
    assert refused.status_code == 422 and "a rejection needs a reason" in refused.text
