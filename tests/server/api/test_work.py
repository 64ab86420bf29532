"""Assignments, My work, notifications and comments over the API, on SQLite and PostgreSQL.

Dates are injected through the data: a due date in the past is overdue against the server's clock,
one far ahead is not, so nothing depends on when the test runs."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.audit import service as audit

from ..factories import OrgWithMembers
from .conftest import assessed

API = "/api/v1/orgs/org-a"
PAST, FUTURE = "2001-02-03", "2999-01-01"


def notifications_of(client: TestClient, auth: dict[str, str], settled: bool = True) -> list[dict[str, Any]]:
    """The caller's notifications, once none is pending (the send jobs ran)."""
    deadline = time.monotonic() + 600  # generous: only a stuck worker waits this long
    while True:
        found: list[dict[str, Any]] = client.get(f"{API}/notifications", headers=auth).json()
        if not settled or all(n["status"] != "pending" for n in found):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


def test_assign_objectives_and_roadmap_items(
    client: TestClient, database: Database, org_a: OrgWithMembers, token_for: Any
) -> None:
    assessor, contributor = token_for(org_a, Role.ASSESSOR), token_for(org_a, Role.CONTRIBUTOR)
    viewer = token_for(org_a, Role.VIEWER)
    who = org_a.emails[Role.CONTRIBUTOR]
    url = f"{API}/assignments/objective/GOV-1.1"
    # a contributor owns no system that GOV-1.1 concerns: it may not answer it, yet
    assert client.put(f"{API}/answers/GOV-1.1", headers=contributor, json={"answer": "fully"}).status_code == 403

    made = client.put(url, headers=assessor, json={"assignee": who.upper(), "due": PAST})
    assert made.status_code == 200, made.text
    body = made.json()
    assert (body["assignee"], body["due"], body["version"]) == (who, PAST, 1)
    assert body["overdue"] and not body["done"] and body["title"]
    again = client.put(url, headers=assessor, json={"assignee": who})
    assert again.status_code == 409 and again.json()["current"]["version"] == 1
    stranger = client.put(url, headers=assessor, json={"assignee": "nobody@else.example", "version": 1})
    assert stranger.status_code == 422 and "not a member" in stranger.json()["detail"]
    assert client.put(url, headers=contributor, json={"assignee": who, "version": 1}).status_code == 403
    assert client.put(f"{API}/assignments/objective/NOPE-9.9", headers=assessor, json={}).status_code == 404
    assert client.put(f"{API}/assignments/other/GOV-1.1", headers=assessor, json={}).status_code == 422
    roadmap = client.put(f"{API}/assignments/roadmap/GOV-1.1", headers=assessor, json={"assignee": who})
    assert roadmap.status_code == 422 and "roadmap" in roadmap.json()["detail"]  # no assessment yet
    listed = client.get(f"{API}/assignments", headers=viewer, params={"overdue": True})
    assert [a["item_id"] for a in listed.json()] == ["GOV-1.1"] and listed.headers["x-total-count"] == "1"
    assert client.get(url, headers=viewer).json()["assignee"] == who

    # the assignee finds it on My work, overdue, with a finding they own
    remark = {"title": "Charter unsigned", "owner": who, "due": PAST}
    assert client.post(f"{API}/findings", headers=assessor, json=remark).status_code == 201
    work = {i["kind"]: i for i in client.get("/api/v1/me/work", headers=contributor).json()}
    assert set(work) == {"objective", "finding"} and all(i["overdue"] for i in work.values())
    assert work["objective"]["link"] == "/orgs/org-a/work/objective/GOV-1.1"
    assert work["finding"]["title"] == "Charter unsigned"

    # assigned, the contributor may answer it; answered (review not required), it is done
    answered = client.put(f"{API}/answers/GOV-1.1", headers=contributor, json={"answer": "fully"})
    assert answered.status_code == 200, answered.text
    now = client.get(url, headers=viewer).json()
    assert now["done"] and not now["overdue"]
    assert [i["kind"] for i in client.get("/api/v1/me/work", headers=contributor, params={"state": "done"}).json()] == [
        "objective"
    ]

    cleared = client.put(url, headers=assessor, json={"assignee": "", "due": None, "version": 1})
    assert cleared.status_code == 200 and cleared.json()["version"] == 2 and cleared.json()["assignee"] == ""
    assert client.get(f"{API}/assignments", headers=viewer).json() == []
    assert client.get(url, headers=viewer).status_code == 404
    with database.transaction(readonly=True) as session:
        actions = [e.action for e in audit.recent(session, org_a.actors[Role.OWNER]) if e.entity == "assignment"]
    assert actions == ["assignment.clear", "assignment.set"]

    # the contributor was told twice (the objective, the finding); nobody else; no SMTP: not sent
    told = notifications_of(client, contributor)
    assert [n["kind"] for n in told] == ["assigned", "assigned"]
    assert {n["status"] for n in told} == {"not_sent"} and "AISMA_SMTP_HOST" in told[0]["last_error"]
    assert "GOV-1.1" in told[1]["subject"] and told[1]["link"].endswith("/work/objective/GOV-1.1")
    assert notifications_of(client, assessor) == []

    # a roadmap item of the latest assessment keeps its objective id
    assessed(client, "org-a", assessor)
    latest = client.get(f"{API}/results/latest", headers=viewer).json()
    item = latest["roadmap"][0]["items"][0]["objective"]
    on_roadmap = client.put(
        f"{API}/assignments/roadmap/{item}", headers=assessor, json={"assignee": who, "due": FUTURE}
    )
    assert on_roadmap.status_code == 200 and not on_roadmap.json()["done"] and not on_roadmap.json()["overdue"]
    kinds = {(i["kind"], i["item_id"]) for i in client.get("/api/v1/me/work", headers=contributor).json()}
    assert ("roadmap", item) in kinds

    # the daily digest is a schedule kind
    digest = client.post(f"{API}/schedules", headers=assessor, json={"kind": "overdue", "cron": "0 7 * * *"})
    assert digest.status_code == 201, digest.text


