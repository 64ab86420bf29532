"""Prowler's AI checks on Azure and Google Cloud, counted in the provider-neutral platform metrics.

Findings are made from Prowler's real Azure and GCP example findings (tests/data/prowler, the
templates: every field Prowler writes for those providers) with the checks' real metadata
(check-metadata/), exactly as the checks' code reports them: AI Search per service, Gemini API per
project under the one service name, API keys per key. Expected numbers are counted here from the rows.
"""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.prowler import collector

DATA = Path(__file__).parent.parent / "data" / "prowler"
AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
SCAN = datetime(2026, 11, 14, 2, 11, 37, tzinfo=UTC)
GEMINI = "generativelanguage.googleapis.com"
SUBSCRIPTION = "00000000-0000-0000-0000-000000000000"


def template(provider: str) -> dict[str, Any]:
    rows: list[dict[str, Any]] = json.loads((DATA / f"example_output_{provider}.ocsf.json").read_text())
    return rows[0]


def metadata(check: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((DATA / "check-metadata" / f"{check}.metadata.json").read_text())
    return found


def finding(provider: str, check: str, account: str, uid: str, name: str, status: str) -> dict[str, Any]:
    raw = copy.deepcopy(template(provider))
    meta = metadata(check)
    raw["metadata"]["event_code"] = check
    raw["metadata"]["product"]["version"] = "5.14.1"
    raw["finding_info"]["title"] = meta["CheckTitle"]
    raw["finding_info"]["uid"] = f"prowler-{provider}-{check}-{account}-global-{name}"
    raw["time"] = int(SCAN.timestamp())
    raw["time_dt"] = SCAN.replace(tzinfo=None).isoformat()
    raw["status_code"] = status
    raw["status"], raw["status_id"] = "New", 1
    raw["cloud"]["account"]["uid"] = account
    resource = copy.deepcopy(template(provider)["resources"][0])
    resource.update(uid=uid, name=name, type=meta["ResourceType"], region="global")
    raw["resources"] = [resource]
    return raw


def search_service(name: str) -> str:
    return f"/subscriptions/{SUBSCRIPTION}/resourceGroups/rg-ai/providers/Microsoft.Search/searchServices/{name}"


def collect(tmp_path: Path, rows: list[dict[str, Any]]) -> CollectionResult:
    path = tmp_path / "scan.ocsf.json"
    path.write_text(json.dumps(rows, indent=2))
    return collector().collect([path], CollectContext(assessed_at=AT))


def by_metric(result: CollectionResult) -> dict[str, Any]:
    return {m.metric: m for m in result.measurements}


def test_azure_ai_search_public_access_counts_in_network_isolation(tmp_path: Path) -> None:
    check = "aisearch_service_not_publicly_accessible"
    rows = [
        finding("azure", check, SUBSCRIPTION, search_service("kb-private"), "kb-private", "PASS"),
        finding("azure", check, SUBSCRIPTION, search_service("kb-public"), "kb-public", "FAIL"),
        finding("azure", check, SUBSCRIPTION, search_service("kb-hr"), "kb-hr", "PASS"),
    ]
    network = by_metric(collect(tmp_path, rows))["platform.network.isolation_ratio"]
    assert (network.numerator, network.denominator) == (2, 3)
    assert network.details == (f"{check}: {search_service('kb-public')} (global)",)
    assert network.source.tool == "prowler" and network.observed_at == SCAN
    # AWS's own metric is not touched by another cloud's check.
    assert "prowler.ai_network.isolation_ratio" not in by_metric(collect(tmp_path, rows))


def test_gemini_api_counts_per_project_although_prowler_names_one_service(tmp_path: Path) -> None:
    """Three projects, one resource uid: three results, not one (the last would otherwise stand for all)."""
    rows = [
        finding("gcp", "gemini_api_disabled", "proj-a", GEMINI, "Gemini (Generative Language) API", "PASS"),
        finding("gcp", "gemini_api_disabled", "proj-b", GEMINI, "Gemini (Generative Language) API", "FAIL"),
        finding("gcp", "gemini_api_disabled", "proj-c", GEMINI, "Gemini (Generative Language) API", "PASS"),
        finding("gcp", "apikeys_api_restricted_with_gemini_api", "proj-b", "key-1", "key-1", "FAIL"),
        finding("gcp", "apikeys_api_restricted_with_gemini_api", "proj-b", "key-2", "key-2", "PASS"),
    ]
    identity = by_metric(collect(tmp_path, rows))["platform.identity.pass_ratio"]
    assert (identity.numerator, identity.denominator) == (3, 5)
    assert sorted(identity.details) == [
        "apikeys_api_restricted_with_gemini_api: proj-b/key-1 (global)",
        f"gemini_api_disabled: proj-b/{GEMINI} (global)",
    ]


def test_the_real_azure_and_gcp_examples_still_measure_nothing(tmp_path: Path) -> None:
    """Their findings are other checks (App Insights, API keys exist): no AI metric from them."""
    for provider in ("azure", "gcp"):
        rows = json.loads((DATA / f"example_output_{provider}.ocsf.json").read_text())
        assert collect(tmp_path, rows).measurements == ()
