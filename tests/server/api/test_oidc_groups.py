"""OIDC sign-in against a fake identity provider that this test starts on a loopback port: a real
HTTP server with a discovery document, a JWKS, an authorization endpoint (which signs in whoever the
test says, at once) and a token endpoint that checks the PKCE verifier and signs RS256 ID tokens.
The app talks to it over real HTTP with its own client; nothing of aisma is replaced.

The first sign-in provisions the account; the groups claim (``AISMA_OIDC_GROUPS_CLAIM``) maps to
organization roles through ``AISMA_OIDC_GROUP_ROLES`` at every sign-in."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import httpx
import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from pydantic import ValidationError
from sqlalchemy import select

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.tables import AuditEntry
from aisma.web.app import create_app
from aisma.web.features.organizations import service as accounts

from ..factories import OrgWithMembers

CLIENT_ID = "aisma-test"
CALLBACK = "http://testserver/auth/oidc/callback"
MAPPING = "sec-owners=org-a:owner, sec-team=org-a:assessor, auditors=org-a:viewer, auditors=org-b:viewer, x=gone:viewer"


class FakeProvider:
    """An OpenID provider on 127.0.0.1: signs in ``self.person`` (claims) at /authorize without a form."""

    def __init__(self) -> None:
        self.key = RSAKey.generate_key(2048, parameters={"kid": "test-key"}, private=True)
        self.person: dict[str, Any] = {}
        self.codes: dict[str, dict[str, Any]] = {}
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlparse(self.path)
                if url.path == "/.well-known/openid-configuration":
                    self._json(
                        {
                            "issuer": provider.issuer,
                            "authorization_endpoint": f"{provider.issuer}/authorize",
                            "token_endpoint": f"{provider.issuer}/token",
                            "jwks_uri": f"{provider.issuer}/jwks",
                            "response_types_supported": ["code"],
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif url.path == "/jwks":
                    self._json({"keys": [provider.key.as_dict(private=False)]})
                elif url.path == "/authorize":
                    query = {k: v[0] for k, v in parse_qs(url.query).items()}
                    code = secrets.token_urlsafe(16)
                    provider.codes[code] = {**query, "person": dict(provider.person)}
                    target = f"{query['redirect_uri']}?{urlencode({'code': code, 'state': query['state']})}"
                    self.send_response(302)
                    self.send_header("Location", target)
                    self.end_headers()
                else:
                    self._json({"error": "not found"}, 404)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                grant = provider.codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "").encode()
                challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier).digest()).rstrip(b"=").decode()
                expected = "Basic " + base64.b64encode(f"{CLIENT_ID}:shh".encode()).decode()
                if (
                    urlparse(self.path).path != "/token"
                    or grant is None
                    or grant["code_challenge"] != challenge
                    or self.headers.get("Authorization") != expected
                ):
                    self._json({"error": "invalid_grant"}, 400)
                    return
                now = int(time.time())
                claims = {
                    "iss": provider.issuer,
                    "aud": CLIENT_ID,
                    "nonce": grant["nonce"],
                    "iat": now,
                    "exp": now + 300,
                    "email_verified": True,
                    **grant["person"],
                }
                token = jwt.encode({"alg": "RS256", "kid": "test-key"}, claims, provider.key)
                self._json({"id_token": token, "access_token": "opaque", "token_type": "Bearer"})

            def _json(self, body: dict[str, Any], status: int = 200) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.issuer = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def provider() -> Iterator[FakeProvider]:
    running = FakeProvider()
    yield running
    running.close()


@pytest.fixture
def sso(settings: ServerSettings, provider: FakeProvider) -> Iterator[TestClient]:
    configured = settings.model_copy(
        update={
            "oidc_issuer": provider.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": "shh",
            "oidc_redirect_url": CALLBACK,
            "oidc_scopes": "openid email profile groups",
            "oidc_groups_claim": "roles",
            "oidc_group_roles": MAPPING,
        }
    )
    with TestClient(create_app(configured)) as client:
        yield client


def sign_in_sso(client: TestClient, provider: FakeProvider, next_path: str = "/", **person: Any) -> httpx.Response:
    """The browser's round trip: our login redirect, the provider's authorize redirect, our callback."""
    provider.person = person
    client.cookies.clear()
    start = client.get("/auth/oidc/login", params={"next": next_path}, follow_redirects=False)
    assert start.status_code == 303
    assert "scope=openid+email+profile+groups" in start.headers["location"]
    at_provider = httpx.get(start.headers["location"], follow_redirects=False)  # the real provider
    assert at_provider.status_code == 302
    back = urlparse(at_provider.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return client.get(f"{back.path}?{back.query}", follow_redirects=False)


def roles_of(client: TestClient) -> dict[str, str]:
    return {o["slug"]: o["role"] for o in client.get("/api/v1/orgs").json()}


def test_first_sign_in_provisions_and_groups_map_to_roles(
    sso: TestClient, provider: FakeProvider, org_a: OrgWithMembers, org_b: OrgWithMembers, database: Database
) -> None:
    done = sign_in_sso(sso, provider, sub="kc-1", email="Lee@Example.org", name="Lee", roles=["sec-team", "auditors"])
    assert done.status_code == 303, done.text
    assert roles_of(sso) == {"org-a": "assessor", "org-b": "viewer"}
    with database.transaction(readonly=True) as session:
        user = accounts.user_by_email(session, "lee@example.org")
        assert user is not None and user.oidc_subject == "kc-1" and user.password_hash is None

    # The highest role wins; a group that is gone takes its membership with it.
    sign_in_sso(sso, provider, sub="kc-1", email="lee@example.org", roles=["sec-team", "sec-owners"])
    assert roles_of(sso) == {"org-a": "owner"}
    sign_in_sso(sso, provider, sub="kc-1", email="lee@example.org", roles="auditors")  # one string
    assert roles_of(sso) == {"org-a": "viewer", "org-b": "viewer"}
    sign_in_sso(sso, provider, sub="kc-1", email="lee@example.org")  # no claim at all
    assert roles_of(sso) == {}
    assert sso.get("/").status_code == 200 and "not a member of any organization" in sso.get("/").text
    with database.transaction(readonly=True) as session:
        oidc_rows = session.scalars(select(AuditEntry).where(AuditEntry.actor == "oidc")).all()
    assert [row.action for row in oidc_rows if row.organization_id == org_a.org_id] == [
        "member.add",
        "member.role",
        "member.role",
        "member.remove",
    ]


def test_the_last_owner_keeps_the_role_and_disabled_accounts_stay_out(
    sso: TestClient, provider: FakeProvider, org_a: OrgWithMembers, database: Database
) -> None:
    # org-a's only owner signs in through SSO without the owners' group: still its owner.
    owner = org_a.emails[Role.OWNER]
    assert sign_in_sso(sso, provider, sub="kc-owner", email=owner, roles=["auditors"]).status_code == 303
    assert roles_of(sso)["org-a"] == "owner"
    with database.transaction() as session:
        accounts.set_active(session, owner, False, by="test")
    refused = sign_in_sso(sso, provider, sub="kc-owner", email=owner, roles=["sec-owners"])
    assert refused.status_code == 403 and "disabled" in refused.text


def test_a_wrong_mapping_stops_the_server_naming_the_entry() -> None:
    with pytest.raises(ValidationError, match="entry 'sec-team=org-a': expected group=org:role"):
        ServerSettings(oidc_group_roles="sec-team=org-a")
    with pytest.raises(ValidationError, match="role one of owner, assessor, contributor, viewer"):
        ServerSettings(oidc_group_roles="sec-team=org-a:boss")


def test_an_invitee_signs_in_through_sso_and_joins(
    sso: TestClient, provider: FakeProvider, org_b: OrgWithMembers, token_for: Any
) -> None:
    made = sso.post(
        "/api/v1/orgs/org-b/invitations",
        headers=token_for(org_b),
        json={"email": "kim@example.org", "role": "contributor"},
    )
    path = "/invite/" + made.json()["url"].rsplit("/invite/", 1)[1]
    sso.cookies.clear()
    assert "sign in with single sign-on</a> as kim@example.org" in sso.get(path).text
    back = sign_in_sso(sso, provider, next_path=path, sub="kc-kim", email="kim@example.org")
    assert back.status_code == 303 and back.headers["location"] == path
    assert "Join Org-B</button>" in sso.get(path).text
    joined = sso.post(
        f"{path}/accept", data={"csrf_token": sso.get("/api/v1/me").json()["csrf_token"]}, follow_redirects=False
    )
    assert joined.status_code == 303 and roles_of(sso) == {"org-b": "contributor"}
