"""The gcp-vertex-ai-api collector against a local fake of Google's REST APIs.

The fake answers Resource Manager, Vertex AI, Model Armor and Access Context Manager with Google's
documented bodies (tests/data/gcp-vertex-ai), pages joined by ``nextPageToken``, and Google's error
body on 403. The clients are Google's libraries themselves (the optional extra); only the credentials
are anonymous, since nothing here can sign in to Google.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.gcp_vertex_ai import collector as file_collector
from aisma.collectors.gcp_vertex_ai_api import GcpVertexAiApiCollector
from aisma.collectors.gcp_vertex_ai_api.client import load_sdk
from aisma.collectors.run import run_collector
from aisma.errors import AismaError
from collectors.fakes import JsonHandler, serving

DATA = Path(__file__).parent.parent / "data" / "gcp-vertex-ai"
AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)
PROJECT = "my-project"


def documented(name: str) -> Any:
    return json.loads((DATA / f"{name}.json").read_text())


class FakeGoogle:
    """Google's REST APIs on loopback: path -> pages (lists) or one body; ``fail`` maps a path to a status."""

    def __init__(self) -> None:
        self.bodies: dict[str, Any] = {}
        self.pages: dict[str, tuple[str, list[list[Any]]]] = {}
        self.fail: dict[str, int] = {}
        self.once: dict[str, list[int]] = {}  # statuses answered before the body, one request each
        self.requests: list[tuple[str, str]] = []
        self.url = ""
        fake = self

        class Handler(JsonHandler):
            def _answer(self) -> None:
                url = urlsplit(self.path)
                fake.requests.append((self.command, url.path))
                if url.path in fake.fail or fake.once.get(url.path):
                    status = fake.fail.get(url.path) or fake.once[url.path].pop(0)
                    error = {
                        "code": status,
                        "message": "The caller does not have permission",
                        "status": "PERMISSION_DENIED",
                    }
                    return self.send_json(status, {"error": error})
                if url.path in fake.bodies:
                    return self.send_json(200, fake.bodies[url.path])
                if url.path in fake.pages:
                    key, pages = fake.pages[url.path]
                    token = parse_qs(url.query).get("pageToken", ["0"])[0]
                    page = int(token)
                    body: dict[str, Any] = {key: pages[page]}
                    if page + 1 < len(pages):
                        body["nextPageToken"] = str(page + 1)
                    return self.send_json(200, body)
                self.send_json(404, {"error": {"code": 404, "message": f"{url.path} not found", "status": "NOT_FOUND"}})

            do_GET = _answer
            do_POST = _answer

        self.handler = Handler

    def documented_project(self) -> None:
        self.bodies[f"/v1/projects/{PROJECT}"] = documented("projects")[0]
        self.bodies[f"/v1/projects/{PROJECT}:getIamPolicy"] = documented("my-project/iam-policy")
        self.bodies[f"/v1/projects/{PROJECT}/locations/global/floorSetting"] = documented("floor-setting")
        self.pages[f"/v1/projects/{PROJECT}/locations/us-central1/endpoints"] = ("endpoints", [documented("endpoints")])
        self.pages[f"/v1/projects/{PROJECT}/locations/us-central1/templates"] = ("templates", [documented("templates")])
        self.pages["/v1/accessPolicies/123456789/servicePerimeters"] = ("servicePerimeters", [documented("perimeters")])


@pytest.fixture
def google() -> Iterator[FakeGoogle]:
    fake = FakeGoogle()
    with serving(fake.handler) as fake.url:
        yield fake


def collect(google: FakeGoogle, **settings: Any) -> CollectionResult:
    from google.auth.credentials import AnonymousCredentials

    sdk = replace(load_sdk(), credentials=AnonymousCredentials)
    live = GcpVertexAiApiCollector(sdk=lambda: sdk, clock=lambda: AT)
    merged = {"projects": [PROJECT], "regions": ["us-central1"], "access_policy": "123456789", "api_url": google.url}
    return run_collector(live, [], CollectContext(assessed_at=AT, settings={**merged, **settings}))


