"""The tenant-isolation matrix: every API route, called by members of organization A on B's objects.

Routes are enumerated from ``app.routes``, and every one must have a request below: a new endpoint
without an entry fails ``test_every_route_is_in_the_matrix``, so none can escape the matrix. For each
route, A's owner (all token scopes; and through a session with its CSRF token) gets 404:
- on B's URL (``/orgs/org-b/...``) with B's real object ids, and
- on A's own URL with B's numeric object ids (evidence, assessments, members, tokens),
and B's data is byte-for-byte the same afterwards. A positive control shows each B request is real:
B's owner gets something other than 404 for it.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .conftest import finished_job, sign_in

API = "/api/v1"
# Routes that name no organization. They must never show another organization's data (checked below).
GLOBAL_ROUTES = {
    ("GET", "/api/v1/models"),
    ("GET", "/api/v1/me"),
    ("GET", "/api/v1/orgs"),
    ("POST", "/api/v1/orgs"),
    ("GET", "/api/v1/me/work"),
}
SYSTEM = {"id": "b-system", "name": "B's system", "track": "build", "deployment_type": "api_saas"}
MEASUREMENT = {
    "metric": "inventory.systems.owner_ratio",
    "observed_at": "2026-11-01T10:00:00Z",
    "numerator": 1,
    "denominator": 2,
    "provenance": {"tool": "aisma"},
}
OBSERVED = {"kind": "model", "identifier": "b-secret-model", "tool": "otel", "file": "evidence/otel/b.json"}
# A two-node CISO Assistant library and a mapping set to it: B's imported framework (small enough for
# the 64 KiB test upload limit).
LIBRARY = b"""urn: urn:b:library
ref_id: b-lib
objects:
  framework:
    urn: urn:b:framework
    ref_id: b-framework
    name: B's own framework
    requirement_nodes:
      - {urn: "urn:b:req:one", ref_id: B-1, name: One, assessable: true}
      - {urn: "urn:b:req:two", ref_id: B-2, name: Two, assessable: true}
"""
LIBRARY_MAPPING = b"""schema: aisma.mapping/v1
id: aisma-core--b-framework
model: aisma-core
framework: b-framework
mappings:
  - {objective: GOV-1.1, requirement: B-1, relationship: subset}
