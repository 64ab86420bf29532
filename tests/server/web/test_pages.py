"""The server-rendered pages in-process, on SQLite and PostgreSQL: what each role sees and may do,
CSRF on every form, tenant isolation, stale writes, and the no-script fallbacks of the JS features."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.reports import service as reports

from ..factories import PASSWORD, OrgWithMembers
from .page_helpers import page_client
from .page_helpers import sign_in_form as sign_in

PAGES = (
    "",
    "/questionnaire",
    "/questionnaire/GOV",
    "/reviews",
    "/inventory",
    "/measurements",
    "/evidence",
    "/roadmap",
    "/frameworks",
    "/reports",
    "/monitoring",
    "/audit",
    # Every list's filters and exports answer for the member's organization only.
    "/reviews?status=submitted&format=csv",
    "/questionnaire?show=unanswered&format=xlsx",
    "/measurements?format=csv",
    "/evidence?cited=cited&format=csv",
    "/audit?format=xlsx",
    "/inventory?track=build&format=csv",
    "/findings",
    "/findings?status=open&format=jira",
    "/findings?format=github",
    "/search?q=GOV",
    "/my-work",
    "/my-work?state=overdue&format=xlsx",
    "/work/objective/GOV-1.1",
    "/work/roadmap/GOV-1.1",
)


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url) as test_client:
        yield test_client


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found
    return found.group(1)


def test_pages_need_a_session(client: TestClient, org_a: OrgWithMembers) -> None:
    answer = client.get(f"/orgs/{org_a.slug}/inventory", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=%2Forgs%2Forg-a%2Finventory")


def test_every_page_renders_and_other_organizations_are_not_found(
    client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    sign_in(client, org_a.emails[Role.OWNER])
    for path in (*PAGES, "/admin", "/admin?format=csv"):
        mine = client.get(f"/orgs/{org_a.slug}{path}")
        assert mine.status_code == 200, (path, mine.text[:300])
        if "format=" in path:
            assert mine.headers["content-disposition"].startswith("attachment"), path
        else:
            assert 'href="#main"' in mine.text and 'lang="en"' in mine.text
        theirs = client.get(f"/orgs/{org_b.slug}{path}")
        assert theirs.status_code == 404, path
        assert org_b.slug.title() not in theirs.text


def wait_until_assessed(client: TestClient, progress_url: str) -> str:
    """Follow the dashboard's progress page (it reloads itself) until it sends us to the result."""
    import time

    deadline = time.monotonic() + 600  # generous: only a stuck worker ends here
    while True:
        answer = client.get(progress_url, follow_redirects=False)
        if answer.status_code == 303:
            return str(answer.headers["location"])
        assert answer.status_code == 200 and 'http-equiv="refresh"' in answer.text, answer.text[:500]
        assert "Assessment" in answer.text and "<progress" in answer.text
        assert time.monotonic() < deadline, "the assessment job did not finish"
        time.sleep(0.05)


def test_assess_from_the_dashboard_needs_csrf(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.ASSESSOR])
    base = f"/orgs/{org_a.slug}"
    assert "No assessment yet" in client.get(base).text
    assert client.post(f"{base}/assessments", data={}, follow_redirects=False).status_code == 403
    started = client.post(f"{base}/assessments", data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303 and started.headers["location"].startswith(f"{base}?job=")
    done = wait_until_assessed(client, started.headers["location"])
    assert done.endswith(f"{base}?msg=assessed")
    page = client.get(done).text
    assert "Assessment done" in page and 'data-testid="claimed-level">0<' in page
    assert 'id="radar-title"' in page and 'id="heat-title"' in page


def test_answer_form_without_script_and_a_stale_version(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.ASSESSOR])
    url = f"/orgs/{org_a.slug}/questionnaire/GOV/answer"
    first = client.post(
        url,
        data={"csrf_token": csrf, "objective_id": "GOV-1.1", "version": "", "answer": "largely", "note": "draft"},
        files={"file": ("policy.md", b"# policy\n", "text/markdown")},
        follow_redirects=False,
    )
    assert first.status_code == 303, first.text
    page = client.get(f"/orgs/{org_a.slug}/questionnaire/GOV").text
    assert re.search(r'data-api="/api/v1/orgs/org-a/answers/GOV-1\.1"[^>]*data-version="1"', page)
    assert 'value="evidence/policy.md"' in page
    # a second writer still holding version 0 ("create") is refused, and sees the stored answer
    stale = client.post(
        url,
        data={"csrf_token": csrf, "objective_id": "GOV-1.1", "version": "", "answer": "not"},
        follow_redirects=False,
    )
    assert stale.status_code == 409 and "someone else changed it" in stale.text
    assert re.search(r'value="largely" checked', stale.text)
    evidence = client.get(f"/orgs/{org_a.slug}/evidence").text
    assert "policy.md" in evidence and "GOV-1.1" in evidence