def counts(result: CollectionResult) -> dict[str, tuple[float, float, tuple[str, ...]]]:
    out: dict[str, tuple[float, float, tuple[str, ...]]] = {}
    for m in result.measurements:
        n, d, details = out.get(m.metric, (0.0, 0.0, ()))
        out[m.metric] = (n + m.numerator, d + m.denominator, tuple(sorted(details + m.details)))
    return out


def test_the_live_project_is_judged_as_the_saved_one(google: FakeGoogle) -> None:
    google.documented_project()
    result = collect(google)
    saved_paths = [*sorted(DATA.glob("*.json")), DATA / "my-project" / "iam-policy.json"]
    saved = run_collector(file_collector(), saved_paths, CollectContext(assessed_at=AT))
    assert counts(result) == counts(saved) and result.unreadable == ()
    files = {m.source.file for m in result.measurements}
    assert files == {f"gcp:projects/{PROJECT}", "gcp:accessPolicies/123456789"}
    assert {m.observed_at for m in result.measurements} == {AT}
    assert {(a.kind, a.identifier) for a in result.observed} == {(a.kind, a.identifier) for a in saved.observed}
    assert ("POST", f"/v1/projects/{PROJECT}:getIamPolicy") in google.requests
    assert all(method == "GET" for method, path in google.requests if not path.endswith(":getIamPolicy"))


def test_pages_are_followed(google: FakeGoogle) -> None:
    google.documented_project()
    endpoints = documented("endpoints")
    google.pages[f"/v1/projects/{PROJECT}/locations/us-central1/endpoints"] = (
        "endpoints",
        [endpoints[:1], endpoints[1:]],
    )
    result = collect(google)
    assert counts(result)["platform.endpoints.redundancy_ratio"][1] == 2


def test_throttling_is_retried(google: FakeGoogle) -> None:
    google.documented_project()
    google.once[f"/v1/projects/{PROJECT}/locations/us-central1/endpoints"] = [429]
    result = collect(google)
    assert counts(result)["platform.endpoints.redundancy_ratio"][1] == 2
    assert sum(path.endswith("/endpoints") for _, path in google.requests) == 2


def test_permission_denied_is_one_line(google: FakeGoogle) -> None:
    google.documented_project()
    google.fail[f"/v1/projects/{PROJECT}/locations/global/floorSetting"] = 403
    with pytest.raises(AismaError) as caught:
        collect(google)
    assert caught.value.message.startswith(
        f"gcp-vertex-ai-api {PROJECT}: getFloorSetting: 403, permission denied; the identity needs roles/aiplatform.viewer"
    )
    google.fail = {f"/v1/projects/{PROJECT}/locations/us-central1/endpoints": 403}
    with pytest.raises(
        AismaError, match=rf"^gcp-vertex-ai-api {PROJECT}: us-central1 endpoints.list: 403, permission denied"
    ):
        collect(google)


def test_perimeters_are_read_only_with_an_access_policy(google: FakeGoogle) -> None:
    google.documented_project()
    result = collect(google, access_policy=None)
    assert {m.source.file for m in result.measurements} == {f"gcp:projects/{PROJECT}"}
    assert any("no VPC Service Controls perimeters read" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"projects": []}, r"projects must list the project ids"),
        ({"regions": None}, r"regions must list the regions"),
        ({"zone": "us-central1-a"}, r"collectors\.gcp-vertex-ai-api\.zone is not a setting"),
        ({"api_url": "http://aiplatform.example.com"}, r"api_url must be an https URL"),
    ],
)
def test_settings_are_checked(google: FakeGoogle, settings: dict[str, Any], message: str) -> None:
    with pytest.raises(AismaError, match=message):
        collect(google, **settings)


def test_without_the_extra_it_says_which_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "google.cloud.modelarmor_v1", None)
    with pytest.raises(AismaError, match=r"pip install 'aisma\[gcp\]'"):
        load_sdk()
