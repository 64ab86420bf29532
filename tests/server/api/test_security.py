"""Sessions, cookies, CSRF, login rate limiting and redirects: the browser side of security."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.web.app import create_app

from ..factories import PASSWORD, OrgWithMembers
from .conftest import sign_in

ANSWER_URL = "/api/v1/orgs/org-a/answers/GOV-1.1"


def _cookie_header(response, name: str) -> str:  # type: ignore[no-untyped-def]
    for value in response.headers.get_list("set-cookie"):
        if value.startswith(f"{name}="):
            return str(value)
    raise AssertionError(f"no Set-Cookie for {name}")


def test_session_cookie_flags(client: TestClient, org_a: OrgWithMembers) -> None:
    client.get("/login")
    answer = client.post(
        "/login",
        data={
            "email": org_a.emails[Role.OWNER],
            "password": PASSWORD,
            "csrf_token": client.cookies["aisma_login_csrf"],
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303
    cookie = _cookie_header(answer, "aisma_session").lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "secure" not in cookie  # plain http in development


def test_secure_cookies_over_tls(settings: ServerSettings, org_a: OrgWithMembers) -> None:
    app = create_app(settings.model_copy(update={"secure_cookies": True}))
    with TestClient(app, base_url="https://testserver") as client:
        form = client.get("/login")
        assert "secure" in _cookie_header(form, "aisma_login_csrf").lower()
        answer = client.post(
            "/login",
            data={
                "email": org_a.emails[Role.OWNER],
                "password": PASSWORD,
                "csrf_token": client.cookies["aisma_login_csrf"],
            },
            follow_redirects=False,
        )
        assert "secure" in _cookie_header(answer, "aisma_session").lower()


def test_login_form_needs_its_csrf_token(client: TestClient, org_a: OrgWithMembers) -> None:
    client.get("/login")
    answer = client.post(
        "/login",
        data={"email": org_a.emails[Role.OWNER], "password": PASSWORD, "csrf_token": "forged"},
        follow_redirects=False,
    )
    assert answer.status_code == 403
    assert "aisma_session" not in client.cookies


def test_wrong_password_then_rate_limited(client: TestClient, settings: ServerSettings, org_a: OrgWithMembers) -> None:
    email = org_a.emails[Role.VIEWER]
    client.get("/login")
    csrf = client.cookies["aisma_login_csrf"]
    for _ in range(settings.login_max_failures):
        wrong = client.post("/login", data={"email": email, "password": "not the password", "csrf_token": csrf})
        assert wrong.status_code == 401
        assert "Wrong email or password" in wrong.text
    # Locked now, even with the right password: guessing gets nowhere.
    locked = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf}, follow_redirects=False
    )
    assert locked.status_code == 429
    assert "aisma_session" not in client.cookies
    # Another account from another address still signs in.
    other = TestClient(client.app, client=("10.0.0.9", 50000))
    sign_in(other, org_a.emails[Role.OWNER])


def test_cookie_state_change_needs_csrf_header(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    assert client.get("/api/v1/orgs/org-a/answers").status_code == 200  # reads need no token
    missing = client.put(ANSWER_URL, json={"answer": "fully"})
    assert missing.status_code == 403
    wrong = client.put(ANSWER_URL, json={"answer": "fully"}, headers={"X-CSRF-Token": "x" + csrf})
    assert wrong.status_code == 403
    ok = client.put(ANSWER_URL, json={"answer": "fully"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text


def test_bearer_calls_need_no_csrf(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    answer = client.put(ANSWER_URL, json={"answer": "fully"}, headers=token_for(org_a))
    assert answer.status_code == 200


def test_logout_ends_the_session(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    cookie = client.cookies["aisma_session"]
    assert client.post("/logout", data={"csrf_token": "wrong"}, follow_redirects=False).status_code == 403
    out = client.post("/logout", data={"csrf_token": csrf}, follow_redirects=False)
    assert out.status_code == 303
    client.cookies.set("aisma_session", cookie)  # replaying the old cookie does not work
    assert client.get("/api/v1/orgs/org-a/answers").status_code == 401


def test_pages_redirect_to_login_and_no_open_redirect(client: TestClient, org_a: OrgWithMembers) -> None:
    page = client.get("/account/password", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"].startswith("/login?next=")
    client.get("/login")
    answer = client.post(
        "/login",
        data={
            "email": org_a.emails[Role.OWNER],
            "password": PASSWORD,
            "csrf_token": client.cookies["aisma_login_csrf"],
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert answer.headers["location"] == "/"


def test_change_password(client: TestClient, org_a: OrgWithMembers) -> None:
    email = org_a.emails[Role.ASSESSOR]
    csrf = sign_in(client, email)
    new = "a much longer new passphrase"
    form = {"current_password": PASSWORD, "new_password": new, "confirm_password": new, "csrf_token": csrf}
    assert client.post("/account/password", data={**form, "current_password": "nope"}).status_code == 422
    assert client.post("/account/password", data={**form, "csrf_token": "forged"}).status_code == 403
    changed = client.post("/account/password", data=form)
    assert changed.status_code == 200 and "Your password is changed" in changed.text
    fresh = TestClient(client.app)
    sign_in(fresh, email, new)


def test_login_page_escapes_input(client: TestClient) -> None:
    client.get("/login")
    answer = client.post(
        "/login",
        data={"email": "<script>alert(1)</script>", "password": "x", "csrf_token": client.cookies["aisma_login_csrf"]},
    )
    assert "<script>alert(1)</script>" not in answer.text
    assert "&lt;script&gt;" in answer.text


def test_cookie_upload_takes_the_csrf_form_field(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in(client, org_a.emails[Role.CONTRIBUTOR])
    files = {"file": ("note.txt", b"evidence", "text/plain")}
    assert client.post("/api/v1/orgs/org-a/evidence", files=files).status_code == 403
    uploaded = client.post("/api/v1/orgs/org-a/evidence", files=files, data={"csrf_token": csrf})
    assert uploaded.status_code == 201, uploaded.text


def test_every_response_has_security_headers(client: TestClient) -> None:
    for response in (client.get("/login"), client.get("/api/v1/me"), client.get("/api/v1/openapi.json")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
        assert "script-src 'self'" in response.headers["content-security-policy"]
        assert "'unsafe-inline'" not in response.headers["content-security-policy"]


def test_templates_have_no_inline_script_or_style() -> None:
    """The CSP allows no inline script or style: every template and the page code keep to files."""
    import re
    from pathlib import Path

    import aisma.web

    root = Path(aisma.web.__file__).parent
    for template in (root / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"<script(?![^>]*\bsrc=)", text), template
        assert not re.search(r"<style|\sstyle=|\son[a-z]+=|javascript:", text), template


def test_api_answers_with_secrets_are_not_cached(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    sign_in(client, org_a.emails[Role.OWNER])
    assert client.get("/api/v1/me").headers["cache-control"] == "no-store"
    made = client.post("/api/v1/orgs/org-a/tokens", headers=token_for(org_a), json={"name": "n", "scopes": ["read"]})
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"


def test_options_lists_the_methods_of_the_path(client: TestClient) -> None:
    answer = client.options("/api/v1/orgs/org-a/answers/GOV-1.1")
    assert answer.status_code == 204
    assert answer.headers["allow"] == "GET, HEAD, OPTIONS, PUT"
    assert client.options("/api/v1/orgs/org-a/inventory").headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/static/aisma.css").headers["allow"] == "GET, HEAD, OPTIONS"
    assert client.options("/login").headers["allow"] == "GET, HEAD, OPTIONS, POST"
    assert client.options("/no/such/path").status_code == 404


def _failed_logins(settings: Any, client_host: str, forwarded_for: str) -> list[str]:
    """Keys the rate limiter counted for one failed sign-in from ``client_host`` claiming ``forwarded_for``."""
    from aisma.store.db import Database
    from aisma.store.tables import LoginAttempt

    with TestClient(create_app(settings), client=(client_host, 40000)) as http:
        http.get("/login")
        http.post(
            "/login",
            data={"email": "nobody@example.org", "password": "wrong", "csrf_token": http.cookies["aisma_login_csrf"]},
            headers={"X-Forwarded-For": forwarded_for},
        )
    database = Database(settings.database_url)
    try:
        with database.transaction(readonly=True) as session:
            return sorted(row.key for row in session.query(LoginAttempt).all())
    finally:
        database.dispose()


def test_x_forwarded_for_is_believed_only_from_trusted_proxies(settings: Any) -> None:
    """Loopback is not trusted by default: a local client cannot pick the address the limiter counts."""
    keys = _failed_logins(settings, "127.0.0.1", "203.0.113.9")
    assert "ip:127.0.0.1" in keys and "ip:203.0.113.9" not in keys
    trusting = settings.model_copy(update={"trusted_proxies": "127.0.0.1"})
    keys = _failed_logins(trusting, "127.0.0.1", "203.0.113.7")
    assert "ip:203.0.113.7" in keys
