"""The REST API end to end, in-process, on SQLite and PostgreSQL: what a client can do and see."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .conftest import UPLOAD_LIMIT, finished_job, json_of

OBJECTIVE = "GOV-1.1"
SYSTEM: dict[str, Any] = {
    "id": "support-bot",
    "name": "Support chatbot",
    "owner": "contributor@org-a.example",
    "track": "build",
    "deployment_type": "api_saas",
}


def test_openapi_document_lists_the_api(client: TestClient) -> None:
    doc = json_of(client.get("/api/v1/openapi.json"))
    assert doc["openapi"].startswith("3.")
    paths = set(doc["paths"])
    for path in (
        "/api/v1/orgs/{org}/answers/{objective_id}",
        "/api/v1/orgs/{org}/inventory",
        "/api/v1/orgs/{org}/evidence",
        "/api/v1/orgs/{org}/measurements",
        "/api/v1/orgs/{org}/assessments",
        "/api/v1/orgs/{org}/assessments/{assessment_id}/report",
        "/api/v1/orgs/{org}/members",
        "/api/v1/orgs/{org}/tokens",
    ):
        assert path in paths
    assert not any(p.startswith("/login") for p in paths), "pages stay out of the API document"


def test_api_requires_authentication(client: TestClient, org_a: OrgWithMembers) -> None:
    answer = client.get("/api/v1/orgs/org-a/answers")
    assert answer.status_code == 401
    assert answer.headers["www-authenticate"] == "Bearer"
    bad = client.get("/api/v1/orgs/org-a/answers", headers={"Authorization": "Bearer aisma_not-a-token"})
    assert bad.status_code == 401


def test_answer_versions_and_stale_write(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    url = f"/api/v1/orgs/org-a/answers/{OBJECTIVE}"
    assert client.get(url, headers=auth).status_code == 404

    created = client.put(url, headers=auth, json={"answer": "partially", "note": "first"})
    assert created.status_code == 200, created.text
    assert created.json()["version"] == 1

    again = client.put(url, headers=auth, json={"answer": "largely"})  # no version: a create, but it exists
    assert again.status_code == 409
    assert again.json()["current"]["version"] == 1

    updated = client.put(url, headers=auth, json={"answer": "fully", "note": "second", "version": 1})
    assert updated.status_code == 200
    assert updated.json()["version"] == 2

    stale = client.put(url, headers=auth, json={"answer": "not", "note": "lost?", "version": 1})
    assert stale.status_code == 409
    body = stale.json()
    assert body["current"]["version"] == 2
    assert body["current"]["answer"] == "fully"
    assert body["current"]["note"] == "second"

    stored = json_of(client.get(url, headers=auth))
    assert (stored["answer"], stored["version"]) == ("fully", 2)
    listed = json_of(client.get("/api/v1/orgs/org-a/answers", headers=auth))
    assert [a["objective_id"] for a in listed] == [OBJECTIVE]


def test_answer_validation_is_422(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    url = f"/api/v1/orgs/org-a/answers/{OBJECTIVE}"
    assert client.put(url, headers=auth, json={"answer": "maybe"}).status_code == 422
    assert client.put(url, headers=auth, json={"answer": "na"}).status_code == 422  # N/A needs a justification
    assert client.put(url, headers=auth, json={"answer": "fully", "note": "a\x00b"}).status_code == 422
    assert client.put(url, headers=auth, json={"answer": "fully", "version": 2**40}).status_code == 422
    unknown = client.put("/api/v1/orgs/org-a/answers/NOPE-9.9", headers=auth, json={"answer": "fully"})
    assert unknown.status_code == 404


def test_roles_are_enforced(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    viewer = token_for(org_a, Role.VIEWER)
    url = f"/api/v1/orgs/org-a/answers/{OBJECTIVE}"
    assert client.get("/api/v1/orgs/org-a/answers", headers=viewer).status_code == 200
    assert client.put(url, headers=viewer, json={"answer": "fully"}).status_code == 403
    assert client.get("/api/v1/orgs/org-a/members", headers=viewer).status_code == 200
    assert (
        client.post("/api/v1/orgs/org-a/tokens", headers=viewer, json={"name": "x", "scopes": ["read"]}).status_code
        == 403
    )
    read_only = token_for(org_a, Role.OWNER, ("read",))
    assert client.put(url, headers=read_only, json={"answer": "fully"}).status_code == 403


def test_inventory_crud_with_versions(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    base = "/api/v1/orgs/org-a/inventory"
    created = client.post(base, headers=auth, json={"document": SYSTEM})
    assert created.status_code == 201, created.text
    assert created.json()["version"] == 1
    assert client.post(base, headers=auth, json={"document": SYSTEM}).status_code == 409
    invalid = client.post(base, headers=auth, json={"document": {**SYSTEM, "id": "other", "track": "warp"}})
    assert invalid.status_code == 422

    changed = {**SYSTEM, "name": "Support assistant"}
    updated = client.put(f"{base}/support-bot", headers=auth, json={"document": changed, "version": 1})
    assert updated.status_code == 200, updated.text
    assert updated.json()["document"]["name"] == "Support assistant"
    stale = client.put(f"{base}/support-bot", headers=auth, json={"document": SYSTEM, "version": 1})
    assert stale.status_code == 409
    assert stale.json()["current"]["version"] == 2

    assert [s["system_id"] for s in json_of(client.get(base, headers=auth))] == ["support-bot"]
    assert client.delete(f"{base}/support-bot", headers=auth, params={"version": 1}).status_code == 409
    assert client.delete(f"{base}/support-bot", headers=auth, params={"version": 2}).status_code == 204
    assert client.get(f"{base}/support-bot", headers=auth).status_code == 404


def test_evidence_upload_hash_limit_and_download(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    base = "/api/v1/orgs/org-a/evidence"
    content = b"policy v1\n" * 100
    uploaded = client.post(
        base, headers=auth, files={"file": ("policy.txt", content, "text/plain")}, data={"path": "docs/policy.txt"}
    )
    assert uploaded.status_code == 201, uploaded.text
    record = uploaded.json()
    assert record["sha256"] == hashlib.sha256(content).hexdigest()
    assert record["size"] == len(content)
    download = client.get(f"{base}/{record['id']}/content", headers=auth)
    assert download.status_code == 200
    assert download.content == content

    too_big = b"x" * (UPLOAD_LIMIT + 1)
    rejected = client.post(base, headers=auth, files={"file": ("big.bin", too_big, "application/octet-stream")})
    assert rejected.status_code == 413
    far_too_big = b"x" * (UPLOAD_LIMIT * 3)
    assert client.post(base, headers=auth, files={"file": ("huge.bin", far_too_big)}).status_code == 413
    assert [e["filename"] for e in json_of(client.get(base, headers=auth))] == ["docs/policy.txt"]


def test_measurements_push_and_assessment_reports(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    push = {
        "measurements": [
            {
                "metric": "inventory.systems.owner_ratio",
                "observed_at": "2026-11-01T10:00:00Z",
                "numerator": 3,
                "denominator": 4,
                "provenance": {"tool": "aisma", "version": "0.1.0", "file": "inventory.yaml", "sha256": "a" * 64},
                "details": ["system-x has no owner"],
            }
        ]
    }
    pushed = client.post("/api/v1/orgs/org-a/measurements", headers=auth, json=push)
    assert pushed.status_code == 200, pushed.text
    assert pushed.json() == {"accepted": 1}
    stored = json_of(client.get("/api/v1/orgs/org-a/measurements", headers=auth))
    assert stored[0]["provenance"]["sha256"] == "a" * 64

    client.put(f"/api/v1/orgs/org-a/answers/{OBJECTIVE}", headers=auth, json={"answer": "fully"})
    run = client.post("/api/v1/orgs/org-a/assessments", headers=auth, json={"assessed_at": "2026-11-02T00:00:00Z"})
    assert run.status_code == 202 and run.json()["status"] in ("queued", "running", "succeeded"), run.text
    done = finished_job(client, run, auth)
    assessment = json_of(client.get(f"/api/v1/orgs/org-a/assessments/{done['assessment_id']}", headers=auth))
    assert assessment["assessed_at"].startswith("2026-11-02")
    assert assessment["result"]["schema"] == "aisma.result/v1"
    listed = json_of(client.get("/api/v1/orgs/org-a/assessments", headers=auth))
    assert [a["id"] for a in listed] == [assessment["id"]]
    latest_response = client.get("/api/v1/orgs/org-a/results/latest", headers=auth)
    latest = json_of(latest_response)
    # served as stored (not parsed and written again): the same document as the assessment's
    assert latest == assessment["result"]
    assert latest_response.headers["content-type"].startswith("application/json")
    etag = latest_response.headers["etag"]
    assert etag == f'W/"assessment-{assessment["id"]}"'
    unchanged = client.get("/api/v1/orgs/org-a/results/latest", headers={**auth, "If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    other = client.get("/api/v1/orgs/org-a/results/latest", headers={**auth, "If-None-Match": 'W/"assessment-0"'})
    assert other.status_code == 200 and json_of(other) == latest

    for fmt, media, marker in (
        ("json", "application/json", b'"aisma.result/v1"'),
        ("md", "text/markdown", b"#"),
        ("html", "text/html", b"<html"),
    ):
        report = client.get(
            f"/api/v1/orgs/org-a/assessments/{assessment['id']}/report", headers=auth, params={"format": fmt}
        )
        assert report.status_code == 200, report.text
        assert report.headers["content-type"].startswith(media)
        assert "attachment" in report.headers["content-disposition"]
        assert marker in report.content


def test_members_and_tokens(client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    members = json_of(client.get("/api/v1/orgs/org-a/members", headers=auth))
    assert {m["role"] for m in members} == {"owner", "assessor", "contributor", "viewer"}
    viewer_id = org_a.user_ids[Role.VIEWER]
    promoted = client.put(f"/api/v1/orgs/org-a/members/{viewer_id}", headers=auth, json={"role": "assessor"})
    assert promoted.status_code == 200 and promoted.json()["role"] == "assessor"
    assert client.delete(f"/api/v1/orgs/org-a/members/{viewer_id}", headers=auth).status_code == 204
    added = client.post(
        "/api/v1/orgs/org-a/members", headers=auth, json={"email": org_b.emails[Role.VIEWER], "role": "viewer"}
    )
    assert added.status_code == 201, added.text

    created = client.post("/api/v1/orgs/org-a/tokens", headers=auth, json={"name": "ci", "scopes": ["push"]})
    assert created.status_code == 201, created.text
    token = created.json()
    pushed_with = {"Authorization": f"Bearer {token['token']}"}
    assert json_of(client.get("/api/v1/orgs", headers=pushed_with)) == [
        {"slug": "org-a", "name": "Org-A", "model_id": "aisma-core", "role": "owner"}
    ]
    listed = json_of(client.get("/api/v1/orgs/org-a/tokens", headers=auth))
    assert token["id"] in [t["id"] for t in listed] and all("token" not in t for t in listed)
    assert client.delete(f"/api/v1/orgs/org-a/tokens/{token['id']}", headers=auth).status_code == 204
    assert client.get("/api/v1/orgs", headers=pushed_with).status_code == 401


def test_organization_settings_and_audit_trail(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth, assessor = token_for(org_a), token_for(org_a, Role.ASSESSOR)
    org = json_of(client.get("/api/v1/orgs/org-a", headers=auth))
    assert org["role"] == "owner" and isinstance(org["settings"], dict)
    renamed = client.put("/api/v1/orgs/org-a", headers=auth, json={"name": "Acme AI"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Acme AI"
    bad = client.put("/api/v1/orgs/org-a", headers=auth, json={"settings": {"targets": {"categories": {"NOPE": 3}}}})
    assert bad.status_code == 422
    assert client.put("/api/v1/orgs/org-a", headers=assessor, json={"name": "x"}).status_code == 403
    client.put(f"/api/v1/orgs/org-a/answers/{OBJECTIVE}", headers=auth, json={"answer": "fully"})
    trail = json_of(client.get("/api/v1/orgs/org-a/audit", headers=auth, params={"limit": 5}))
    assert trail[0]["action"] == "answer.save" and trail[0]["entity_id"] == OBJECTIVE
    assert trail[0]["after"]["answer"] == "fully"
    assert trail[1]["action"] == "organization.update"
    assert trail[1]["before"]["name"] == "Org-A" and trail[1]["after"]["name"] == "Acme AI"


def test_streamed_body_without_length_is_cut_off(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    def chunks():  # no Content-Length: the limit must hold while the body streams in
        yield b'{"measurements": ['
        for _ in range(UPLOAD_LIMIT // 1000 * 3):
            yield b" " * 1000
        yield b"]}"

    headers = {**token_for(org_a), "content-type": "application/json"}
    response = client.post("/api/v1/orgs/org-a/measurements", headers=headers, content=chunks())
    assert "content-length" not in response.request.headers
    assert response.status_code == 413


def test_evidence_paths_cannot_escape(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    for bad in ("../../etc/passwd", "/etc/passwd", "a/../../b", "C:\\x"):
        response = client.post(
            "/api/v1/orgs/org-a/evidence", headers=auth, files={"file": ("x", b"data")}, data={"path": bad}
        )
        assert response.status_code == 422, (bad, response.status_code, response.text)


def test_measurement_listing_is_limited(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    auth = token_for(org_a)
    item = {"metric": "m.one", "observed_at": "2026-11-01T00:00:00Z", "value": 0.5, "provenance": {"tool": "t"}}
    assert client.post("/api/v1/orgs/org-a/measurements", headers=auth, json={"measurements": [item] * 3}).json() == {
        "accepted": 3
    }
    assert len(json_of(client.get("/api/v1/orgs/org-a/measurements", headers=auth, params={"limit": 2}))) == 2
    assert client.get("/api/v1/orgs/org-a/measurements", headers=auth, params={"limit": 0}).status_code == 422