"""


@dataclass
class Seeded:
    """B's objects, created through the API by B's owner."""

    evidence_id: int
    assessment_id: int
    job_id: int
    token_id: int
    user_id: int  # a member of B (the viewer)
    system_id: str = "b-system"
    objective_id: str = "GOV-1.1"
    schedule_id: int = 0
    channel_id: int = 0
    framework_id: str = "b-framework"
    finding_id: int = 0
    invitation_id: int = 0
    subject: str = "objective"
    item_id: str = "GOV-1.1"
    comment_id: int = 0
    revision: int = 1  # of B's evidence file


def requests_for(ids: Seeded) -> dict[tuple[str, str], dict[str, Any]]:
    """One well-formed request per route (so only the organization check can refuse it)."""
    return {
        ("GET", "/api/v1/orgs/{org}"): {},
        ("PUT", "/api/v1/orgs/{org}"): {"json": {"name": "Renamed by A"}},
        ("GET", "/api/v1/orgs/{org}/audit"): {"params": {"action": "inventory.create", "who": "owner"}},
        ("GET", "/api/v1/orgs/{org}/model"): {},
        ("GET", "/api/v1/orgs/{org}/inventory"): {},
        ("POST", "/api/v1/orgs/{org}/inventory"): {"json": {"document": {**SYSTEM, "id": "new-system"}}},
        ("GET", "/api/v1/orgs/{org}/inventory/{system_id}"): {},
        ("PUT", "/api/v1/orgs/{org}/inventory/{system_id}"): {"json": {"document": SYSTEM, "version": 1}},
        ("DELETE", "/api/v1/orgs/{org}/inventory/{system_id}"): {"params": {"version": 1}},
        ("GET", "/api/v1/orgs/{org}/answers"): {"params": {"status": "draft", "category": "GOV"}},
        ("GET", "/api/v1/orgs/{org}/answers/{objective_id}"): {},
        ("POST", "/api/v1/orgs/{org}/answers/workbook"): {"files": {"file": ("w.xlsx", b"not a workbook")}},
        ("PUT", "/api/v1/orgs/{org}/answers/{objective_id}"): {"json": {"answer": "not", "version": 1}},
        ("POST", "/api/v1/orgs/{org}/answers/{objective_id}/evidence-review"): {
            "json": {"decision": "rejected", "version": 1, "note": "planted"}
        },
        ("GET", "/api/v1/orgs/{org}/reviews"): {},
        ("POST", "/api/v1/orgs/{org}/answers/{objective_id}/submit"): {"json": {"version": 1}},
        ("POST", "/api/v1/orgs/{org}/answers/{objective_id}/decision"): {
            "json": {"decision": "returned", "version": 1, "reason": "planted"}
        },
        ("GET", "/api/v1/orgs/{org}/evidence"): {},
        ("POST", "/api/v1/orgs/{org}/evidence"): {"files": {"file": ("x.txt", b"planted", "text/plain")}},
        ("GET", "/api/v1/orgs/{org}/evidence/{evidence_id}"): {},
        ("GET", "/api/v1/orgs/{org}/evidence/{evidence_id}/content"): {},
        ("PUT", "/api/v1/orgs/{org}/evidence/{evidence_id}"): {"json": {"revision": 1, "expires_on": "2027-01-31"}},
        ("GET", "/api/v1/orgs/{org}/evidence/{evidence_id}/revisions"): {},
        ("GET", "/api/v1/orgs/{org}/evidence/{evidence_id}/revisions/{revision}/content"): {},
        ("GET", "/api/v1/orgs/{org}/evidence/{evidence_id}/cited-by"): {},
        ("GET", "/api/v1/orgs/{org}/measurements"): {"params": {"metric": MEASUREMENT["metric"]}},
        ("POST", "/api/v1/orgs/{org}/measurements"): {"json": {"measurements": [MEASUREMENT]}},
        ("GET", "/api/v1/orgs/{org}/observed"): {},
        ("PUT", "/api/v1/orgs/{org}/observed"): {"json": {"source": "planted", "observed": [OBSERVED]}},
        ("GET", "/api/v1/orgs/{org}/assessments"): {},
        ("POST", "/api/v1/orgs/{org}/assessments"): {"json": {}},
        ("GET", "/api/v1/orgs/{org}/assessments/{assessment_id}"): {},
        ("GET", "/api/v1/orgs/{org}/assessments/{assessment_id}/report"): {"params": {"format": "json"}},
        ("GET", "/api/v1/orgs/{org}/results/latest"): {},
        ("GET", "/api/v1/orgs/{org}/trend"): {},
        ("GET", "/api/v1/orgs/{org}/jobs"): {},
        ("GET", "/api/v1/orgs/{org}/jobs/{job_id}"): {},
        ("GET", "/api/v1/orgs/{org}/jobs/{job_id}/file"): {},
        ("GET", "/api/v1/orgs/{org}/kpis"): {},
        ("GET", "/api/v1/orgs/{org}/schedules"): {},
        ("POST", "/api/v1/orgs/{org}/schedules"): {"json": {"kind": "assess", "cron": "0 6 * * *"}},
        ("DELETE", "/api/v1/orgs/{org}/schedules/{schedule_id}"): {},
        ("GET", "/api/v1/orgs/{org}/alerts/channels"): {},
        ("POST", "/api/v1/orgs/{org}/alerts/channels"): {"json": {"kind": "email", "target": "planted@a.example"}},
        ("DELETE", "/api/v1/orgs/{org}/alerts/channels/{channel_id}"): {},
        ("GET", "/api/v1/orgs/{org}/alerts/deliveries"): {},
        ("GET", "/api/v1/orgs/{org}/freshness"): {},
        ("POST", "/api/v1/orgs/{org}/evidence/collect"): {"json": {}},
        ("POST", "/api/v1/orgs/{org}/assessments/{assessment_id}/reports"): {"json": {"format": "json"}},
        ("GET", "/api/v1/orgs/{org}/frameworks"): {},
        ("POST", "/api/v1/orgs/{org}/frameworks"): {
            "files": {"file": ("planted.yaml", LIBRARY.replace(b"b-framework", b"planted"))}
        },
        ("GET", "/api/v1/orgs/{org}/frameworks/{framework_id}"): {},
        ("GET", "/api/v1/orgs/{org}/frameworks/{framework_id}/posture"): {},
        ("PUT", "/api/v1/orgs/{org}/frameworks/{framework_id}/mapping"): {
            "files": {"file": ("planted.yaml", LIBRARY_MAPPING)}
        },
        ("DELETE", "/api/v1/orgs/{org}/frameworks/{framework_id}"): {},
        ("GET", "/api/v1/orgs/{org}/members"): {},
        ("POST", "/api/v1/orgs/{org}/members"): {"json": {"email": "owner@org-a.example", "role": "owner"}},
        ("PUT", "/api/v1/orgs/{org}/members/{user_id}"): {"json": {"role": "owner"}},
        ("DELETE", "/api/v1/orgs/{org}/members/{user_id}"): {},
        ("GET", "/api/v1/orgs/{org}/tokens"): {},
        ("POST", "/api/v1/orgs/{org}/tokens"): {"json": {"name": "planted", "scopes": ["admin"]}},
        ("DELETE", "/api/v1/orgs/{org}/tokens/{token_id}"): {},
        ("GET", "/api/v1/orgs/{org}/invitations"): {},
        ("POST", "/api/v1/orgs/{org}/invitations"): {"json": {"email": "planted@a.example", "role": "owner"}},
        ("DELETE", "/api/v1/orgs/{org}/invitations/{invitation_id}"): {},
        ("GET", "/api/v1/orgs/{org}/findings"): {"params": {"status": "open", "kind": "remark"}},
        ("POST", "/api/v1/orgs/{org}/findings"): {"json": {"title": "planted by A"}},
        ("POST", "/api/v1/orgs/{org}/findings/derive"): {},
        ("GET", "/api/v1/orgs/{org}/findings/export"): {"params": {"format": "jira"}},
        ("GET", "/api/v1/orgs/{org}/findings/{finding_id}"): {},
        ("PUT", "/api/v1/orgs/{org}/findings/{finding_id}"): {"json": {"version": 1, "status": "resolved"}},
        ("GET", "/api/v1/orgs/{org}/assignments"): {"params": {"subject": "objective"}},
        ("GET", "/api/v1/orgs/{org}/assignments/{subject}/{item_id}"): {},
        ("PUT", "/api/v1/orgs/{org}/assignments/{subject}/{item_id}"): {
            "json": {"assignee": "", "due": "2027-01-01", "version": 1}
        },
        ("GET", "/api/v1/orgs/{org}/notifications"): {},
        ("GET", "/api/v1/orgs/{org}/comments/{subject}/{item_id}"): {},
        ("POST", "/api/v1/orgs/{org}/comments/{subject}/{item_id}"): {"json": {"body": "planted by A"}},
        ("PUT", "/api/v1/orgs/{org}/comments/{comment_id}"): {"json": {"body": "changed by A", "version": 1}},
        ("DELETE", "/api/v1/orgs/{org}/comments/{comment_id}"): {"params": {"version": 1}},
    }


def all_routes(app: FastAPI) -> list[tuple[set[str], str, bool]]:
    """(methods, path, is an endpoint) of every route the app serves, included routers flattened."""
    try:  # FastAPI >= 0.12x includes routers lazily; this walks them
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: app.routes is already flat
        return [
            (set(getattr(r, "methods", None) or ()), getattr(r, "path", ""), isinstance(r, APIRoute))
            for r in app.routes
        ]
    return [
        (set(c.methods or ()), c.path or "", isinstance(c.original_route, APIRoute))
        for c in iter_route_contexts(app.routes)
    ]


def api_routes(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app serves under /api/v1, straight from the router."""
    found: set[tuple[str, str]] = set()
    for methods, path, is_endpoint in all_routes(app):
        if not path.startswith(API) or path == f"{API}/openapi.json":
            continue
        assert is_endpoint, f"{path} is not an APIRoute: add it to the matrix by hand"
        found.update((method, path) for method in methods if method != "HEAD")
    assert len(found) > 20, "route enumeration found too little: has FastAPI changed how it lists routes?"
    return found


