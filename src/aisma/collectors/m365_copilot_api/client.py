"""Microsoft Graph for the ``m365-copilot-api`` collector: a token from azure-identity, plain REST over httpx.

Why not Microsoft's Graph SDK (msgraph-sdk): its Kiota-generated client is asyncio-only and returns
typed models, which would have to be serialized back into Graph's JSON for the ``m365-copilot`` rules to
judge them; the collector needs nothing from the SDK but the bodies. So the REST calls are plain (every
one a documented Graph v1.0 request) and the credential is azure-identity's ``DefaultAzureCredential``,
the library the SDK itself signs in with. The optional extra ``aisma[m365]`` brings both.

Graph pages a list with ``@odata.nextLink`` (an absolute URL, followed only on the configured Graph
host, so the token never goes elsewhere), throttles with 429 and ``Retry-After``, and names what went
wrong in ``{"error": {"code", "message"}}``; each becomes a retry or one error line that never carries
the token.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

from aisma.collectors.live import checked_url, first_line, json_body, only_settings, send_retrying
from aisma.errors import AismaError

ID = "m365-copilot-api"
EXTRA = f"the {ID} collector needs the optional extra: pip install 'aisma[m365]'"
DEFAULT_GRAPH = "https://graph.microsoft.com"
GLOBAL_SCOPE = "https://graph.microsoft.com/.default"
RETRIES = 3
MAX_WAIT = 60.0
MAX_PAGES = 10_000  # 999 groups a page: ten million groups is a server's bug, not a tenant
POLL_SECONDS = 30.0  # how often a running audit search is asked for its status
PERMISSIONS = {
    "groups": "Group.Read.All (or GroupMember.Read.All) to list Microsoft 365 groups with their labels",
    "subscribedSkus": "Organization.Read.All (or LicenseAssignment.Read.All) to read the subscribed licences",
    "audit": "AuditLogsQuery.Read.All, and an account allowed to search the audit log, for the audit search",
}


@dataclass(frozen=True)
class Settings:
    tenant: str  # the tenant's name in aisma: provenance, discovery (m365-copilot:TENANT)
    graph_url: str
    audit_days: int | None  # search the audit log for Copilot interactions of the last N days; None: no search
    audit_wait_seconds: int

    @property
    def scope(self) -> str:
        """The token scope: the Graph host's own for a national cloud, the global one for a loopback fake."""
        parts = urlsplit(self.graph_url)
        return f"{self.graph_url}/.default" if parts.scheme == "https" else GLOBAL_SCOPE


def parse_settings(raw: Mapping[str, Any]) -> Settings:
    only_settings(raw, ID, ("tenant", "graph_url", "audit_days", "audit_wait_seconds"))
    where = f"aisma.yaml: collectors.{ID}"
    tenant = raw.get("tenant")
    if not isinstance(tenant, str) or not tenant.strip() or "/" in tenant or tenant.strip() in (".", ".."):
        raise AismaError(
            f"{where}.tenant must name the tenant read (for example contoso, as in evidence/m365-copilot/contoso); "
            "the collector reads the live API, so it runs only when configured"
        )
    url = checked_url(raw.get("graph_url") or DEFAULT_GRAPH, f"collectors.{ID}.graph_url", DEFAULT_GRAPH)
    days = raw.get("audit_days")
    if days is not None and (isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 180):
        raise AismaError(f"{where}.audit_days must be a whole number of days from 1 to 180 (the audit search window)")
    wait = raw.get("audit_wait_seconds", 900)
    if isinstance(wait, bool) or not isinstance(wait, int) or not 30 <= wait <= 3600:
        raise AismaError(f"{where}.audit_wait_seconds must be a whole number of seconds from 30 to 3600")
    return Settings(tenant.strip(), url, days, wait)


@dataclass(frozen=True)
class Sdk:
    """What the collector loads when it runs (nothing at import time): httpx and azure-identity's credential."""

    httpx: ModuleType
    credential: Callable[[], Any]  # DefaultAzureCredential
    auth_error: type[Exception]  # azure.core.exceptions.ClientAuthenticationError
    version: str


def load_sdk() -> Sdk:
    try:
        httpx = importlib.import_module("httpx")
        identity = importlib.import_module("azure.identity")
        errors = importlib.import_module("azure.core.exceptions")
    except ImportError:
        raise AismaError(EXTRA) from None
    return Sdk(httpx, identity.DefaultAzureCredential, errors.ClientAuthenticationError, "Microsoft Graph v1.0")


