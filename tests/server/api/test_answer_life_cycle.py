"""The answer life cycle through the API, on SQLite and PostgreSQL.

draft -> submitted -> accepted, or returned with a reason and submitted again: who may take each
step (the answerer submits; an assessor or owner other than the answerer decides), that each names
the version it saw, that each is audited, that a save makes the answer a draft again, and that where
the organization requires review only accepted answers count as evidenced.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .conftest import assessed

API = "/api/v1/orgs"


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def step(client: TestClient, auth: dict[str, str], slug: str, path: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/{slug}/answers/GOV-1.1/{path}", headers=auth, json=body)


def evidenced(client: TestClient, auth: dict[str, str], slug: str) -> tuple[str, str, list[str]]:
    run = assessed(client, slug, auth)
    result = ok(client.get(f"{API}/{slug}/assessments/{run}", headers=auth))["result"]
    found = next(o for c in result["categories"] for o in c["objectives"] if o["id"] == "GOV-1.1")
    return found["evidence_status"], found["evidenced_status"], result.get("warnings", [])


def answer_with_stored_file(client: TestClient, org: OrgWithMembers, auth: dict[str, str]) -> dict[str, Any]:
    upload = client.post(
        f"{API}/{org.slug}/evidence", headers=auth, files={"file": ("charter.txt", b"AI charter v3", "text/plain")}
    )
    stored = ok(upload)
    body = {"answer": "fully", "evidence": [f"evidence/{stored['filename']}"]}
    return dict(ok(client.put(f"{API}/{org.slug}/answers/GOV-1.1", headers=auth, json=body)))


def test_submit_return_resubmit_accept_with_audit(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    slug = org_a.slug
    contributor_free = token_for(org_a, Role.ASSESSOR)  # GOV-1.1 is program-wide: assessors answer it
    owner, viewer = token_for(org_a), token_for(org_a, Role.VIEWER)
    saved = answer_with_stored_file(client, org_a, contributor_free)
    assert saved["status"] == "draft" and saved["status_by"] == ""

    early = step(client, owner, slug, "decision", {"decision": "accepted", "version": 1})
    assert early.status_code == 422 and "only a submitted answer" in early.json()["detail"]
    assert step(client, viewer, slug, "submit", {"version": 1}).status_code == 403
    assert step(client, contributor_free, slug, "submit", {"version": 2}).status_code == 409

    submitted = ok(step(client, contributor_free, slug, "submit", {"version": 1}))
    assert submitted["status"] == "submitted" and submitted["version"] == 1
    assert submitted["status_by"] == org_a.emails[Role.ASSESSOR] and submitted["status_at"]
    again = step(client, contributor_free, slug, "submit", {"version": 1})
    assert again.status_code == 422 and "is submitted" in again.json()["detail"]

    own = step(client, contributor_free, slug, "decision", {"decision": "accepted", "version": 1})
    assert own.status_code == 403 and "someone else must review it" in own.json()["detail"]
    no_reason = step(client, owner, slug, "decision", {"decision": "returned", "version": 1, "reason": "  "})
    assert no_reason.status_code == 422 and no_reason.json()["detail"].startswith("reason")
    returned = ok(
        step(client, owner, slug, "decision", {"decision": "returned", "version": 1, "reason": "charter is a draft"})
    )
    assert (returned["status"], returned["status_reason"]) == ("returned", "charter is a draft")
    queue = ok(client.get(f"{API}/{slug}/reviews", headers=viewer))
    assert [a["objective_id"] for a in queue["returned"]] == ["GOV-1.1"] and queue["submitted"] == []

    # the answerer changes the answer: a draft again (version 2), then submits it again
    changed = {"answer": "fully", "evidence": saved["evidence"], "note": "signed charter", "version": 1}
    resaved = ok(client.put(f"{API}/{slug}/answers/GOV-1.1", headers=contributor_free, json=changed))
    assert (resaved["status"], resaved["version"], resaved["status_reason"]) == ("draft", 2, "")
    ok(step(client, contributor_free, slug, "submit", {"version": 2}))
    stale = step(client, owner, slug, "decision", {"decision": "accepted", "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    accepted = ok(step(client, owner, slug, "decision", {"decision": "accepted", "version": 2}))
    assert (accepted["status"], accepted["status_by"]) == ("accepted", org_a.emails[Role.OWNER])
    final = step(client, owner, slug, "decision", {"decision": "returned", "version": 2, "reason": "x"})
    assert final.status_code == 422  # accepted is final until the answer changes

    actions = [r["action"] for r in ok(client.get(f"{API}/{slug}/audit", headers=owner))]
    moves = [a for a in reversed(actions) if a.startswith("answer.") and a != "answer.save"]
    assert moves == ["answer.submit", "answer.return", "answer.submit", "answer.accept"]
    audit = ok(client.get(f"{API}/{slug}/audit", headers=owner))
    accept_entry = next(r for r in audit if r["action"] == "answer.accept")
    assert (accept_entry["before"]["status"], accept_entry["after"]["status"]) == ("submitted", "accepted")


def test_review_required_counts_only_accepted_answers_as_evidenced(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    slug = org_a.slug
    assessor, owner = token_for(org_a, Role.ASSESSOR), token_for(org_a)
    answer_with_stored_file(client, org_a, assessor)
    assert evidenced(client, owner, slug)[:2] == ("verified", "met")  # review off: a stored file counts

    assert ok(client.get(f"{API}/{slug}", headers=owner))["review_required"] is False
    refused = client.put(f"{API}/{slug}", headers=assessor, json={"review_required": True})
    assert refused.status_code == 403  # owners decide
    assert ok(client.put(f"{API}/{slug}", headers=owner, json={"review_required": True}))["review_required"] is True
    status, evidenced_status, warnings = evidenced(client, owner, slug)
    assert (status, evidenced_status) == ("none", "unknown")
    assert any("review is required" in w and "GOV-1.1" in w for w in warnings)

    ok(step(client, assessor, slug, "submit", {"version": 1}))
    assert evidenced(client, owner, slug)[:2] == ("none", "unknown")  # submitted is not accepted
    ok(step(client, owner, slug, "decision", {"decision": "accepted", "version": 1}))
    status, evidenced_status, warnings = evidenced(client, owner, slug)
    assert (status, evidenced_status) == ("verified", "met")
    assert not any("review is required" in w for w in warnings)
    updates = [r for r in ok(client.get(f"{API}/{slug}/audit", headers=owner)) if r["action"] == "organization.update"]
    assert updates[0]["after"]["review_required"] is True and updates[0]["before"]["review_required"] is False


def test_contributor_submits_only_what_it_may_answer(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    slug = org_a.slug
    answer_with_stored_file(client, org_a, token_for(org_a, Role.ASSESSOR))
    refused = step(client, token_for(org_a, Role.CONTRIBUTOR), slug, "submit", {"version": 1})
    assert refused.status_code == 403 and "may not answer GOV-1.1" in refused.json()["detail"]
    contributor_decides = step(
        client, token_for(org_a, Role.CONTRIBUTOR), slug, "decision", {"decision": "accepted", "version": 1}
    )
    assert contributor_decides.status_code == 403
    missing = client.post(f"{API}/{slug}/answers/GOV-9.9/submit", headers=token_for(org_a), json={"version": 1})
    assert missing.status_code == 404
