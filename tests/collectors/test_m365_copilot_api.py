"""The m365-copilot-api collector against a local fake of Microsoft Graph.

The fake answers the way Graph does (tests/data/m365-copilot-api/SOURCE.md): list pages
``{"@odata.context", "value": [...], "@odata.nextLink"}``, the audit search as an auditLogQuery created
with 201 and polled until ``succeeded``, 429 with ``Retry-After`` when throttling, and
``{"error": {"code", "message", "innerError"}}`` on 403. The bodies are the documented ones the file
collector's tests read (tests/data/m365-copilot). The HTTP client is the collector's own (httpx); only the
credential is a stand-in, since nothing here can sign in to Microsoft Entra ID.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.m365_copilot import collector as file_collector
from aisma.collectors.m365_copilot_api import M365CopilotApiCollector
from aisma.collectors.m365_copilot_api.client import load_sdk
from aisma.collectors.run import run_collector
from aisma.errors import AismaError
from collectors.fakes import JsonHandler, serving
from collectors.test_m365_copilot import COPILOT_SKU, LABEL, body, record

AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
QUERY_ID = "168ec429-084b-a489-90d8-504a87846305"  # the auditLogQuery of Graph's "Create auditLogQuery" example
DENIED = {
    "error": {
        "code": "Authorization_RequestDenied",
        "message": "Insufficient privileges to complete the operation.",
        "innerError": {"date": "2026-11-20T08:00:01", "request-id": "b1909fc0-aa5c-4b43-8a1f-5d6c7e8f9a0b"},
    }
}
THROTTLED = {
    "error": {
        "code": "TooManyRequests",
        "message": "Please retry again later.",
        "innerError": {"code": "429", "date": "2026-11-20T08:00:01", "message": "Please retry after", "status": "429"},
    }
}


def labelled_groups() -> list[dict[str, Any]]:
    """The documented groups as ``$select=id,displayName,groupTypes,visibility,assignedLabels`` returns them."""
    out = []
    for group, label in zip(body("groups")["value"], (True, False), strict=True):
        selected = {k: group[k] for k in ("id", "displayName", "groupTypes", "visibility")}
        out.append(selected | {"assignedLabels": [LABEL] if label else []})
    return out


def skus() -> list[dict[str, Any]]:
    return [*body("subscribed-skus")["value"], COPILOT_SKU]


RECORDS = [record("2026-11-12T09:14:02Z"), record("2026-11-18T16:40:55Z")]


class FakeGraph:
    """Graph on loopback: a path (below /v1.0) -> its pages; ``fail`` maps a path to answers given first."""

    def __init__(self) -> None:
        self.pages: dict[str, list[list[Any]]] = {}
        self.fail: dict[str, list[tuple[int, Any, dict[str, str]]]] = {}
        self.statuses = ["running", "succeeded"]  # what each poll of the audit search says
        self.requests: list[tuple[str, str, str, Any]] = []  # method, path with query, Authorization, body
        self.next_host = ""  # where @odata.nextLink points (the fake itself unless a test says otherwise)
        self.url = ""
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                self._answer("GET", None)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                sent = json.loads(self.rfile.read(length)) if length else None
                self.headers.replace_header("Content-Length", "0")  # read already
                self._answer("POST", sent)

            def _answer(self, method: str, sent: Any) -> None:
                fake.requests.append((method, self.path, self.headers.get("Authorization", ""), sent))
                parts = urlsplit(self.path)
                path = parts.path.removeprefix("/v1.0")
                if fake.fail.get(path):
                    status, answer, headers = fake.fail[path].pop(0)
                    return self.send_json(status, answer, headers)
                if method == "POST" and path == "/security/auditLog/queries":
                    query = {"@odata.type": "#microsoft.graph.security.auditLogQuery", "id": QUERY_ID}
                    return self.send_json(201, query | sent | {"status": "notStarted"})
                if path == f"/security/auditLog/queries/{QUERY_ID}":
                    status = fake.statuses.pop(0)
                    query = {"@odata.type": "#microsoft.graph.security.auditLogQuery", "id": QUERY_ID}
                    return self.send_json(200, query | {"status": status})
                pages = fake.pages.get(path)
                if pages is None:
                    error = {"code": "Request_ResourceNotFound", "message": f"Resource '{path}' does not exist"}
                    return self.send_json(404, {"error": error})
                page = int(parse_qs(parts.query).get("$skiptoken", ["0"])[0])
                answer: dict[str, Any] = {
                    "@odata.context": f"https://graph.microsoft.com/v1.0/$metadata#{path.rsplit('/', 1)[-1]}",
                    "value": pages[page],
                }
                if page + 1 < len(pages):
                    answer["@odata.nextLink"] = f"{fake.next_host or fake.url}/v1.0{path}?$skiptoken={page + 1}"
                self.send_json(200, answer)

        self.handler = Handler

    def documented_tenant(self) -> None:
        self.pages["/groups"] = [labelled_groups()]
        self.pages["/subscribedSkus"] = [skus()]
        self.pages[f"/security/auditLog/queries/{QUERY_ID}/records"] = [RECORDS]


class Token:
    """A stand-in credential: what DefaultAzureCredential hands out."""

    scopes: ClassVar[list[str]] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        Token.scopes.extend(scopes)
        return AccessToken("secret-token-value", int(time.time()) + 3600)


@pytest.fixture
def graph() -> Iterator[FakeGraph]:
    fake = FakeGraph()
    with serving(fake.handler) as fake.url:
        yield fake


def collect(graph: FakeGraph, sleeps: list[float] | None = None, **settings: Any) -> CollectionResult:
    sdk = replace(load_sdk(), credential=Token)
    waits = sleeps if sleeps is not None else []
    live = M365CopilotApiCollector(sdk=lambda: sdk, clock=lambda: AT, sleep=waits.append)
    merged = {"tenant": "contoso", "graph_url": graph.url, "audit_days": 7, **settings}
    return run_collector(live, [], CollectContext(assessed_at=AT, settings=merged))


def counts(result: CollectionResult) -> dict[str, tuple[float, float, tuple[str, ...]]]:
    return {m.metric: (m.numerator, m.denominator, m.details) for m in result.measurements}


def saved(tmp_path: Path) -> CollectionResult:
    """The same bodies saved as files, read by the m365-copilot collector."""
    folder = tmp_path / "contoso"
    folder.mkdir(parents=True)
    files = {"groups": labelled_groups(), "subscribed-skus": skus(), "audit-records": RECORDS}
    for name, value in files.items():
        (folder / f"{name}-2026-11-20.json").write_text(json.dumps({"value": value}))
    context = CollectContext(assessed_at=AT)
    return run_collector(file_collector(), sorted(folder.glob("*.json")), context)


def test_the_live_tenant_is_judged_as_the_saved_one(graph: FakeGraph, tmp_path: Path) -> None:
    graph.documented_tenant()
    sleeps: list[float] = []
    result = collect(graph, sleeps)
    files = saved(tmp_path)
    assert counts(result) == counts(files)
    assert set(counts(result)) == {
        "copilot.content.labeled_ratio",
        "copilot.content.private_ratio",
        "copilot.audit.enabled_ratio",
    }
    assert {(a.kind, a.identifier, a.seen_with) for a in result.observed} == {
        (a.kind, a.identifier, a.seen_with) for a in files.observed
    }
    assert {(a.kind, a.identifier) for a in result.observed} == {("endpoint", "m365-copilot:contoso")}
    sources = {m.metric: m.source for m in result.measurements}
    assert sources["copilot.content.labeled_ratio"].file == "graph:tenants/contoso/groups"
    assert sources["copilot.audit.enabled_ratio"].file == (
        f"graph:tenants/contoso/security/auditLog/queries/{QUERY_ID}/records"
    )
    assert {m.source.tool for m in result.measurements} == {"m365-copilot"}
    assert {m.observed_at for m in result.measurements} == {AT}
    # The same tenant hashes the same on the next read.
    graph.statuses = ["succeeded"]
    again = collect(graph)
    assert [m.source.sha256 for m in again.measurements] == [m.source.sha256 for m in result.measurements]
    # What was asked: the Unified groups with labels, the licences, one audit search for Copilot interactions.
    method, first, _, _ = graph.requests[0]
    query = parse_qs(urlsplit(first).query)
    assert (method, urlsplit(first).path) == ("GET", "/v1.0/groups")
    assert query["$filter"] == ["groupTypes/any(c:c eq 'Unified')"]
    assert query["$select"] == ["id,displayName,groupTypes,visibility,assignedLabels"]
    assert all(a == "Bearer secret-token-value" for _, _, a, _ in graph.requests)
    posts = [sent for method, _, _, sent in graph.requests if method == "POST"]
    assert posts[0]["recordTypeFilters"] == ["copilotInteraction"]
    assert (posts[0]["filterStartDateTime"], posts[0]["filterEndDateTime"]) == (
        "2026-11-13T08:00:00Z",
        "2026-11-20T08:00:00Z",
    )
    assert sleeps == [30.0, 30.0]  # not started when created, running at the first poll, done at the second
    assert "https://graph.microsoft.com/.default" in Token.scopes
    # DLP policies, the audit configuration and Restricted SharePoint Search are not in Graph.
    assert not {"copilot.dlp.enforced_ratio", "copilot.search.restricted_ratio"} & set(counts(result))


def test_pages_are_followed_and_throttling_waits_as_told(graph: FakeGraph) -> None:
    graph.documented_tenant()
    groups = labelled_groups()
    graph.pages["/groups"] = [groups[:1], groups[1:]]
    graph.fail["/subscribedSkus"] = [(429, THROTTLED, {"Retry-After": "7"})]
    sleeps: list[float] = []
    result = collect(graph, sleeps)
    assert counts(result)["copilot.content.labeled_ratio"][:2] == (1, 1)  # Golf Discussion is not Unified
    assert sum(urlsplit(p).path == "/v1.0/groups" for _, p, _, _ in graph.requests) == 2
    assert sum(urlsplit(p).path == "/v1.0/subscribedSkus" for _, p, _, _ in graph.requests) == 2
    assert sleeps[0] == 7.0
    assert ("endpoint", "m365-copilot:contoso") in {(a.kind, a.identifier) for a in result.observed}


def test_access_denied_is_one_line_without_the_token(graph: FakeGraph) -> None:
    graph.documented_tenant()
    graph.fail["/groups"] = [(403, DENIED, {})]
    with pytest.raises(AismaError) as caught:
        collect(graph)
    line = caught.value.message
    assert line == (
        "m365-copilot-api contoso: GET /groups: 403 Authorization_RequestDenied (Insufficient privileges to "
        "complete the operation.), access denied; the identity needs Group.Read.All (or GroupMember.Read.All) "
        "to list Microsoft 365 groups with their labels"
    )
    assert "secret-token-value" not in line
    graph.fail["/security/auditLog/queries"] = [(403, DENIED, {})]
    with pytest.raises(AismaError, match=r"POST /security/auditLog/queries: 403 .*AuditLogsQuery\.Read\.All"):
        collect(graph)


def test_throttling_that_does_not_end_is_one_line(graph: FakeGraph) -> None:
    graph.documented_tenant()
    graph.fail["/groups"] = [(429, THROTTLED, {"Retry-After": "120"})] * 4
    sleeps: list[float] = []
    with pytest.raises(AismaError) as caught:
        collect(graph, sleeps)
    assert caught.value.message.startswith(
        "m365-copilot-api contoso: GET /groups: HTTP 429 TooManyRequests (Please retry again later.), still after 3 retries"
    )
    assert sleeps == [60.0, 60.0, 60.0]  # Retry-After, capped at a minute


def test_a_next_link_to_another_host_is_not_followed(graph: FakeGraph) -> None:
    graph.documented_tenant()
    graph.pages["/groups"] = [labelled_groups()[:1], labelled_groups()[1:]]
    graph.next_host = "http://127.0.0.2:9"
    with pytest.raises(AismaError, match=r"the next page link points away from http://127\.0\.0\.1:\d+; not followed"):
        collect(graph)
    assert sum(urlsplit(p).path == "/v1.0/groups" for _, p, _, _ in graph.requests) == 1


def test_an_audit_search_that_does_not_finish_is_a_warning(graph: FakeGraph) -> None:
    graph.documented_tenant()
    graph.statuses = ["running"] * 3
    result = collect(graph, audit_wait_seconds=60)
    assert "copilot.audit.enabled_ratio" not in counts(result)
    assert f"contoso: the audit search {QUERY_ID} was still running after 60 s (audit_wait_seconds)" in " ".join(
        result.warnings
    )
    graph.statuses = ["failed"]
    result = collect(graph)
    assert f"contoso: the audit search {QUERY_ID} ended failed" in result.warnings
    # No interaction in the window: nothing to count, and a warning says what would tell.
    graph.statuses = ["succeeded"]
    graph.pages[f"/security/auditLog/queries/{QUERY_ID}/records"] = [[]]
    result = collect(graph)
    assert "copilot.audit.enabled_ratio" not in counts(result)
    assert any("no Copilot interaction in the audit log of the last 7 days" in w for w in result.warnings)


def test_without_audit_days_nothing_is_searched(graph: FakeGraph) -> None:
    graph.documented_tenant()
    result = collect(graph, audit_days=None)
    assert not [r for r in graph.requests if r[0] == "POST"]
    assert any("no audit search (set audit_days" in w for w in result.warnings)
    assert "copilot.content.private_ratio" in counts(result)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"tenant": None}, r"collectors\.m365-copilot-api\.tenant must name the tenant read"),
        ({"tenant": "a/b"}, r"tenant must name the tenant read"),
        ({"audit_days": 0}, r"audit_days must be a whole number of days from 1 to 180"),
        ({"audit_days": True}, r"audit_days must be a whole number"),
        ({"audit_wait_seconds": 5}, r"audit_wait_seconds must be a whole number of seconds from 30 to 3600"),
        ({"graph_url": "http://graph.example"}, r"graph_url must be an https URL"),
        ({"tenants": ["contoso"]}, r"collectors\.m365-copilot-api\.tenants is not a setting"),
    ],
)
def test_bad_settings_are_one_line(graph: FakeGraph, settings: dict[str, Any], message: str) -> None:
    with pytest.raises(AismaError, match=message):
        collect(graph, **settings)
    assert graph.requests == []