def test_viewers_read_but_cannot_answer_or_administer(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.VIEWER])
    page = client.get(f"/orgs/{org_a.slug}/questionnaire/GOV").text
    assert "<fieldset disabled>" in page and "<fieldset>" not in page
    assert "Administration" not in page
    assert client.get(f"/orgs/{org_a.slug}/admin").status_code == 403
    answer = client.post(
        f"/orgs/{org_a.slug}/questionnaire/GOV/answer",
        data={"csrf_token": csrf, "objective_id": "GOV-1.1", "version": "", "answer": "fully"},
    )
    assert answer.status_code == 403


def test_inventory_add_and_autonomy_wizard_without_script(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.ASSESSOR])
    base = f"/orgs/{org_a.slug}/inventory"
    bad = client.post(
        base, data={"csrf_token": csrf, "id": "Not Valid", "name": "x", "track": "build", "deployment_type": "paas"}
    )
    assert bad.status_code == 422 and "Not added" in bad.text
    added = client.post(
        base,
        data={"csrf_token": csrf, "id": "agent-1", "name": "<b>Agent</b>", "track": "build", "deployment_type": "paas"},
        follow_redirects=False,
    )
    assert added.status_code == 303
    listing = client.get(base).text
    assert "&lt;b&gt;Agent&lt;/b&gt;" in listing and "<b>Agent</b>" not in listing
    wizard = client.get(f"{base}/agent-1/autonomy").text
    assert wizard.count('class="wizard-step"') == 6
    version = re.search(r'name="version" value="(\d+)"', wizard)
    assert version
    answers = {
        "chooses_actions": "yes",
        "side_effects": "yes",
        "multi_step_unapproved": "no",
        "own_identity": "no",
        "untrusted_input": "yes",
        "acts_on_agent_output": "no",
    }
    done = client.post(
        f"{base}/agent-1/autonomy",
        data={"csrf_token": csrf, "version": version.group(1), **answers},
        follow_redirects=False,
    )
    assert done.status_code == 303
    system = client.get(done.headers["location"]).text
    assert "Autonomy Test recorded" in system and re.search(
        r"<strong>Agentic</strong>, autonomy level <strong>supervised</strong>", system
    )
    again = client.post(f"{base}/agent-1/autonomy", data={"csrf_token": csrf, "version": version.group(1), **answers})
    assert again.status_code == 409 and "someone changed this system" in again.text