def fill(path: str, org: str, ids: Seeded) -> str:
    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        return org if name == "org" else str(getattr(ids, name))

    return re.sub(r"\{(\w+)\}", one, path)


def seed_b(client: TestClient, b_auth: dict[str, str], org_b: OrgWithMembers) -> Seeded:
    base = f"{API}/orgs/org-b"

    def ok(response: Any) -> Any:
        assert response.status_code < 300, response.text
        return response.json()

    ok(client.post(f"{base}/inventory", headers=b_auth, json={"document": SYSTEM}))
    answer = {"answer": "fully", "note": "B's secret", "evidence": ["https://b.example/secret"]}
    ok(client.put(f"{base}/answers/GOV-1.1", headers=b_auth, json=answer))
    evidence = ok(client.post(f"{base}/evidence", headers=b_auth, files={"file": ("b.txt", b"B's evidence")}))
    ok(client.post(f"{base}/measurements", headers=b_auth, json={"measurements": [MEASUREMENT]}))
    ok(client.put(f"{base}/observed", headers=b_auth, json={"observed": [OBSERVED]}))
    accepted = client.post(f"{base}/assessments", headers=b_auth, json={})
    assessment_id = finished_job(client, accepted, b_auth)["assessment_id"]
    # a job with a file (a rendered report), so /jobs/{job_id}/file is real for B
    rendered = client.post(f"{base}/assessments/{assessment_id}/reports", headers=b_auth, json={"format": "json"})
    job_id = rendered.json()["id"]
    finished_job(client, rendered, b_auth)
    ok(
        client.post(
            f"{base}/frameworks",
            headers=b_auth,
            files={"file": ("b.yaml", LIBRARY), "mapping": ("b-mapping.yaml", LIBRARY_MAPPING)},
        )
    )
    token = ok(client.post(f"{base}/tokens", headers=b_auth, json={"name": "victim", "scopes": ["read"]}))
    schedule = ok(client.post(f"{base}/schedules", headers=b_auth, json={"kind": "assess", "cron": "0 6 * * *"}))
    channel = ok(
        client.post(f"{base}/alerts/channels", headers=b_auth, json={"kind": "email", "target": "b@b.example"})
    )
    finding = ok(client.post(f"{base}/findings", headers=b_auth, json={"title": "B's remark", "detail": "secret"}))
    invitation = ok(client.post(f"{base}/invitations", headers=b_auth, json={"email": "b@b.example", "role": "viewer"}))
    viewer = org_b.emails[Role.VIEWER]
    ok(client.put(f"{base}/assignments/objective/GOV-1.1", headers=b_auth, json={"assignee": viewer}))
    comment = ok(client.post(f"{base}/comments/objective/GOV-1.1", headers=b_auth, json={"body": f"@{viewer} B's"}))
    _jobs_done(client, b_auth)  # the notification jobs, so B's job list stays the same from here on
    return Seeded(
        invitation_id=invitation["id"],
        comment_id=comment["id"],
        finding_id=finding["id"],
        schedule_id=schedule["id"],
        channel_id=channel["id"],
        evidence_id=evidence["id"],
        assessment_id=assessment_id,
        job_id=job_id,
        token_id=token["id"],
        user_id=org_b.user_ids[Role.VIEWER],
    )