class Graph:
    """Read calls (and the one POST that starts an audit search) against one tenant's Graph endpoint."""

    def __init__(
        self,
        sdk: Sdk,
        settings: Settings,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._sdk = sdk
        self._settings = settings
        self._where = f"{ID} {settings.tenant}"
        self._base = settings.graph_url
        self._host = urlsplit(settings.graph_url).netloc
        self._sleep = sleep
        self._clock = clock
        self._credential = sdk.credential()
        self._token: Any = None
        self._client = sdk.httpx.Client(
            headers={"Accept": "application/json", "User-Agent": "aisma"},
            timeout=sdk.httpx.Timeout(60.0, connect=10.0),
            follow_redirects=False,
        )

    def close(self) -> None:
        self._client.close()

    def _bearer(self) -> str:
        """A token for Graph, fetched again five minutes before it expires (an audit search can outlast one)."""
        if self._token is None or self._token.expires_on - 300 < self._clock():
            try:
                self._token = self._credential.get_token(self._settings.scope)
            except self._sdk.auth_error as exc:
                raise AismaError(
                    f"{self._where}: no usable Microsoft Entra credential ({first_line(exc)}); sign in with az login, "
                    "or set AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or use a managed identity)"
                ) from None
        return f"Bearer {self._token.token}"

    def pages(self, what: str, path: str, params: Mapping[str, str] | None = None) -> list[Any]:
        """Every page of a Graph list, ``@odata.nextLink`` followed; each page as Graph returned it."""
        url: str | None = f"{self._base}/v1.0{path}"
        query: Mapping[str, str] | None = params
        out: list[Any] = []
        for _ in range(MAX_PAGES):
            if url is None:
                return out
            page = self.request(what, "GET", url, path, params=query)
            if not isinstance(page, dict) or not isinstance(page.get("value"), list):
                raise AismaError(f"{self._where}: GET {path}: the response is not a Graph list (no value array)")
            out.append(page)
            url, query = self._next(page, path), None  # the next link carries the query
        raise AismaError(f"{self._where}: GET {path}: more than {MAX_PAGES} pages; stopped")

    def get(self, what: str, path: str) -> Any:
        return self.request(what, "GET", f"{self._base}/v1.0{path}", path)

    def post(self, what: str, path: str, body: Mapping[str, Any]) -> Any:
        return self.request(what, "POST", f"{self._base}/v1.0{path}", path, body=body)

    def _next(self, page: Mapping[str, Any], path: str) -> str | None:
        link = page.get("@odata.nextLink")
        if link is None:
            return None
        parts = urlsplit(str(link))
        if parts.netloc != self._host or parts.scheme != urlsplit(self._base).scheme:
            raise AismaError(
                f"{self._where}: GET {path}: the next page link points away from {self._base}; not followed"
            )
        return str(link)

    def request(
        self,
        what: str,
        method: str,
        url: str,
        path: str,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> Any:
        """One call, retried on throttling (429, 503, 504: ``Retry-After`` seconds, at most 60) and on a
        dropped connection; any other failure is one line naming the tenant, the call and what to do."""
        call = f"{method} {path}"
        response = send_retrying(
            lambda: self._client.request(
                method, url, params=params, json=body, headers={"Authorization": self._bearer()}
            ),
            self._sdk.httpx.HTTPError,
            _retry_after,
            self._sleep,
            lambda exc: (
                f"{self._where}: {call}: cannot reach {self._base} ({type(exc).__name__}: {_line(exc)}); "
                "check graph_url and the network"
            ),
            RETRIES,
            MAX_WAIT,
        )
        if response.status_code not in (200, 201):
            raise AismaError(f"{self._where}: {call}: {self._explain(response, what)}")
        return json_body(response.content, f"{self._where}: {call}")

    def _explain(self, response: Any, what: str) -> str:
        code, message = "", ""
        try:
            error = response.json().get("error") or {}
            code, message = _line(error.get("code") or ""), _line(error.get("message") or "")
        except (ValueError, AttributeError):
            pass
        status = response.status_code
        said = " ".join(p for p in (code, f"({message})" if message else "") if p)
        said = f" {said}" if said else ""
        if status == 401:
            return f"401{said}, the token was rejected; check the credential signs in to the tenant"
        if status == 403:
            return f"403{said}, access denied; the identity needs {PERMISSIONS[what]}"
        if status == 404:
            return f"404{said}, not found; check graph_url"
        if status == 429 or status >= 500:
            return f"HTTP {status}{said}, still after {RETRIES} retries; run again later"
        return f"HTTP {status}{said}"


def _retry_after(response: Any, attempt: int) -> float | None:
    """Seconds to wait before retrying (``Retry-After``, else 1, 2, 4), or None when the response is final."""
    if response.status_code not in (429, 500, 502, 503, 504):
        return None
    try:
        return min(max(float(response.headers.get("retry-after", "")), 0.0), MAX_WAIT)
    except ValueError:
        return min(2.0**attempt, MAX_WAIT)


def _line(text: object) -> str:
    return " ".join(str(text).split())[:200]


def graph_time(moment: datetime) -> str:
    """A DateTimeOffset as Graph writes it (UTC, whole seconds, ``Z``)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
