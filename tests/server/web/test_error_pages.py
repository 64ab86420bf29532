"""Friendly error pages, the favicon, page titles and forms that come back with what was typed, in-process
on SQLite and PostgreSQL. Browsers get a page in the site's layout; the API keeps its JSON bodies."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .page_helpers import page_client, sign_in_form, title_of


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url, raise_server_exceptions=False) as test_client:
        yield test_client


def test_a_missing_page_is_a_friendly_404_and_the_api_keeps_json(client: TestClient, org_a: OrgWithMembers) -> None:
    sign_in_form(client, org_a.emails[Role.VIEWER])
    for path in ("/no/such/page", f"/orgs/{org_a.slug}/questionnaire/NOPE", "/orgs/org-b/inventory"):
        page = client.get(path, headers={"referer": f"{client.base_url}/orgs/{org_a.slug}/reviews"})
        assert page.status_code == 404 and page.headers["content-type"].startswith("text/html"), path
        assert title_of(page.text) == "Page not found · aisma"
        assert '<h1 id="error-title">Page not found</h1>' in page.text and 'href="/"' in page.text
        assert f'href="/orgs/{org_a.slug}/reviews"' in page.text  # back to where the person was
        assert "Traceback" not in page.text
    api = client.get("/api/v1/no/such/thing")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    wrong_method = client.delete(f"/orgs/{org_a.slug}/reviews")
    assert wrong_method.status_code == 405 and "Not possible here" in wrong_method.text
    elsewhere = client.get("/no/such/page", headers={"referer": "https://evil.example/x"})
    assert "evil.example" not in elsewhere.text  # a back link only to our own pages


def test_forbidden_and_invalid_say_what_happened(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in_form(client, org_a.emails[Role.VIEWER])
    admin = client.get(f"/orgs/{org_a.slug}/admin")
    assert admin.status_code == 403 and title_of(admin.text) == "Not allowed · aisma"
    assert "An owner of the organization can change your role" in admin.text
    no_csrf = client.post(f"/orgs/{org_a.slug}/reviews/setting", data={"review_required": "on"})
    assert no_csrf.status_code == 403 and "Not allowed" in no_csrf.text
    csrf = sign_in_form(client, org_a.emails[Role.OWNER])
    bad = client.post(f"/orgs/{org_a.slug}/admin/members/role", data={"csrf_token": csrf, "user_id": "x"})
    assert bad.status_code == 422 and "That was not accepted" in bad.text
    assert "user_id: expected a whole number" in bad.text
    api = client.get(f"/api/v1/orgs/{org_a.slug}/audit?limit=0")
    assert api.status_code == 422 and isinstance(api.json()["detail"], list)


def test_an_unexpected_error_is_a_500_page_without_a_traceback(client: TestClient, org_a: OrgWithMembers) -> None:
    def boom() -> None:
        raise RuntimeError("secret internals")

    client.app.add_api_route("/boom", boom)  # type: ignore[attr-defined]
    client.app.add_api_route("/api/v1/boom", boom)  # type: ignore[attr-defined]
    page = client.get("/boom")
    assert page.status_code == 500 and "Something went wrong" in page.text
    assert "secret internals" not in page.text and "Traceback" not in page.text
    api = client.get("/api/v1/boom")
    assert api.status_code == 500 and api.json() == {"detail": "internal server error"}


def test_favicon_is_served_locally_and_every_page_links_it(client: TestClient, org_a: OrgWithMembers) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/x-icon"
    assert icon.content[:4] == b"\x00\x00\x01\x00"  # an ICO directory
    svg = client.get("/static/favicon.svg")
    assert svg.status_code == 200 and svg.text.startswith("<svg")
    login = client.get("/login").text
    assert '<link rel="icon" href="/favicon.ico"' in login and 'href="/static/favicon.svg"' in login
    assert "http://" not in login.split("</head>")[0] and "https://" not in login.split("</head>")[0]


def test_each_title_says_where_you_are(client: TestClient, org_a: OrgWithMembers) -> None:
    sign_in_form(client, org_a.emails[Role.OWNER])
    base = f"/orgs/{org_a.slug}"
    expected = {
        "": "Dashboard · Org-A · aisma",
        "/questionnaire": "Questionnaire · Org-A · aisma",
        "/questionnaire/GOV": "GOV Governance & strategy · Questionnaire · Org-A · aisma",
        "/reviews": "Reviews · Org-A · aisma",
        "/inventory": "Inventory · Org-A · aisma",
        "/measurements": "Measurements · Org-A · aisma",
        "/evidence": "Evidence · Org-A · aisma",
        "/monitoring": "Monitoring · Org-A · aisma",
        "/admin": "Administration · Org-A · aisma",
        "/audit": "Audit trail · Org-A · aisma",
    }
    for path, title in expected.items():
        assert title_of(client.get(base + path).text) == title, path
    assert title_of(client.get("/login").text) == "Sign in · aisma"


def test_forms_come_back_with_what_was_typed(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in_form(client, org_a.emails[Role.OWNER])
    base = f"/orgs/{org_a.slug}"
    member = client.post(
        f"{base}/admin/members", data={"csrf_token": csrf, "email": "nobody@else.example", "role": "assessor"}
    )
    assert member.status_code == 422 and "Not added: user nobody@else.example not found" in member.text
    assert 'value="nobody@else.example"' in member.text and '<option value="assessor" selected>' in member.text
    token = client.post(
        f"{base}/admin/tokens",
        data={"csrf_token": csrf, "name": "ci push", "expires": "2020-01-01", "scopes": ["read", "write"]},
    )
    assert token.status_code == 422 and "No token created: expires_at:" in token.text
    assert 'value="ci push"' in token.text and 'value="2020-01-01"' in token.text
    assert 'value="write" checked' in token.text and 'value="push" checked' not in token.text
    system = {"csrf_token": csrf, "id": "Bad Id", "name": "Typed name", "track": "build", "deployment_type": "paas"}
    added = client.post(f"{base}/inventory", data=system)
    assert added.status_code == 422 and "Not added" in added.text
    assert 'value="Bad Id"' in added.text and 'value="Typed name"' in added.text
    na = client.post(
        f"{base}/questionnaire/GOV/answer",
        data={"csrf_token": csrf, "objective_id": "GOV-1.1", "version": "", "answer": "na", "note": "typed note"},
    )
    assert na.status_code == 422 and "GOV-1.1 was not saved" in na.text
    assert "typed note</textarea>" in na.text and 'value="na" checked' in na.text