def _jobs_done(client: TestClient, b_auth: dict[str, str]) -> None:
    deadline = time.monotonic() + 600  # generous: only a stuck worker waits this long
    while any(
        j["status"] in ("queued", "running")
        for j in client.get(f"{API}/orgs/org-b/jobs", headers=b_auth, params={"limit": 1000}).json()
    ):
        assert time.monotonic() < deadline, "B's jobs did not finish"
        time.sleep(0.05)


def snapshot(client: TestClient, b_auth: dict[str, str]) -> dict[str, Any]:
    """Everything B can read about itself."""
    state: dict[str, Any] = {}
    parts = (
        "",
        "/inventory",
        "/answers",
        "/evidence",
        "/measurements",
        "/observed",
        "/assessments",
        "/jobs",
        "/members",
        "/tokens",
        "/audit",
        "/schedules",
        "/alerts/channels",
        "/alerts/deliveries",
        "/frameworks",
        "/findings",
        "/invitations",
        "/assignments",
        "/notifications",
        "/comments/objective/GOV-1.1",
    )
    for part in parts:
        response = client.get(f"{API}/orgs/org-b{part}", headers=b_auth)
        assert response.status_code == 200, response.text
        state[part] = response.json()
    for token in state["/tokens"]:
        token.pop("last_used_at", None)  # B's own snapshot calls touch B's token
    return state


