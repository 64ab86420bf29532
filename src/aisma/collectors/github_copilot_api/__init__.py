"""The ``github-copilot-api`` collector: GitHub Copilot's organization settings, read live from the REST API.

Runs only when ``collectors.github-copilot-api.organizations`` is set in aisma.yaml (an assessment
must work offline), with a token from the environment. It reads the responses the ``github-copilot``
collector reads from files and measures them with the same rules; each response stands in for a
file: its provenance is ``github-api:ORG/ENDPOINT`` and the sha256 of its canonical JSON.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta
from aisma.collectors.github_copilot.measure import TOOL, Observed, measure
from aisma.collectors.github_copilot.reading import Response
from aisma.collectors.github_copilot.rules import Kind, Options
from aisma.collectors.github_copilot_api.client import API_VERSION, GithubApi, canonical, digest, load_httpx
from aisma.collectors.registry import read_meta
from aisma.errors import AismaError
from aisma.scoring.inputs import Source

WHERE = "aisma.yaml: collectors.github-copilot-api"
LIVE_SETTINGS = ("organizations", "api_url", "token_env", "audit_log", "cloud_agent_repositories")
DEFAULT_API = "https://api.github.com"
_LOGIN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$"


@dataclass(frozen=True)
class LiveSettings:
    organizations: tuple[str, ...]
    api_url: str
    token_env: str
    audit_log: bool
    repositories: tuple[str, ...]
    options: Options


def parse_settings(raw: Mapping[str, Any]) -> LiveSettings:
    import re

    options = Options.from_settings(raw, WHERE, LIVE_SETTINGS)
    orgs = raw.get("organizations")
    if not isinstance(orgs, list) or not orgs or not all(isinstance(o, str) and re.match(_LOGIN, o) for o in orgs):
        raise AismaError(
            f"{WHERE}.organizations must list the GitHub organization logins to read (the collector reads "
            "the live API, so it runs only when configured)"
        )
    api_url = raw.get("api_url", DEFAULT_API)
    if not isinstance(api_url, str) or not api_url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise AismaError(
            f"{WHERE}.api_url must be an https:// URL (GitHub Enterprise Cloud with data residency: https://api.SUBDOMAIN.ghe.com)"
        )
    token_env = raw.get("token_env", "GITHUB_TOKEN")
    if not isinstance(token_env, str) or not token_env.strip():
        raise AismaError(f"{WHERE}.token_env must name an environment variable")
    audit = raw.get("audit_log", True)
    if not isinstance(audit, bool):
        raise AismaError(f"{WHERE}.audit_log must be true or false")
    repos = raw.get("cloud_agent_repositories", [])
    if not isinstance(repos, list) or not all(isinstance(r, str) and r.count("/") == 1 for r in repos):
        raise AismaError(f"{WHERE}.cloud_agent_repositories must list repositories as OWNER/REPO")
    return LiveSettings(tuple(dict.fromkeys(orgs)), api_url, token_env.strip(), audit, tuple(repos), options)


class GithubCopilotApiCollector:
    def __init__(
        self, clock: Callable[[], datetime] | None = None, sleep: Callable[[float], None] | None = None
    ) -> None:
        self.meta: CollectorMeta = read_meta(__name__)
        self._clock = clock or (lambda: datetime.now(UTC).replace(microsecond=0))
        self._sleep = sleep

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        settings = parse_settings(context.settings)
        httpx = load_httpx()
        token = os.environ.get(settings.token_env, "").strip()
        if not token:
            raise AismaError(
                f"github-copilot-api: no token in the environment variable {settings.token_env} "
                "(a token that can read the organizations' Copilot settings)"
            )
        warnings: list[str] = []
        if paths:
            warnings.append("the github-copilot-api collector reads the API itself; the files given were not read")
        api = GithubApi(httpx, settings.api_url, token, **({"sleep": self._sleep} if self._sleep else {}))
        read: list[Observed] = []
        size = 0
        try:
            for org in settings.organizations:
                for kind, endpoint, body in self._read_org(api, org, settings, context.assessed_at, warnings):
                    read.append(self._observed(org, kind, endpoint, body))
                    size += len(canonical(body))
            for full in settings.repositories:
                owner, repo = full.split("/")
                path = f"/repos/{owner}/{repo}/copilot/cloud-agent/configuration"
                page = api.get(f"github-copilot-api {full}", path, absent=(404,))
                if page.body is None:
                    warnings.append(f"{full}: no Copilot cloud agent configuration (404)")
                    continue
                read.append(self._observed(owner, "cloud_agent", path.removeprefix("/"), page.body, repo))
                size += len(canonical(page.body))
        finally:
            api.close()
        outcome = measure(read, settings.options, context.assessed_at)
        if context.progress:
            context.progress(size)
        return CollectionResult(
            measurements=outcome.measurements, observed=outcome.observed, warnings=(*warnings, *outcome.warnings)
        )

    def _read_org(
        self, api: GithubApi, org: str, settings: LiveSettings, now: datetime, warnings: list[str]
    ) -> list[tuple[Kind, str, Any]]:
        where = f"github-copilot-api {org}"
        out: list[tuple[Kind, str, Any]] = []
        billing = api.get(where, f"/orgs/{org}/copilot/billing").body
        out.append(("billing", f"orgs/{org}/copilot/billing", billing))
        seats = api.pages(where, f"/orgs/{org}/copilot/billing/seats", "seats").body
        out.append(("seats", f"orgs/{org}/copilot/billing/seats", seats))
        exclusion = api.get(where, f"/orgs/{org}/copilot/content_exclusion", absent=(404,))
        if exclusion.body is None:
            warnings.append(f"{org}: the content exclusion API answered 404 (a public preview endpoint); not checked")
        else:
            out.append(("content_exclusion", f"orgs/{org}/copilot/content_exclusion", exclusion.body))
        if settings.audit_log:
            since = (now - timedelta(days=settings.options.inactive_days)).date().isoformat()
            audit = api.pages(
                where, f"/orgs/{org}/audit-log", None, absent=(403, 404), phrase=f"action:copilot created:>={since}"
            )
            if audit.body is None:
                warnings.append(
                    f"{org}: the audit log API answered {audit.status} (it needs GitHub Enterprise Cloud and "
                    "the read:audit_log scope); Copilot events not listed"
                )
            else:
                out.append(("audit_log", f"orgs/{org}/audit-log", audit.body))
        return out

    def _observed(self, org: str, kind: Kind, endpoint: str, body: Any, repo: str = "") -> Observed:
        source = Source(
            tool=TOOL, version=f"REST API {API_VERSION}", file=f"github-api:{endpoint}", sha256=digest(body)
        )
        return Observed(Response(kind, org, body, repo), source, self._clock())


def collector() -> GithubCopilotApiCollector:
    return GithubCopilotApiCollector()
