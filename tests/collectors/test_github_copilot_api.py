"""The github-copilot-api collector against a local fake of GitHub's REST API (no network).

The fake serves the documented response bodies of tests/data/github-copilot over HTTP on loopback,
with GitHub's pagination (``Link: <...>; rel="next"``), its error bodies and its throttling, and
records the requests, so the tests see what the collector asks for and with which headers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.github_copilot_api import GithubCopilotApiCollector
from aisma.collectors.github_copilot_api.client import canonical
from aisma.collectors.run import run_collector
from aisma.errors import AismaError

DATA = Path(__file__).parent.parent / "data" / "github-copilot" / "octo-org"
AT = datetime(2021, 10, 20, tzinfo=UTC)
TOKEN = "ghp_test_token_not_a_secret"
BASELINE = "coding_tools.admin_baseline_ratio"
SEATS = "coding_tools.seats.active_ratio"
Reply = tuple[int, Any, dict[str, str]]


def body(name: str) -> Any:
    return json.loads((DATA / name).read_text())


@dataclass
class FakeGithub:
    """Routes (path -> function of the query returning status, body, headers) and the requests seen."""

    routes: dict[str, Callable[[dict[str, list[str]]], Reply]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    url: str = ""


@pytest.fixture
def github() -> Iterator[FakeGithub]:
    fake = FakeGithub()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            fake.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
            route = fake.routes.get(parts.path)
            status, payload, headers = route(parse_qs(parts.query)) if route else (404, {"message": "Not Found"}, {})
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=30)


def documented(fake: FakeGithub, org: str = "octo-org") -> None:
    """The documented bodies, the seat list split into pages of one seat as GitHub pages it."""
    seats = body("seats.json")["seats"]

    def seat_page(query: dict[str, list[str]]) -> Reply:
        page = int(query.get("page", ["1"])[0])
        headers = {}
        if page < len(seats):
            headers["Link"] = f'<{fake.url}/orgs/{org}/copilot/billing/seats?per_page=1&page={page + 1}>; rel="next"'
        return 200, {"total_seats": len(seats), "seats": [seats[page - 1]]}, headers

    fake.routes.update(
        {
            f"/orgs/{org}/copilot/billing": lambda q: (200, body("billing.json"), {}),
            f"/orgs/{org}/copilot/billing/seats": seat_page,
            f"/orgs/{org}/copilot/content_exclusion": lambda q: (200, body("content_exclusion.json"), {}),
            f"/orgs/{org}/audit-log": lambda q: (200, body("audit-log.json"), {}),
            f"/repos/{org}/octo-repo/copilot/cloud-agent/configuration": lambda q: (
                200,
                body("cloud-agent-octo-repo.json"),
                {},
            ),
        }
    )


def collect(fake: FakeGithub, monkeypatch: pytest.MonkeyPatch, **settings: Any) -> CollectionResult:
    monkeypatch.setenv("AISMA_TEST_GITHUB_TOKEN", TOKEN)
    settings = {"organizations": ["octo-org"], "api_url": fake.url, "token_env": "AISMA_TEST_GITHUB_TOKEN", **settings}
    live = GithubCopilotApiCollector(clock=lambda: AT, sleep=lambda seconds: None)
    return run_collector(live, [], CollectContext(assessed_at=AT, settings=settings))


def test_reads_the_organization_like_the_saved_responses(github: FakeGithub, monkeypatch: pytest.MonkeyPatch) -> None:
    documented(github)
    result = collect(github, monkeypatch, cloud_agent_repositories=["octo-org/octo-repo"])
    by_file = {m.source.file: m for m in result.measurements}
    assert sorted(by_file) == [
        "github-api:orgs/octo-org/copilot/billing",
        "github-api:orgs/octo-org/copilot/billing/seats",
        "github-api:orgs/octo-org/copilot/content_exclusion",
    ]
    billing = by_file["github-api:orgs/octo-org/copilot/billing"]
    assert (billing.metric, billing.numerator, billing.denominator) == (BASELINE, 1, 1)
    assert billing.observed_at == AT and billing.source.tool == "github-copilot"
    import hashlib

    assert billing.source.sha256 == hashlib.sha256(canonical(body("billing.json"))).hexdigest()
    seats = by_file["github-api:orgs/octo-org/copilot/billing/seats"]
    # Both pages were read: octocat active, octokitten pending cancellation and left out.
    assert (seats.metric, seats.numerator, seats.denominator) == (SEATS, 1, 1)
    assert {(a.kind, a.identifier) for a in result.observed} == {
        ("endpoint", "github-copilot:octo-org"),
        ("mcp_server", "sentry"),
    }
    paths = [path for path, _ in github.requests]
    assert "/orgs/octo-org/copilot/billing/seats?per_page=1&page=2" in paths
    audit = next(p for p in paths if p.startswith("/orgs/octo-org/audit-log"))
    assert parse_qs(urlsplit(audit).query)["phrase"] == ["action:copilot created:>=2021-07-22"]
    for _, headers in github.requests:
        assert headers["authorization"] == f"Bearer {TOKEN}"
        assert headers["x-github-api-version"] == "2022-11-28"
        assert headers["accept"] == "application/vnd.github+json"


def test_preview_and_enterprise_only_endpoints_answer_404_as_warnings(
    github: FakeGithub, monkeypatch: pytest.MonkeyPatch
) -> None:
    documented(github)
    del github.routes["/orgs/octo-org/copilot/content_exclusion"]
    github.routes["/orgs/octo-org/audit-log"] = lambda q: (403, {"message": "Must have admin rights"}, {})
    result = collect(github, monkeypatch)
    assert [m.source.file for m in result.measurements if m.metric == BASELINE] == [
        "github-api:orgs/octo-org/copilot/billing"
    ]
    assert any("content exclusion API answered 404" in w for w in result.warnings)
    assert any("audit log API answered 403" in w for w in result.warnings)


def test_throttling_and_server_errors_are_retried(github: FakeGithub, monkeypatch: pytest.MonkeyPatch) -> None:
    documented(github)
    answers = iter([(429, {"message": "slow down"}, {"Retry-After": "1"}), (502, {"message": "bad gateway"}, {})])
    good = github.routes["/orgs/octo-org/copilot/billing"]
    github.routes["/orgs/octo-org/copilot/billing"] = lambda q: next(answers, None) or good(q)
    result = collect(github, monkeypatch, audit_log=False)
    assert any(m.source.file.endswith("copilot/billing") for m in result.measurements)
    assert sum(1 for p, _ in github.requests if p == "/orgs/octo-org/copilot/billing") == 3
    assert not any("audit-log" in p for p, _ in github.requests)


@pytest.mark.parametrize(
    ("status", "message", "expected"),
    [
        (401, "Bad credentials", "401, the token was rejected (Bad credentials); refresh it or check token_env"),
        (403, "Resource not accessible by personal access token", "manage_billing:copilot or read:org"),
        (404, "Not Found", "no such organization, no Copilot subscription, or the token cannot see it"),
        (500, "boom", "HTTP 500 (boom), still after 3 retries; run again later"),
    ],
)
def test_api_errors_stop_with_one_line(
    github: FakeGithub, monkeypatch: pytest.MonkeyPatch, status: int, message: str, expected: str
) -> None:
    documented(github)
    github.routes["/orgs/octo-org/copilot/billing"] = lambda q: (status, {"message": message}, {})
    with pytest.raises(AismaError) as caught:
        collect(github, monkeypatch)
    line = caught.value.message
    assert line.startswith("github-copilot-api octo-org: GET /orgs/octo-org/copilot/billing: ") and "\n" not in line
    assert expected in line
    assert TOKEN not in line


def test_unreachable_api_and_missing_token(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = FakeGithub(url="http://127.0.0.1:9")  # discard port: nothing listens
    with pytest.raises(AismaError, match=r"cannot reach http://127\.0\.0\.1:9"):
        collect(fake, monkeypatch)
    monkeypatch.delenv("NO_SUCH_TOKEN_VARIABLE", raising=False)
    live = GithubCopilotApiCollector(clock=lambda: AT, sleep=lambda seconds: None)
    settings = {"organizations": ["octo-org"], "token_env": "NO_SUCH_TOKEN_VARIABLE"}
    with pytest.raises(AismaError, match="no token in the environment variable NO_SUCH_TOKEN_VARIABLE"):
        run_collector(live, [], CollectContext(assessed_at=AT, settings=settings))


def test_hostile_response_bodies_are_refused(github: FakeGithub, monkeypatch: pytest.MonkeyPatch) -> None:
    documented(github)

    github.routes["/orgs/octo-org/copilot/billing/seats"] = lambda q: (200, {"total_seats": 1, "seats": "many"}, {})
    with pytest.raises(AismaError, match="is not a list under seats"):
        collect(github, monkeypatch)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"organizations": []}, "organizations must list the GitHub organization logins"),
        ({"organizations": ["octo org"]}, "organizations must list"),
        ({"api_url": "http://api.example.com"}, "api_url must be an https:// URL"),
        ({"cloud_agent_repositories": ["octo-repo"]}, "as OWNER/REPO"),
        ({"audit_log": "yes"}, "audit_log must be true or false"),
        ({"regions": ["eu"]}, "collectors.github-copilot-api.regions is not a setting"),
    ],
)
def test_bad_settings_stop_before_any_request(
    github: FakeGithub, monkeypatch: pytest.MonkeyPatch, settings: dict[str, Any], message: str
) -> None:
    with pytest.raises(AismaError) as caught:
        collect(github, monkeypatch, **settings)
    assert message in caught.value.message
    assert github.requests == []