def test_every_route_is_in_the_matrix(app: FastAPI) -> None:
    routes = api_routes(app)
    planned = set(requests_for(Seeded(1, 1, 1, 1, 1))) | GLOBAL_ROUTES
    assert routes - planned == set(), "new API routes must be added to the tenant-isolation matrix"
    assert planned - routes == set(), "the matrix names routes the app no longer has"
    assert all("{org}" in path for _method, path in routes - GLOBAL_ROUTES)


def test_member_of_a_gets_404_for_everything_of_b(
    app: FastAPI, client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, token_for
) -> None:
    b_auth = token_for(org_b)
    ids = seed_b(client, b_auth, org_b)
    before = snapshot(client, b_auth)
    table = requests_for(ids)
    assert set(table) | GLOBAL_ROUTES == api_routes(app)

    a_token = token_for(org_a)
    a_session = TestClient(app)
    csrf = sign_in(a_session, org_a.emails[Role.OWNER])
    callers = [("token", client, a_token), ("session", a_session, {"X-CSRF-Token": csrf})]
    numeric = (
        "{evidence_id}",
        "{assessment_id}",
        "{user_id}",
        "{token_id}",
        "{job_id}",
        "{schedule_id}",
        "{channel_id}",
        "{finding_id}",
        "{invitation_id}",
        "{comment_id}",
    )
    failures = []
    for (method, path), kwargs in sorted(table.items()):
        targets = [fill(path, "org-b", ids)]
        if any(name in path for name in numeric):
            targets.append(fill(path, "org-a", ids))  # A's own URL, B's object id
        for url in targets:
            for how, http, headers in callers:
                response = http.request(method, url, headers=headers, **kwargs)
                if response.status_code != 404:
                    failures.append(f"{how} {method} {url}: {response.status_code} {response.text[:200]}")
    assert failures == []
    assert snapshot(client, b_auth) == before, "a request from A changed B's data"

    # The global routes show A only A; creating an organization never reaches into B's.
    for how, http, headers in callers:
        orgs = http.get(f"{API}/orgs", headers=headers).json()
        assert [o["slug"] for o in orgs] == ["org-a"], how
        taken = http.post(f"{API}/orgs", headers=headers, json={"slug": "org-b", "name": "Mine now"})
        assert taken.status_code == 409, how
        work = http.get(f"{API}/me/work", headers=headers)
        assert work.status_code == 200 and all(i["organization"] == "org-a" for i in work.json()), how
    assert snapshot(client, b_auth) == before, "creating an organization changed B's data"

    # Positive control: the same requests are real ones for B's owner (deletes last).
    b_table = {
        **table,
        ("POST", "/api/v1/orgs/{org}/members"): {"json": {"email": org_a.emails[Role.VIEWER], "role": "viewer"}},
    }
    for (method, path), kwargs in sorted(b_table.items(), key=lambda item: item[0][0] == "DELETE"):
        response = client.request(method, fill(path, "org-b", ids), headers=b_auth, **kwargs)
        assert response.status_code != 404, f"{method} {path}: {response.status_code} {response.text[:200]}"


@pytest.mark.parametrize("role", [Role.VIEWER, Role.CONTRIBUTOR, Role.ASSESSOR])
def test_every_role_of_a_is_refused_by_b(
    client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, token_for, role: Role
) -> None:
    auth = token_for(org_a, role)
    for part in ("", "/inventory", "/answers", "/evidence", "/measurements", "/observed", "/assessments", "/members"):
        assert client.get(f"{API}/orgs/org-b{part}", headers=auth).status_code == 404