def test_comments_render_safely_mention_and_belong_to_their_authors(
    client: TestClient, database: Database, org_a: OrgWithMembers, token_for: Any
) -> None:
    contributor, assessor = token_for(org_a, Role.CONTRIBUTOR), token_for(org_a, Role.ASSESSOR)
    owner, viewer = token_for(org_a, Role.OWNER), token_for(org_a, Role.VIEWER)
    thread = f"{API}/comments/objective/GOV-1.1"
    hostile = (
        "Look at **this**: <script>alert(1)</script> [click](javascript:alert(1)) "
        '<img src=x onerror="alert(1)"> [docs](https://example.org/charter) @assessor, please check'
    )
    made = client.post(thread, headers=contributor, json={"body": hostile})
    assert made.status_code == 201, made.text
    comment = made.json()
    html = comment["html"]
    assert "<strong>this</strong>" in html and "<script" not in html and "<img" not in html
    assert 'href="javascript' not in html and not re.search(r"<[^>]+\son\w+=", html)
    assert '<a href="https://example.org/charter" rel="noopener nofollow">docs</a>' in html
    assert "&lt;script&gt;" in html  # shown as the text it was
    assert comment["mentions"] == [org_a.emails[Role.ASSESSOR]] and comment["body"] == hostile

    assert client.post(thread, headers=viewer, json={"body": "hi"}).status_code == 403
    assert client.post(thread, headers=contributor, json={"body": "a\u0000b"}).status_code == 422
    assert client.post(thread, headers=contributor, json={"body": "   "}).status_code == 422
    assert client.post(f"{API}/comments/system/nope", headers=contributor, json={"body": "x"}).status_code == 404
    assert client.post(f"{API}/comments/objective/NOPE-1.1", headers=contributor, json={"body": "x"}).status_code == 404

    edit = f"{API}/comments/{comment['id']}"
    assert client.put(edit, headers=assessor, json={"body": "mine now", "version": 1}).status_code == 403
    changed = client.put(edit, headers=contributor, json={"body": "@assessor and @owner@org-a.example", "version": 1})
    assert changed.status_code == 200 and changed.json()["version"] == 2 and changed.json()["edited_at"]
    assert changed.json()["mentions"] == [org_a.emails[Role.ASSESSOR], org_a.emails[Role.OWNER]]
    stale = client.put(edit, headers=contributor, json={"body": "late", "version": 1})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2

    # mentioned once each: the edit told only the owner, whom it newly named
    assert [n["kind"] for n in notifications_of(client, assessor)] == ["mention"]
    assert [n["kind"] for n in notifications_of(client, owner)] == ["mention"]
    assert notifications_of(client, contributor) == []  # nobody is told of their own comment

    system = {"id": "chatbot", "name": "Chatbot", "track": "build", "deployment_type": "api_saas"}
    assert client.post(f"{API}/inventory", headers=owner, json={"document": system}).status_code == 201
    on_system = client.post(f"{API}/comments/system/chatbot", headers=assessor, json={"body": "Who owns this?"})
    assert on_system.status_code == 201
    on_roadmap = client.post(f"{API}/comments/roadmap/GOV-1.1", headers=assessor, json={"body": "Q3"})
    assert on_roadmap.status_code == 201
    assert [c["body"] for c in client.get(thread, headers=viewer).json()] == ["@assessor and @owner@org-a.example"]

    assert client.delete(edit, headers=assessor, params={"version": 2}).status_code == 403
    assert client.delete(edit, headers=owner, params={"version": 1}).status_code == 409
    assert client.delete(edit, headers=owner, params={"version": 2}).status_code == 204  # owners moderate
    assert client.get(thread, headers=viewer).json() == []
    with database.transaction(readonly=True) as session:
        actions = [e.action for e in audit.recent(session, org_a.actors[Role.OWNER]) if e.entity == "comment"]
    assert actions == ["comment.delete", "comment.create", "comment.create", "comment.update", "comment.create"]
