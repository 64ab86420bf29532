"""The azure-openai-api collector against a local fake of Azure Resource Manager.

The fake answers the four ARM list calls with Azure's documented bodies (tests/data/azure-openai), the
way ARM does: ``{"value": [...]}`` pages joined by ``nextLink``, 429 with ``Retry-After`` when
throttling, an ARM error body on 403. The client is Azure's SDK itself (the optional extra); only the
credential is a stand-in, since nothing here can sign in to Microsoft Entra ID.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.collectors.azure_openai import collector as file_collector
from aisma.collectors.azure_openai_api import AzureOpenAiApiCollector
from aisma.collectors.azure_openai_api.client import EXTRA, load_sdk
from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.run import run_collector
from aisma.errors import AismaError
from collectors.fakes import JsonHandler, serving

DATA = Path(__file__).parent.parent / "data" / "azure-openai"
SUB = "00000000-0000-0000-0000-000000000000"
AT = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def documented(name: str) -> Any:
    return json.loads((DATA / name).read_text())


class FakeArm:
    """ARM on loopback: path (lower case, no query) -> list of pages; ``fail`` maps a path to (status, body)."""

    def __init__(self) -> None:
        self.pages: dict[str, list[list[Any]]] = {}
        self.fail: dict[str, list[tuple[int, dict[str, Any], dict[str, str]]]] = {}
        self.requests: list[tuple[str, str]] = []
        self.url = ""
        fake = self

        class Handler(JsonHandler):
            def do_GET(self) -> None:
                fake.requests.append((self.path, self.headers.get("Authorization", "")))
                path, _, query = self.path.partition("?")
                key = path.casefold()
                if fake.fail.get(key):
                    status, body, headers = fake.fail[key].pop(0)
                    return self.send_json(status, body, headers)
                pages = fake.pages.get(key)
                if pages is None:
                    return self.send_json(404, {"error": {"code": "ResourceNotFound", "message": f"{path} not found"}})
                page = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("page", "0"))
                body: dict[str, Any] = {"value": pages[page]}
                if page + 1 < len(pages):
                    body["nextLink"] = f"{fake.url}{path}?api-version=2025-09-01&page={page + 1}"
                self.send_json(200, body)

        self.handler = Handler

    def documented_account(self) -> None:
        account = documented("accounts.json")[0]
        arm_id = account["id"].casefold()
        self.pages[f"/subscriptions/{SUB}/providers/microsoft.cognitiveservices/accounts"] = [[account]]
        self.pages[f"{arm_id}/deployments"] = [documented("deployments.json")]
        self.pages[f"{arm_id}/raipolicies"] = [documented("rai-policies.json")["value"]]
        self.pages[f"{arm_id}/providers/microsoft.insights/diagnosticsettings"] = [
            documented("diagnostic-settings.json")["value"]
        ]


class Token:
    """A stand-in credential: what DefaultAzureCredential hands the SDK."""

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        from azure.core.credentials import AccessToken

        return AccessToken("secret-token-value", int(time.time()) + 3600)


@pytest.fixture
def arm() -> Iterator[FakeArm]:
    fake = FakeArm()
    with serving(fake.handler) as fake.url:
        yield fake


def collect(arm: FakeArm, **settings: Any) -> CollectionResult:
    sdk = replace(load_sdk(), credential=Token)
    live = AzureOpenAiApiCollector(sdk=lambda: sdk, clock=lambda: AT)
    merged = {"subscriptions": [SUB], "arm_url": arm.url, **settings}
    return run_collector(live, [], CollectContext(assessed_at=AT, settings=merged))


def counts(result: CollectionResult) -> dict[str, tuple[float, float, tuple[str, ...]]]:
    return {m.metric: (m.numerator, m.denominator, m.details) for m in result.measurements}


def test_the_live_account_is_judged_as_the_saved_one(arm: FakeArm, tmp_path: Path) -> None:
    arm.documented_account()
    result = collect(arm)
    saved = run_collector(file_collector(), sorted(DATA.glob("*.json")), CollectContext(assessed_at=AT))
    assert counts(result) == counts(saved) and len(result.measurements) == 6
    source = result.measurements[0].source
    assert (source.tool, source.file) == ("azure-openai", f"azure-arm:subscriptions/{SUB}")
    assert source.version.startswith("azure-mgmt-cognitiveservices ")
    assert {m.observed_at for m in result.measurements} == {AT}
    assert {(a.kind, a.identifier) for a in result.observed} == {(a.kind, a.identifier) for a in saved.observed}
    # Read-only GETs, each with the SDK's bearer token; the same account hashes the same.
    assert {path.split("?")[0].rsplit("/", 1)[-1] for path, _ in arm.requests} == {
        "accounts",
        "deployments",
        "raiPolicies",
        "diagnosticSettings",
    }
    assert all(auth == "Bearer secret-token-value" for _, auth in arm.requests)
    assert collect(arm).measurements[0].source.sha256 == source.sha256


def test_pages_are_followed_and_throttling_is_retried(arm: FakeArm) -> None:
    arm.documented_account()
    deployments = documented("deployments.json")
    account_id = documented("accounts.json")[0]["id"].casefold()
    arm.pages[f"{account_id}/deployments"] = [deployments[:1], deployments[1:]]
    arm.fail[f"{account_id}/raipolicies"] = [
        (429, {"error": {"code": "TooManyRequests", "message": "slow down"}}, {"Retry-After": "0"})
    ]
    result = collect(arm)
    assert counts(result)["platform.endpoints.redundancy_ratio"][1] == 2
    assert sum("raiPolicies" in path for path, _ in arm.requests) == 2


def test_access_denied_is_one_line_without_the_token(arm: FakeArm) -> None:
    arm.fail[f"/subscriptions/{SUB}/providers/microsoft.cognitiveservices/accounts"] = [
        (403, {"error": {"code": "AuthorizationFailed", "message": "The client does not have authorization"}}, {})
    ]
    with pytest.raises(AismaError) as caught:
        collect(arm)
    line = caught.value.message
    assert line.startswith(
        f"azure-openai-api {SUB}: GET accounts: 403 AuthorizationFailed, access denied; the identity needs the Reader role"
    )
    assert "\n" not in line and "secret-token-value" not in line


def test_an_empty_subscription_is_read_and_said(arm: FakeArm) -> None:
    arm.pages[f"/subscriptions/{SUB}/providers/microsoft.cognitiveservices/accounts"] = [[]]
    result = collect(arm)
    assert result.measurements == () and result.warnings == (f"subscription {SUB}: no Cognitive Services account",)


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"subscriptions": []}, r"subscriptions must list the subscription ids"),
        ({"region": "westus"}, r"collectors\.azure-openai-api\.region is not a setting"),
        ({"arm_url": "http://management.example.com"}, r"arm_url must be an https URL"),
    ],
)
def test_settings_are_checked(arm: FakeArm, settings: dict[str, Any], message: str) -> None:
    with pytest.raises(AismaError, match=message):
        collect(arm, **settings)


def test_without_the_extra_it_says_which_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(__import__("sys").modules, "azure.mgmt.cognitiveservices", None)
    with pytest.raises(AismaError, match=r"pip install 'aisma\[azure\]'"):
        load_sdk()
    assert EXTRA.endswith("pip install 'aisma[azure]'")
