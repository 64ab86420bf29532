"""OpenID Connect sign-in: the authorization code flow with PKCE, against one configured issuer.

The browser is sent to the identity provider with a fresh ``state``, ``nonce`` and PKCE challenge;
those three (and where to go afterwards) wait in a short-lived, HMAC-signed, HttpOnly cookie. On the
way back the callback checks ``state``, trades the code (with the PKCE verifier) for tokens over a
back channel, and accepts the ID token only with a valid signature from the issuer's JWKS, the
configured issuer and audience, an unexpired ``exp`` and our ``nonce``. Nothing else is trusted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx

from aisma.errors import AismaError
from aisma.server.settings import ServerSettings

FLOW_COOKIE = "aisma_oidc"
FLOW_MAX_AGE_SECONDS = 600
METADATA_TTL_SECONDS = 3600
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "ES256", "ES384")
CLOCK_LEEWAY_SECONDS = 60


class OidcError(AismaError):
    """The sign-in could not be completed; the message is safe to show."""


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str
    name: str
    groups: tuple[str, ...] = ()  # the configured groups claim (AISMA_OIDC_GROUPS_CLAIM), as sent


def enabled(settings: ServerSettings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_redirect_url)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def pkce_challenge(verifier: str) -> str:
    return _b64(hashlib.sha256(verifier.encode("ascii")).digest())


def sign_flow(secret: str, flow: dict[str, str]) -> str:
    """The flow state as ``<payload>.<hmac>``: the browser carries it but cannot alter it."""
    payload = _b64(json.dumps({**flow, "t": int(time.time())}, sort_keys=True).encode())
    mac = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    return f"{payload}.{mac}"


def read_flow(secret: str, cookie: str | None) -> dict[str, str]:
    if not cookie or "." not in cookie:
        raise OidcError("the sign-in took too long or was started elsewhere; start again")
    payload, mac = cookie.rsplit(".", 1)
    expected = hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(mac, expected):
        raise OidcError("the sign-in state was tampered with; start again")
    flow: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    if int(flow.get("t", 0)) + FLOW_MAX_AGE_SECONDS < time.time():
        raise OidcError("the sign-in took too long; start again")
    return {key: str(value) for key, value in flow.items()}


def groups_of(value: object) -> tuple[str, ...]:
    """The groups claim as strings: providers send a list, some a single string; anything else is none."""
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(item for item in value if isinstance(item, str))
    return ()


class OidcClient:
    """One relying party; ``http`` is injectable so tests can stand in a provider."""

    def __init__(self, settings: ServerSettings, http: httpx.Client) -> None:
        if not enabled(settings):
            raise OidcError("OIDC sign-in is not configured")
        self.issuer = str(settings.oidc_issuer).rstrip("/")
        self.client_id = str(settings.oidc_client_id)
        self.client_secret = settings.oidc_client_secret or ""
        self.redirect_url = str(settings.oidc_redirect_url)
        self.scopes = " ".join(settings.oidc_scopes.split()) or "openid"
        self.groups_claim = settings.oidc_groups_claim
        self.http = http
        self._metadata: dict[str, Any] | None = None
        self._metadata_at = 0.0

    def metadata(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._metadata_at > METADATA_TTL_SECONDS:
            document = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if str(document.get("issuer", "")).rstrip("/") != self.issuer:
                raise OidcError("the identity provider's discovery document names another issuer")
            self._metadata, self._metadata_at = document, time.monotonic()
        return self._metadata

    def start(self, next_path: str) -> tuple[str, dict[str, str]]:
        """The provider URL to send the browser to, and the flow state to keep in the cookie."""
        flow = {
            "state": secrets.token_urlsafe(24),
            "nonce": secrets.token_urlsafe(24),
            "verifier": secrets.token_urlsafe(48),
            "next": next_path,
        }
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.client_id,
                "redirect_uri": self.redirect_url,
                "scope": self.scopes,
                "state": flow["state"],
                "nonce": flow["nonce"],
                "code_challenge": pkce_challenge(flow["verifier"]),
                "code_challenge_method": "S256",
            }
        )
        return f"{self.metadata()['authorization_endpoint']}?{query}", flow

    def finish(self, flow: dict[str, str], code: str, state: str) -> Identity:
        """Check the state, trade the code, verify the ID token; the signed-in identity."""
        if not state or not hmac.compare_digest(state, flow["state"]):
            raise OidcError("the sign-in state does not match; start again")
        meta = self.metadata()
        try:
            response = self.http.post(
                meta["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.redirect_url,
                    "code_verifier": flow["verifier"],
                },
                auth=(self.client_id, self.client_secret),
            )
        except httpx.HTTPError as exc:
            raise OidcError(f"the identity provider cannot be reached ({type(exc).__name__})") from None
        if response.status_code != 200:
            raise OidcError(f"the identity provider refused the sign-in ({response.status_code})")
        id_token = response.json().get("id_token")
        if not isinstance(id_token, str):
            raise OidcError("the identity provider sent no ID token")
        return self.verify(id_token, flow["nonce"])

    def verify(self, id_token: str, nonce: str) -> Identity:
        from joserfc import jwt
        from joserfc.errors import JoseError
        from joserfc.jwk import KeySet

        keys = KeySet.import_key_set(self._get_json(self.metadata()["jwks_uri"]))  # type: ignore[arg-type]
        try:
            token = jwt.decode(id_token, keys, algorithms=list(ALGORITHMS))
            jwt.JWTClaimsRegistry(
                leeway=CLOCK_LEEWAY_SECONDS,
                iss={"essential": True, "value": self.issuer},
                aud={"essential": True, "value": self.client_id},
                exp={"essential": True},
                sub={"essential": True},
                nonce={"essential": True, "value": nonce},
            ).validate(token.claims)
        except (JoseError, ValueError) as exc:
            raise OidcError(f"the ID token is not valid ({type(exc).__name__})") from None
        claims = token.claims
        email = claims.get("email")
        if not isinstance(email, str) or not email or claims.get("email_verified") is False:
            raise OidcError("the identity provider gave no verified email address")
        return Identity(
            subject=str(claims["sub"]),
            email=email,
            name=str(claims.get("name") or ""),
            groups=groups_of(claims.get(self.groups_claim)),
        )

    def _get_json(self, url: str) -> dict[str, Any]:
        try:
            response = self.http.get(url)
            response.raise_for_status()
            document = response.json()
        except (httpx.HTTPError, ValueError) as exc:
            raise OidcError(f"the identity provider cannot be reached ({type(exc).__name__})") from None
        if not isinstance(document, dict):
            raise OidcError("the identity provider answered with something unexpected")
        return document
