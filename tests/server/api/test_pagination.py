"""Every list pages with a cursor in the Link header and carries an ETag that If-None-Match honours."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from ..factories import OrgWithMembers

API = "/api/v1/orgs/org-a"


def _follow(client: TestClient, url: str, headers: dict[str, str]) -> list[Any]:
    """Every item of a list, page by page through the Link headers."""
    items: list[Any] = []
    pages = 0
    while url:
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.text
        items += response.json()
        pages += 1
        link = response.headers.get("link", "")
        found = re.match(r'<([^>]+)>; rel="next"', link)
        url = found.group(1) if found else ""
    assert pages >= 1
    return items


def test_inventory_pages_cover_every_system_once(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    for i in range(7):
        system = {"id": f"s{i}", "name": f"S{i}", "track": "build", "deployment_type": "paas"}
        assert client.post(f"{API}/inventory", json={"document": system}, headers=auth).status_code == 201
    first = client.get(f"{API}/inventory", params={"limit": 3}, headers=auth)
    assert len(first.json()) == 3 and 'rel="next"' in first.headers["link"]
    ids = [s["system_id"] for s in _follow(client, f"{API}/inventory?limit=3", auth)]
    assert ids == [f"s{i}" for i in range(7)]
    last = client.get(f"{API}/inventory", params={"limit": 7}, headers=auth)
    assert "link" not in last.headers


def test_measurements_page_newest_first(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    pushed = [
        {"metric": f"m.{i}", "observed_at": f"2026-11-0{1 + i % 3}T10:00:00Z", "value": i, "provenance": {"tool": "t"}}
        for i in range(5)
    ]
    assert client.post(f"{API}/measurements", json={"measurements": pushed}, headers=auth).status_code == 200
    items = _follow(client, f"{API}/measurements?limit=2", auth)
    assert sorted(m["metric"] for m in items) == [f"m.{i}" for i in range(5)]
    assert [m["observed_at"] for m in items] == sorted((m["observed_at"] for m in items), reverse=True)


def test_short_lists_page_too(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    members = _follow(client, f"{API}/members?limit=1", auth)
    assert sorted(m["email"] for m in members) == sorted(org_a.emails.values())


def test_etag_and_if_none_match(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    first = client.get(f"{API}/answers", headers=auth)
    etag = first.headers["etag"]
    same = client.get(f"{API}/answers", headers={**auth, "If-None-Match": etag})
    assert same.status_code == 304 and same.content == b"" and same.headers["etag"] == etag
    assert client.put(f"{API}/answers/GOV-1.1", json={"answer": "fully"}, headers=auth).status_code == 200
    changed = client.get(f"{API}/answers", headers={**auth, "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


def test_a_damaged_cursor_is_422(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    for cursor in ("bm90LWpzb24", "W3siYSI6IDF9XQ", "W10"):  # not JSON; [{"a": 1}] (wrong types); []
        for path in ("inventory", "measurements", "audit", "evidence", "observed", "members"):
            answer = client.get(f"{API}/{path}", params={"cursor": cursor}, headers=auth)
            assert answer.status_code == 422, (path, cursor, answer.text)
