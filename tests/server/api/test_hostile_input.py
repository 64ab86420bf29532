"""Hostile input is a 422 whose body renders, a busy database a 503: never a 500.

Every request here once made the server answer 500: the 422 body echoed a NaN or a lone surrogate
it could not render, or the database driver could not store what validation let through.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .conftest import assessed

API = "/api/v1/orgs/org-a"
MEASUREMENT = '{"metric": "m.ratio", "observed_at": "2026-11-01T10:00:00Z", "provenance": {"tool": "t"}, %s}'


def _post_raw(client: TestClient, path: str, body: str, headers: dict[str, str], method: str = "POST") -> Any:
    return client.request(
        method,
        path,
        content=body.encode("utf-8", "surrogatepass"),
        headers={**headers, "content-type": "application/json"},
    )


def _assert_422(response: Any, needle: str = "") -> None:
    assert response.status_code == 422, response.text
    body = response.json()  # renders: valid JSON, valid UTF-8
    assert body["detail"]
    if needle:
        assert needle in json.dumps(body), body


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_are_422(client: TestClient, org_a: OrgWithMembers, token_for, number: str) -> None:
    auth = token_for(org_a)
    for field in ("value", "numerator"):
        extra = f'"{field}": {number}' + (', "denominator": 2' if field == "numerator" else "")
        body = '{"measurements": [' + MEASUREMENT % extra + "]}"
        _assert_422(_post_raw(client, f"{API}/measurements", body, auth))
    observed = '{"observed": [{"kind": "model", "identifier": "m", "tool": "t", "count": NUMBER}]}'.replace(
        "NUMBER", number
    )
    _assert_422(_post_raw(client, f"{API}/observed", observed, auth, "PUT"))
    system = '{"document": {"id": "s", "name": "S", "track": "build", "deployment_type": "paas", "x": N}}'.replace(
        "N}", number + "}"
    )
    _assert_422(_post_raw(client, f"{API}/inventory", system, auth))


def test_lone_surrogates_and_nul_are_422(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    for bad in ("\\ud800", "\\udfff tail", "nul \\u0000 here"):
        note = '{"answer": "fully", "note": "BAD"}'.replace("BAD", bad)
        _assert_422(_post_raw(client, f"{API}/answers/GOV-1.1", note, auth, "PUT"))
        body = '{"measurements": [' + MEASUREMENT % f'"value": 1, "details": ["{bad}"]' + "]}"
        _assert_422(_post_raw(client, f"{API}/measurements", body, auth))
    assert client.get(f"{API}/answers", headers=auth).json() == [], "nothing was stored"


@pytest.mark.parametrize(
    ("path", "method", "body"),
    [
        (f"{API}/assessments", "POST", {"assessed_at": 0}),
        (f"{API}/assessments", "POST", {"assessed_at": "1970-01-01T00:00:00Z"}),
        (f"{API}/assessments", "POST", {"assessed_at": "9999-12-31T23:59:59-14:00"}),
        (f"{API}/observed", "PUT", {"observed": [{"kind": "model", "identifier": "m", "tool": "t", "last_seen": 0}]}),
        (f"{API}/answers/GOV-1.1", "PUT", {"answer": "fully", "expires": 0}),
        (f"{API}/answers/GOV-1.1", "PUT", {"answer": "fully", "expires": "0001-01-01"}),
    ],
)
def test_dates_given_as_numbers_or_out_of_range_are_422(
    client: TestClient, org_a: OrgWithMembers, token_for, path: str, method: str, body: dict[str, Any]
) -> None:
    _assert_422(client.request(method, path, json=body, headers=token_for(org_a)))


def test_a_busy_database_is_503_with_retry_after(
    monkeypatch: pytest.MonkeyPatch, settings, org_a: OrgWithMembers, token_for, backend: str
) -> None:
    """Another process holds the lock past the wait limit: 503 and Retry-After, then the retry works."""
    import aisma.store.db as db

    monkeypatch.setattr(db, "SQLITE_BUSY_TIMEOUT_MS", 50)
    monkeypatch.setattr(db, "POSTGRES_LOCK_TIMEOUT_MS", 50)
    from aisma.web.app import create_app

    auth = token_for(org_a, Role.OWNER)
    with TestClient(create_app(settings)) as client:
        if backend == "sqlite":
            holder: Any = sqlite3.connect(settings.database_url.removeprefix("sqlite:///"), isolation_level=None)
            holder.execute("BEGIN EXCLUSIVE")
        else:
            import psycopg

            holder = psycopg.connect(settings.database_url.replace("postgresql+psycopg://", "postgresql://"))
            holder.execute("LOCK TABLE answers IN ACCESS EXCLUSIVE MODE")
        try:
            answer = client.put(f"{API}/answers/GOV-1.1", json={"answer": "fully"}, headers=auth)
        finally:
            holder.close()  # ends the holder's transaction (rolled back) and frees the lock
        assert answer.status_code == 503, answer.text
        assert answer.headers["retry-after"].isdigit()
        assert client.put(f"{API}/answers/GOV-1.1", json={"answer": "fully"}, headers=auth).status_code == 200


def test_markdown_report_escapes_html_from_names_and_notes(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    auth = token_for(org_a)
    system = {
        "id": "x",
        "name": "<script>alert(1)</script>",
        "track": "build",
        "deployment_type": "paas",
        "autonomy_test": {"chooses_actions": True, "side_effects": True, "own_identity": True},
    }
    assert client.post(f"{API}/inventory", json={"document": system}, headers=auth).status_code == 201
    assessment_id = assessed(client, "org-a", auth)
    report = client.get(f"{API}/assessments/{assessment_id}/report", params={"format": "md"}, headers=auth)
    assert report.status_code == 200
    assert "alert(1)" in report.text and "<script>" not in report.text