@pytest.mark.slow
def test_reports_download_in_every_format(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    started = client.post(f"/orgs/{org_a.slug}/assessments", data={"csrf_token": csrf}, follow_redirects=False)
    wait_until_assessed(client, started.headers["location"])
    page = client.get(f"/orgs/{org_a.slug}/reports").text
    links = re.findall(r'href="(/orgs/org-a/reports/\d+/report\.([\w-]+))"', page)
    formats = {f.id: f for f in reports.report_formats()}
    assert {fmt for _link, fmt in links} == set(formats) >= {"html", "md", "json", "pdf", "xlsx", "oscal"}
    for link, fmt in links:
        answer = client.get(link)
        assert answer.status_code == 200, link
        assert answer.headers["content-type"] == formats[fmt].media_type
        assert "attachment" in answer.headers["content-disposition"]
        assert answer.headers["content-disposition"].endswith(f'{formats[fmt].suffix}"')
    assert client.get(f"/orgs/{org_a.slug}/reports/999999/report.html").status_code == 404


def test_admin_members_roles_and_tokens(client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    base = f"/orgs/{org_a.slug}/admin"
    made = client.post(
        f"{base}/tokens", data={"csrf_token": csrf, "name": "ci push", "scopes": ["push"], "expires": ""}
    )
    assert made.status_code == 200
    plaintext = re.search(r'value="(aisma_[^"]+)" data-testid="new-token"', made.text)
    assert plaintext
    again = client.get(base).text
    assert "ci push" in again and plaintext.group(1) not in again, "a token is shown once"
    # the token works on the API and only for its organization
    headers = {"Authorization": f"Bearer {plaintext.group(1)}"}
    assert client.get(f"/api/v1/orgs/{org_b.slug}/inventory", headers=headers).status_code == 404
    # add a member of another organization, change the role, remove
    newcomer = org_b.emails[Role.VIEWER]
    added = client.post(
        f"{base}/members", data={"csrf_token": csrf, "email": newcomer, "role": "viewer"}, follow_redirects=False
    )
    assert added.status_code == 303
    user_id = str(org_b.user_ids[Role.VIEWER])
    client.post(f"{base}/members/role", data={"csrf_token": csrf, "user_id": user_id, "role": "assessor"})
    assert re.search(rf'id="role-{user_id}"[^>]*>.*?value="assessor" selected', client.get(base).text, re.S)
    assert (
        client.post(f"{base}/members/role", data={"csrf_token": csrf, "user_id": "x", "role": "viewer"}).status_code
        == 422
    )
    client.post(f"{base}/members/remove", data={"csrf_token": csrf, "user_id": user_id})
    assert newcomer not in client.get(base).text


def test_form_mistakes_come_back_on_the_page(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.ASSESSOR])
    na = client.post(
        f"/orgs/{org_a.slug}/questionnaire/GOV/answer",
        data={"csrf_token": csrf, "objective_id": "GOV-1.1", "version": "", "answer": "na", "justification": ""},
    )
    assert na.status_code == 422 and "GOV-1.1 was not saved" in na.text and '<article class="objective"' in na.text
    system = {"csrf_token": csrf, "id": "dup", "name": "Dup", "track": "build", "deployment_type": "paas"}
    assert client.post(f"/orgs/{org_a.slug}/inventory", data=system, follow_redirects=False).status_code == 303
    again = client.post(f"/orgs/{org_a.slug}/inventory", data=system)
    assert again.status_code == 422 and "Not added" in again.text


def test_contributors_answer_only_for_the_systems_they_own(
    client: TestClient, org_a: OrgWithMembers, database: Database
) -> None:
    from aisma.web.features.inventory import service as inventory

    sign_in(client, org_a.emails[Role.CONTRIBUTOR])
    before = client.get(f"/orgs/{org_a.slug}/questionnaire/MCP").text
    assert "<fieldset>" not in before, "owning nothing, a contributor answers nothing"
    with database.transaction() as session:
        system = {"id": "ide-mcp", "name": "IDE with MCP", "track": "coding_tool", "deployment_type": "api_saas"}
        system |= {"owner": org_a.emails[Role.CONTRIBUTOR], "mcp_servers": ["github"]}
        inventory.create_system(session, org_a.actors[Role.ASSESSOR], system)
    after = client.get(f"/orgs/{org_a.slug}/questionnaire/MCP").text
    assert after.count("<fieldset>") >= 1, "MCP objectives concern the MCP system the contributor owns"
    assert "<fieldset>" not in client.get(f"/orgs/{org_a.slug}/questionnaire/GOV").text


def test_start_page_lists_several_organizations(
    client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, database: Database
) -> None:
    from aisma.web.features.organizations import service as accounts

    with database.transaction() as session:
        accounts.add_member(session, org_a.actors[Role.OWNER], org_b.emails[Role.VIEWER], Role.VIEWER)
    client.get("/login")
    client.post(
        "/login",
        data={
            "email": org_b.emails[Role.VIEWER],
            "password": PASSWORD,
            "csrf_token": client.cookies.get("aisma_login_csrf"),
        },
    )
    start = client.get("/", follow_redirects=False)
    assert start.status_code == 200
    assert 'href="/orgs/org-a"' in start.text and 'href="/orgs/org-b"' in start.text


def test_dashboard_shows_every_kpi_over_time(client: TestClient, database: Database, org_a: OrgWithMembers) -> None:
    from datetime import UTC, datetime, timedelta

    from aisma.web.features.assessments import service as assessments
    from aisma.web.features.measurements import service as measurements

    at = datetime(2026, 11, 16, 9, tzinfo=UTC)
    assessor = org_a.actors[Role.ASSESSOR]
    for numerator, days in ((4, 30), (2, 0)):
        with database.transaction() as s:
            measurements.push(
                s,
                assessor,
                [
                    {
                        "metric": "inventory.systems.owner_ratio",
                        "observed_at": (at - timedelta(days=days + 1)).isoformat(),
                        "numerator": numerator,
                        "denominator": 4,
                        "provenance": {"tool": "edge", "file": "owners.json"},
                    }
                ],
            )
            assessments.run_assessment(s, assessor, at - timedelta(days=days))
    sign_in(client, org_a.emails[Role.VIEWER])
    page = client.get(f"/orgs/{org_a.slug}").text
    row = re.search(r'<tr data-metric="inventory.systems.owner_ratio">(.*?)</tr>', page, re.S)
    assert row, page[:2000]
    assert "50%" in row.group(1) and "-50 pt" in row.group(1) and "kpi-worse" in row.group(1)
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in row.group(1) and "<polyline" in row.group(1)
    assert "AI systems with a named accountable owner" in row.group(1)


def wait_for_job_page(client: TestClient, url: str) -> str:
    """Reload a page that shows a job (it refreshes itself while queued or running) until the job is done."""
    import time

    deadline = time.monotonic() + 600  # generous: only a stuck worker ends here
    while True:
        page = client.get(url)
        assert page.status_code == 200, page.text[:500]
        status = re.search(r'data-testid="job" data-status="(\w+)"', page.text)
        assert status, page.text[:1000]
        if status.group(1) in ("succeeded", "failed"):
            assert 'http-equiv="refresh"' not in page.text
            return page.text
        assert 'http-equiv="refresh"' in page.text and "<progress" in page.text
        assert time.monotonic() < deadline, "the job did not finish"
        time.sleep(0.05)


def test_collectors_and_report_rendering_from_the_pages(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.ASSESSOR])
    base = f"/orgs/{org_a.slug}"
    api = f"/api/v1{base}"
    garak = next(iter(sorted((Path(__file__).parents[3] / "src/aisma/examples/bank/evidence/garak").glob("*.jsonl"))))
    uploaded = client.post(
        f"{api}/evidence",
        files={"file": (garak.name, garak.read_bytes())},
        data={"path": f"garak/{garak.name}"},
        headers={"X-CSRF-Token": csrf},
    )
    assert uploaded.status_code == 201, uploaded.text
    evidence_page = client.get(f"{base}/evidence").text
    assert f'action="{base}/evidence/collect"' in evidence_page
    assert client.post(f"{base}/evidence/collect", data={}, follow_redirects=False).status_code == 403
    started = client.post(f"{base}/evidence/collect", data={"csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303 and "/evidence?job=" in started.headers["location"]
    done = wait_for_job_page(client, started.headers["location"])
    found = re.search(r'data-testid="collect-result">(.*?)</p>', done, re.S)
    assert found and "garak" in found.group(1) and "1 file:" in found.group(1), done[:2000]
    # now a report, rendered in the background from the reports page
    started = client.post(f"{base}/assessments", data={"csrf_token": csrf}, follow_redirects=False)
    wait_until_assessed(client, started.headers["location"])
    reports_page = client.get(f"{base}/reports").text
    action = re.search(rf'action="({base}/reports/(\d+)/render)"', reports_page)
    assert action, reports_page[:2000]
    assert client.post(action.group(1), data={"format": "md"}, follow_redirects=False).status_code == 403
    started = client.post(action.group(1), data={"format": "md", "csrf_token": csrf}, follow_redirects=False)
    assert started.status_code == 303 and "/reports?job=" in started.headers["location"]
    done = wait_for_job_page(client, started.headers["location"])
    link = re.search(r'<a href="([^"]+/file)" download data-testid="job-file">Download ([^<]+)</a>', done)
    assert link, done[:2000]
    file = client.get(link.group(1))
    assert file.status_code == 200 and "attachment" in file.headers["content-disposition"]
    assert "# AI security maturity" in file.text and link.group(2).endswith(".md")


def test_framework_view_and_requirement_page(client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    base = f"/orgs/{org_a.slug}"
    assert "No assessment yet" in client.get(f"{base}/frameworks").text
    assert client.get(f"{base}/frameworks/nist-ai-rmf/requirement?id=GOVERN%201.1").status_code == 404
    saved = client.post(
        f"{base}/questionnaire/GOV/answer",
        data={"csrf_token": csrf, "objective_id": "GOV-1.1", "version": "", "answer": "fully"},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    started = client.post(f"{base}/assessments", data={"csrf_token": csrf}, follow_redirects=False)
    wait_until_assessed(client, started.headers["location"])
    page = client.get(f"{base}/frameworks?framework=eu-ai-act")
    assert page.status_code == 200 and 'data-testid="framework-posture"' in page.text
    assert '<option value="eu-ai-act" selected>' in page.text
    assert re.search(r"% of the requirements mapped; \d+ met, ", page.text)
    assert re.search(
        r'<strong class="as-of">As of \d{4}-\d\d-\d\d \d\d:\d\d UTC \(the time it ran\)\.</strong>', page.text
    )
    assert 'href="/orgs/org-a/frameworks/eu-ai-act/requirement?id=Art.%2014"' in page.text
    detail = client.get(f"{base}/frameworks/nist-ai-rmf/requirement?id=GOVERN%201.2")
    assert detail.status_code == 200
    assert "GOVERN 1.2" in detail.text and 'data-testid="requirement-objectives"' in detail.text
    assert 'href="/orgs/org-a/questionnaire/GOV#obj-GOV-1.1"' in detail.text  # GOV-1.1 cites GOVERN 1.2
    assert ">partial<" in detail.text or ">met<" in detail.text
    parent = client.get(f"{base}/frameworks/nist-ai-rmf/requirement?id=GOVERN%201")
    assert "from its parts" in parent.text and "requirement?id=GOVERN%201.2" in parent.text
    assert client.get(f"{base}/frameworks?framework=nope").status_code == 404
    assert client.get(f"{base}/frameworks/nist-ai-rmf/requirement?id=NOPE").status_code == 404
    assert client.get(f"/orgs/{org_b.slug}/frameworks/nist-ai-rmf/requirement?id=GOVERN%201.2").status_code == 404


CATALOG_XML = Path(__file__).parents[2] / "data" / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.xml"
MAPPING_53 = CATALOG_XML.with_name("aisma-core--sp800-53-low-ac-ir.yaml")


def test_importing_a_framework_from_the_page(client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers) -> None:
    """Owners import through the page (CSRF checked); a refused file is one line on the page and nothing
    is kept; other roles see no form and are refused; other organizations never see the import."""
    base = f"/orgs/{org_a.slug}"
    viewer_csrf = sign_in(client, org_a.emails[Role.VIEWER])
    assert 'data-testid="import-framework"' not in client.get(f"{base}/frameworks").text
    refused = client.post(
        f"{base}/frameworks/import",
        data={"csrf_token": viewer_csrf},
        files={"file": ("low.xml", CATALOG_XML.read_bytes())},
    )
    assert refused.status_code == 403

    csrf = sign_in(client, org_a.emails[Role.OWNER])
    upload = {"file": ("low.xml", CATALOG_XML.read_bytes()), "mapping": ("m.yaml", MAPPING_53.read_bytes())}
    assert (
        client.post(f"{base}/frameworks/import", files=upload, data={"framework_id": "sp800-53-low"}).status_code == 403
    )
    bad = client.post(
        f"{base}/frameworks/import",
        data={"csrf_token": csrf},
        files={"file": ("notes.txt", b"hello")},
    )
    assert bad.status_code == 422
    assert "Not imported: notes.txt: expected an OSCAL catalog or profile (.json, .xml)" in bad.text
    assert 'data-testid="imported-frameworks"' not in bad.text
    done = client.post(
        f"{base}/frameworks/import",
        data={"csrf_token": csrf, "framework_id": "sp800-53-low"},
        files=upload,
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert done.headers["location"] == f"{base}/frameworks?framework=sp800-53-low&msg=framework-imported"
    page = client.get(done.headers["location"])
    assert "Framework imported." in page.text and 'data-testid="imported-frameworks"' in page.text
    assert '<option value="sp800-53-low" selected>' in page.text
    assert "No assessment yet" in page.text
    assert client.get(f"/orgs/{org_b.slug}/frameworks?framework=sp800-53-low").status_code == 404
    wrong = client.post(
        f"{base}/frameworks/sp800-53-low/mapping",
        data={"csrf_token": csrf},
        files={"file": ("m.yaml", MAPPING_53.read_bytes().replace(b"ir-6,", b"ir-99,"))},
    )
    assert wrong.status_code == 422
    assert "Mapping set not saved: m.yaml:16: mappings[6].requirement: ir-99 is not a requirement" in wrong.text
    gone = client.post(f"{base}/frameworks/sp800-53-low/delete", data={"csrf_token": csrf}, follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].endswith("msg=framework-deleted")
    assert client.get(f"{base}/frameworks?framework=sp800-53-low").status_code == 404


def test_dashboard_says_as_of_and_warns_when_evidence_went_stale_since(
    client: TestClient, database: Database, org_a: OrgWithMembers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The snapshot is as of 2026-11-16; an attestation it counted expired on 2026-11-20; today is later."""
    from datetime import UTC, date, datetime

    from aisma.web.features.answers import service as answers
    from aisma.web.features.assessments import pages as dashboard_pages
    from aisma.web.features.assessments import service as assessments

    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        answers.save_answer(s, assessor, "GOV-1.1", "fully", expires=date(2026, 11, 20))
        assessments.run_assessment(s, assessor, datetime(2026, 11, 16, 9, tzinfo=UTC))
    sign_in(client, org_a.emails[Role.ASSESSOR])
    monkeypatch.setattr(dashboard_pages, "utcnow", lambda: datetime(2026, 11, 18, tzinfo=UTC))
    page = client.get(f"/orgs/{org_a.slug}").text
    assert "As of 2026-11-16 09:00 UTC (the time asked for)" in page
    assert "Evidence valid until 2026-11-21 00:00 UTC" in page
    assert 'data-testid="lapsed"' not in page
    monkeypatch.setattr(dashboard_pages, "utcnow", lambda: datetime(2026, 12, 7, tzinfo=UTC))
    page = client.get(f"/orgs/{org_a.slug}").text
    assert 'data-testid="lapsed"' in page and "GOV-1.1" in page.split('data-testid="lapsed"')[1][:600]
