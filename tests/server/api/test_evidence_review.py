"""Accepting or rejecting an answer's evidence through the API, on SQLite and PostgreSQL.

A link is "cited, unverified" and not evidence until an assessor other than the answerer accepts
it; the review records who and when, is audited, needs the version reviewed, is for assessors and
owners only, stays inside its organization, and every later save of the answer clears it.
"""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role

from ..factories import OrgWithMembers
from .conftest import assessed

API = "/api/v1/orgs"
URL = "https://wiki.example/ai/training-records"


def ok(response: Any) -> Any:
    assert response.status_code < 300, response.text
    return response.json()


def objective(client: TestClient, auth: dict[str, str], slug: str, objective_id: str) -> dict[str, Any]:
    run = assessed(client, slug, auth)
    result = ok(client.get(f"{API}/{slug}/assessments/{run}", headers=auth))["result"]
    return next(o for c in result["categories"] for o in c["objectives"] if o["id"] == objective_id)


def review(client: TestClient, auth: dict[str, str], slug: str, body: dict[str, Any]) -> Any:
    return client.post(f"{API}/{slug}/answers/GOV-1.1/evidence-review", headers=auth, json=body)


def test_accept_makes_a_link_evidence_with_who_and_when(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    slug = org_a.slug
    assessor, owner = token_for(org_a, Role.ASSESSOR), token_for(org_a)
    saved = ok(
        client.put(f"{API}/{slug}/answers/GOV-1.1", headers=assessor, json={"answer": "fully", "evidence": [URL]})
    )
    assert saved["evidence_review"] is None and saved["answered_by"] == org_a.emails[Role.ASSESSOR]
    before = objective(client, owner, slug, "GOV-1.1")
    assert (before["source"], before["evidenced_status"], before["evidence_status"]) == (
        "attested",
        "unknown",
        "unverified",
    )

    own = review(client, assessor, slug, {"decision": "accepted", "version": 1})
    assert own.status_code == 403 and "someone else must review its evidence" in own.json()["detail"]

    accepted = ok(review(client, owner, slug, {"decision": "accepted", "version": 1, "note": "opened, current"}))
    assert accepted["version"] == 1  # a review is not an edit of the answer
    assert accepted["evidence_review"]["decision"] == "accepted"
    assert accepted["evidence_review"]["by"] == org_a.emails[Role.OWNER]
    assert accepted["evidence_review"]["at"] and accepted["evidence_review"]["note"] == "opened, current"
    after = objective(client, owner, slug, "GOV-1.1")
    assert (after["source"], after["evidenced_status"], after["evidence_status"]) == (
        "attested_with_evidence",
        "met",
        "accepted",
    )
    assert after["evidence_review"]["by"] == org_a.emails[Role.OWNER]
    audit = [
        r for r in ok(client.get(f"{API}/{slug}/audit", headers=owner)) if r["action"] == "answer.evidence_accepted"
    ]
    assert len(audit) == 1 and audit[0]["entity_id"] == "GOV-1.1"
    assert audit[0]["actor"].startswith(org_a.emails[Role.OWNER])
    assert (
        audit[0]["before"]["evidence_review"] is None and audit[0]["after"]["evidence_review"]["decision"] == "accepted"
    )

    # the next save is a new answer: its review is gone, and the old version can no longer be reviewed
    changed = {"answer": "fully", "evidence": [URL, "https://wiki.example/other"], "version": 1}
    resaved = ok(client.put(f"{API}/{slug}/answers/GOV-1.1", headers=assessor, json=changed))
    assert resaved["version"] == 2 and resaved["evidence_review"] is None
    stale = review(client, owner, slug, {"decision": "accepted", "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    assert objective(client, owner, slug, "GOV-1.1")["evidence_status"] == "unverified"


def test_reject_needs_a_reason_and_wins_over_a_stored_file(
    client: TestClient, org_a: OrgWithMembers, token_for
) -> None:
    slug = org_a.slug
    assessor, owner = token_for(org_a, Role.ASSESSOR), token_for(org_a)
    stored = ok(
        client.post(
            f"{API}/{slug}/evidence", headers=assessor, files={"file": ("policy.md", b"# AI policy\n", "text/markdown")}
        )
    )
    ref = f"sha256:{stored['sha256']}"
    ok(client.put(f"{API}/{slug}/answers/GOV-1.1", headers=assessor, json={"answer": "fully", "evidence": [ref]}))
    assert objective(client, owner, slug, "GOV-1.1")["evidence_status"] == "verified"
    no_reason = review(client, owner, slug, {"decision": "rejected", "version": 1})
    assert no_reason.status_code == 422 and "a rejection needs a reason" in no_reason.json()["detail"]
    rejected = ok(review(client, owner, slug, {"decision": "rejected", "version": 1, "note": "a draft, not approved"}))
    assert rejected["evidence_review"]["decision"] == "rejected"
    result = objective(client, owner, slug, "GOV-1.1")
    assert (result["source"], result["evidenced_status"], result["evidence_status"]) == (
        "attested",
        "unknown",
        "rejected",
    )
    assert result["evidence_review"]["note"] == "a draft, not approved"
    actions = {r["action"] for r in ok(client.get(f"{API}/{slug}/audit", headers=owner))}
    assert "answer.evidence_rejected" in actions


def test_only_assessors_and_owners_review_and_only_in_their_organization(
    client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, token_for
) -> None:
    slug = org_a.slug
    assessor = token_for(org_a, Role.ASSESSOR)
    ok(client.put(f"{API}/{slug}/answers/GOV-1.1", headers=assessor, json={"answer": "fully", "evidence": [URL]}))
    body = {"decision": "accepted", "version": 1}
    for role in (Role.VIEWER, Role.CONTRIBUTOR):
        refused = review(client, token_for(org_a, role), slug, body)
        assert refused.status_code == 403, (role, refused.text)
    read_only = review(client, token_for(org_a, Role.OWNER, ("read",)), slug, body)
    assert read_only.status_code == 403
    other_org = review(client, token_for(org_b), slug, body)
    assert other_org.status_code in (403, 404)
    in_own_org = review(client, token_for(org_b), org_b.slug, body)
    assert in_own_org.status_code == 404  # org-b has no answer to GOV-1.1: org-a's is invisible
    for bad in ({"decision": "maybe", "version": 1}, {"decision": "accepted"}, {"decision": "accepted", "version": 0}):
        assert review(client, token_for(org_a), slug, bad).status_code == 422
    answer = ok(client.get(f"{API}/{slug}/answers/GOV-1.1", headers=assessor))
    assert answer["evidence_review"] is None


def test_an_answer_without_evidence_has_nothing_to_review(client: TestClient, org_a: OrgWithMembers, token_for) -> None:
    ok(
        client.put(
            f"{API}/{org_a.slug}/answers/GOV-1.1", headers=token_for(org_a, Role.ASSESSOR), json={"answer": "fully"}
        )
    )
    refused = review(client, token_for(org_a), org_a.slug, {"decision": "accepted", "version": 1})
    assert refused.status_code == 422 and "cites no evidence to review" in refused.json()["detail"]
