"""Evidence life cycle through the API, on SQLite and PostgreSQL: revisions (each with hash, size,
uploader, time, downloadable), effective and expiry dates (checked, audited, stale-guarded), an expired
file not counted by an assessment as of after its expiry, and "cited by" (answers by path or by the
hash of any revision, measurements by the file they read)."""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .conftest import assessed

API = "/api/v1/orgs"


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def upload(client: TestClient, auth: dict[str, str], slug: str, name: str, data: bytes, **dates: str) -> Any:
    return client.post(f"{API}/{slug}/evidence", headers=auth, files={"file": (name, data)}, data=dates)


def test_a_new_upload_of_the_same_name_is_a_revision_and_keeps_the_history(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    slug, owner, contributor = org_a.slug, token_for(org_a), token_for(org_a, Role.CONTRIBUTOR)
    first = ok(upload(client, owner, slug, "policy.pdf", b"version one", expires_on="2027-06-30"))
    assert (first["revision"], first["expires_on"], first["expired"]) == (1, "2027-06-30", False)
    second = ok(upload(client, contributor, slug, "policy.pdf", b"version two, longer"))
    assert second["id"] == first["id"] and second["revision"] == 2
    assert second["sha256"] == hashlib.sha256(b"version two, longer").hexdigest()
    assert second["expires_on"] is None  # a renewed document brings dates of its own
    revisions = ok(client.get(f"{API}/{slug}/evidence/{first['id']}/revisions", headers=owner))
    assert [(r["revision"], r["size"], r["current"]) for r in revisions] == [(2, 19, True), (1, 11, False)]
    assert revisions[1]["sha256"] == hashlib.sha256(b"version one").hexdigest()
    assert revisions[1]["uploaded_by"].startswith(org_a.emails[Role.OWNER])
    assert revisions[0]["uploaded_by"].startswith(org_a.emails[Role.CONTRIBUTOR])
    assert revisions[1]["expires_on"] == "2027-06-30"
    old = client.get(f"{API}/{slug}/evidence/{first['id']}/revisions/1/content", headers=owner)
    assert old.status_code == 200 and old.content == b"version one"
    assert client.get(f"{API}/{slug}/evidence/{first['id']}/content", headers=owner).content == b"version two, longer"
    assert client.get(f"{API}/{slug}/evidence/{first['id']}/revisions/3/content", headers=owner).status_code == 404
    actions = [e["action"] for e in ok(client.get(f"{API}/{slug}/audit", headers=owner)) if e["entity"] == "evidence"]
    assert actions.count("evidence.store") == 2


def test_dates_are_checked_audited_and_name_the_revision_seen(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    slug, owner, viewer = org_a.slug, token_for(org_a), token_for(org_a, Role.VIEWER)
    file = ok(upload(client, owner, slug, "cert.txt", b"ISO 42001 certificate"))
    url = f"{API}/{slug}/evidence/{file['id']}"
    backwards = client.put(
        url, headers=owner, json={"revision": 1, "effective_on": "2027-01-01", "expires_on": "2026-01-01"}
    )
    assert backwards.status_code == 422 and "before the effective date" in backwards.text
    assert client.put(url, headers=viewer, json={"revision": 1, "expires_on": "2027-01-01"}).status_code == 403
    assert client.put(url, headers=owner, json={"revision": 1, "expires_on": 20270101}).status_code == 422
    saved = ok(
        client.put(url, headers=owner, json={"revision": 1, "effective_on": "2026-01-01", "expires_on": "2027-12-31"})
    )
    assert (saved["effective_on"], saved["expires_on"], saved["revision"]) == ("2026-01-01", "2027-12-31", 1)
    ok(upload(client, owner, slug, "cert.txt", b"renewed certificate"))
    stale = client.put(url, headers=owner, json={"revision": 1, "expires_on": "2030-01-01"})
    assert stale.status_code == 409
    entry = next(e for e in ok(client.get(f"{API}/{slug}/audit", headers=owner)) if e["action"] == "evidence.dates")
    assert entry["before"]["expires_on"] is None and entry["after"]["expires_on"] == "2027-12-31"
    # the first expiry date set made the daily reminder schedule
    schedules = ok(client.get(f"{API}/{slug}/schedules", headers=owner))
    assert [(s["kind"], s["cron"]) for s in schedules] == [("evidence_expiry", "0 6 * * *")]


def _objective(client: TestClient, auth: dict[str, str], slug: str, at: str) -> dict[str, Any]:
    run = assessed(client, slug, auth, {"assessed_at": at})
    result = ok(client.get(f"{API}/{slug}/assessments/{run}", headers=auth))["result"]
    found = next(o for c in result["categories"] for o in c["objectives"] if o["id"] == "GOV-1.1")
    return {"status": found["evidence_status"], "warnings": result.get("warnings", [])}


def test_an_expired_file_stops_counting_as_evidence_from_the_day_after_its_expiry(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    slug, owner = org_a.slug, token_for(org_a)
    ok(upload(client, owner, slug, "training.csv", b"name,date\n", expires_on="2026-03-31"))
    ok(
        client.put(
            f"{API}/{slug}/answers/GOV-1.1",
            headers=owner,
            json={"answer": "fully", "evidence": ["evidence/training.csv"]},
        )
    )
    on_the_day = _objective(client, owner, slug, "2026-03-31T23:00:00Z")
    assert on_the_day["status"] == "verified"
    after = _objective(client, owner, slug, "2026-04-01T08:00:00Z")
    assert after["status"] == "unverified"
    assert any("evidence/training.csv expired on 2026-03-31; not counted" in w for w in after["warnings"])


def test_cited_by_lists_answers_by_path_or_any_revision_hash_and_measurements(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    slug, owner = org_a.slug, token_for(org_a)
    first = ok(upload(client, owner, slug, "scan.json", b'{"v": 1}'))
    ok(upload(client, owner, slug, "scan.json", b'{"v": 2}'))
    ok(upload(client, owner, slug, "other.txt", b"unrelated"))
    ok(
        client.put(
            f"{API}/{slug}/answers/GOV-1.1", headers=owner, json={"answer": "fully", "evidence": ["evidence/scan.json"]}
        )
    )
    ok(
        client.put(
            f"{API}/{slug}/answers/GOV-1.2",
            headers=owner,
            json={"answer": "partially", "evidence": [f"sha256:{first['sha256']}"]},
        )
    )
    ok(
        client.put(
            f"{API}/{slug}/answers/GOV-2.1", headers=owner, json={"answer": "fully", "evidence": ["evidence/other.txt"]}
        )
    )
    measurement = {
        "metric": "inventory.systems.owner_ratio", "observed_at": "2026-11-01T10:00:00Z", "numerator": 1, "denominator": 2,
        "provenance": {"tool": "garak", "file": "evidence/scan.json", "sha256": first["sha256"]},
    }  # fmt: skip
    elsewhere = {**measurement, "provenance": {"tool": "garak", "file": "evidence/elsewhere.json"}}
    ok(client.post(f"{API}/{slug}/measurements", headers=owner, json={"measurements": [measurement, elsewhere]}))
    uses = ok(client.get(f"{API}/{slug}/evidence/{first['id']}/cited-by", headers=owner))
    assert [(a["objective_id"], a["cites"].split(":")[0], a["revision"]) for a in uses["answers"]] == [
        ("GOV-1.1", "evidence/scan.json", None),
        ("GOV-1.2", "sha256", 1),
    ]
    assert [(m["metric"], m["tool"], m["revision"]) for m in uses["measurements"]] == [
        ("inventory.systems.owner_ratio", "garak", 1)
    ]
    assert uses["measurements_total"] == 1
