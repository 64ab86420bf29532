"""OIDC sign-in against a stand-in identity provider that speaks the protocol over httpx.

The provider signs real RS256 ID tokens with its own key and publishes discovery and JWKS; it hands
out a code only for the PKCE challenge it was given and redeems it only with the matching verifier.
The relying party (our app) is the real code: redirects, signed flow cookie, back-channel exchange,
JWKS signature check, issuer/audience/nonce/expiry checks, account linking, session cookie.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.web.app import create_app
from aisma.web.oidc import OidcClient

from ..factories import OrgWithMembers

ISSUER = "https://idp.example.test/realms/acme"
CLIENT_ID = "aisma"
CALLBACK = "http://testserver/auth/oidc/callback"


class Provider:
    """A minimal OpenID provider: discovery, JWKS, authorize (by hand in the test), token."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
        self.codes: dict[str, dict[str, Any]] = {}
        self.claims_override: dict[str, Any] = {}
        self.sign_with: RSAKey | None = None

    def authorize(self, url: str, email: str, subject: str = "sub-123") -> tuple[str, str]:
        query = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
        assert url.startswith(f"{ISSUER}/authorize?")
        assert query["client_id"] == CLIENT_ID and query["redirect_uri"] == CALLBACK
        assert query["code_challenge_method"] == "S256" and "openid" in query["scope"].split()
        code = secrets.token_urlsafe(16)
        self.codes[code] = {
            "challenge": query["code_challenge"],
            "nonce": query["nonce"],
            "email": email,
            "sub": subject,
        }
        return code, query["state"]

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(urlparse(ISSUER).path)
        if path == "/.well-known/openid-configuration":
            return httpx.Response(
                200,
                json={
                    "issuer": ISSUER,
                    "authorization_endpoint": f"{ISSUER}/authorize",
                    "token_endpoint": f"{ISSUER}/token",
                    "jwks_uri": f"{ISSUER}/jwks",
                },
            )
        if path == "/jwks":
            return httpx.Response(200, json={"keys": [self.key.as_dict(private=False)]})
        if path == "/token":
            form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
            grant = self.codes.pop(form.get("code", ""), None)
            verifier = form.get("code_verifier", "")
            digest = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
            if grant is None or digest != grant["challenge"]:
                return httpx.Response(400, json={"error": "invalid_grant"})
            now = int(time.time())
            claims = {
                "iss": ISSUER,
                "aud": CLIENT_ID,
                "sub": grant["sub"],
                "email": grant["email"],
                "email_verified": True,
                "name": "Sam SSO",
                "nonce": grant["nonce"],
                "iat": now,
                "exp": now + 300,
                **self.claims_override,
            }
            token = jwt.encode({"alg": "RS256", "kid": "k1"}, claims, self.sign_with or self.key)
            return httpx.Response(200, json={"id_token": token, "access_token": "x", "token_type": "Bearer"})
        return httpx.Response(404)


@pytest.fixture
def provider() -> Provider:
    return Provider()


@pytest.fixture
def sso_app(settings: ServerSettings, provider: Provider) -> FastAPI:
    configured = settings.model_copy(
        update={
            "oidc_issuer": ISSUER,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": "s3cret",
            "oidc_redirect_url": CALLBACK,
        }
    )
    app = create_app(configured)
    app.state.oidc = OidcClient(configured, httpx.Client(transport=httpx.MockTransport(provider.handle)))
    return app


def sso_sign_in(client: TestClient, provider: Provider, email: str, next_path: str = "/") -> httpx.Response:
    start = client.get("/auth/oidc/login", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 303
    cookie = start.headers["set-cookie"].lower()
    assert "aisma_oidc=" in cookie and "httponly" in cookie and "samesite=lax" in cookie
    code, state = provider.authorize(start.headers["location"], email)
    return client.get("/auth/oidc/callback", params={"code": code, "state": state}, follow_redirects=False)


def test_login_page_offers_sso_only_when_configured(client: TestClient, sso_app: FastAPI) -> None:
    assert "single sign-on" not in client.get("/login").text
    assert client.get("/auth/oidc/login", follow_redirects=False).status_code == 404
    with TestClient(sso_app) as sso:
        assert "Sign in with single sign-on" in sso.get("/login").text


def test_sso_signs_in_and_links_the_existing_account(
    sso_app: FastAPI, provider: Provider, org_a: OrgWithMembers
) -> None:
    with TestClient(sso_app) as client:
        done = sso_sign_in(client, provider, org_a.emails[Role.ASSESSOR], next_path="/api/v1/orgs")
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/api/v1/orgs"
        assert "aisma_session" in client.cookies
        me = client.get("/api/v1/me").json()
        assert me["email"] == org_a.emails[Role.ASSESSOR] and me["via"] == "session"
        assert [o["slug"] for o in client.get("/api/v1/orgs").json()] == ["org-a"]


def test_sso_newcomer_gets_an_account_without_organizations(sso_app: FastAPI, provider: Provider) -> None:
    with TestClient(sso_app) as client:
        assert sso_sign_in(client, provider, "new.person@example.org").status_code == 303
        assert client.get("/api/v1/orgs").json() == []
        assert client.get("/api/v1/orgs/org-a/answers").status_code == 404


@pytest.mark.parametrize(
    "tamper",
    [
        {"claims": {"aud": "someone-else"}},
        {"claims": {"iss": "https://evil.example"}},
        {"claims": {"nonce": "replayed"}},
        {"claims": {"exp": 1000}},
        {"claims": {"email_verified": False}},
        {"foreign_key": True},
    ],
)
def test_sso_refuses_bad_id_tokens(sso_app: FastAPI, provider: Provider, tamper: dict[str, Any]) -> None:
    provider.claims_override = tamper.get("claims", {})
    if tamper.get("foreign_key"):
        provider.sign_with = RSAKey.generate_key(2048, parameters={"kid": "k1"}, private=True)
    with TestClient(sso_app) as client:
        done = sso_sign_in(client, provider, "someone@example.org")
        assert done.status_code == 401
        assert "Sign-in failed" in done.text
        assert "aisma_session" not in client.cookies


def test_sso_refuses_a_wrong_state_or_a_missing_flow_cookie(sso_app: FastAPI, provider: Provider) -> None:
    with TestClient(sso_app) as client:
        start = client.get("/auth/oidc/login", follow_redirects=False)
        code, _state = provider.authorize(start.headers["location"], "a@example.org")
        wrong = client.get("/auth/oidc/callback", params={"code": code, "state": "forged"}, follow_redirects=False)
        assert wrong.status_code == 401
    with TestClient(sso_app) as stranger:  # a callback URL replayed in another browser
        start = TestClient(sso_app).get("/auth/oidc/login", follow_redirects=False)
        code, state = provider.authorize(start.headers["location"], "a@example.org")
        replay = stranger.get("/auth/oidc/callback", params={"code": code, "state": state}, follow_redirects=False)
        assert replay.status_code == 401
        assert "aisma_session" not in stranger.cookies
