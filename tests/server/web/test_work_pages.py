"""The item page and My work in-process, on SQLite and PostgreSQL: assign with the form (a stale
version, a stranger, clear), the overdue highlight against an injected day, comments written, edited
and deleted through the forms (CSRF, roles, escaping), My work's filters and export."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.store.repositories import users
from aisma.web.features.work import mywork

from ..factories import OrgWithMembers
from .page_helpers import page_client, sign_in_form, title_of


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url) as test_client:
        yield test_client


def test_assign_on_the_item_page_and_find_it_on_my_work(
    client: TestClient, database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    csrf = sign_in_form(client, org_a.emails[Role.ASSESSOR])
    item = f"/orgs/{org_a.slug}/work/objective/GOV-1.2"
    page = client.get(item)
    assert page.status_code == 200 and title_of(page.text).startswith("GOV-1.2 · Objective")
    assert "Nobody is assigned." in page.text
    who = org_a.emails[Role.CONTRIBUTOR]
    form = {"csrf_token": csrf, "assignee": who, "due": "2020-05-01", "version": "", "action": "save"}
    assert client.post(f"{item}/assign", data={**form, "csrf_token": "wrong"}).status_code == 403
    saved = client.post(f"{item}/assign", data=form, follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("?msg=assigned")
    shown = client.get(item).text
    assert f"Assigned to <strong>{who}</strong>" in shown and 'class="pill unmet">overdue' in shown
    stale = client.post(f"{item}/assign", data=form)  # still "never assigned"
    assert stale.status_code == 409 and "changed since you opened the page" in stale.text
    stranger = client.post(f"{item}/assign", data={**form, "assignee": "x@else.example", "version": "1"})
    assert stranger.status_code == 422 and "not a member" in stranger.text and 'value="2020-05-01"' in stranger.text
    gov = client.get(f"/orgs/{org_a.slug}/questionnaire/GOV").text
    assert re.search(r"Assigned to <strong>" + re.escape(who) + r"</strong>.{0,200}overdue", gov, re.S)
    assert client.get(f"/orgs/{org_b.slug}/work/objective/GOV-1.2").status_code == 404
    assert client.get(f"/orgs/{org_a.slug}/work/objective/NOPE-1.1").status_code == 404
    assert client.get(f"/orgs/{org_a.slug}/work/elsewhere/GOV-1.1").status_code == 404

    # the contributor's My work: overdue, highlighted; filters and the export
    sign_in_form(client, who)
    mine = client.get(f"/orgs/{org_a.slug}/my-work")
    assert mine.status_code == 200 and title_of(mine.text).startswith("My work")
    assert 'class="overdue" data-item="objective:GOV-1.2"' in mine.text and "1 item is overdue" in mine.text
    assert "assigned you objective GOV-1.2" in mine.text  # the log: not sent, no SMTP here
    done = client.get(f"/orgs/{org_a.slug}/my-work", params={"state": "done"}).text
    assert 'data-item="objective:GOV-1.2"' not in done and "Nothing matches." in done
    assert client.get(f"/orgs/{org_a.slug}/my-work", params={"state": "late"}).status_code == 422
    exported = client.get(f"/orgs/{org_a.slug}/my-work", params={"format": "csv"})
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["item"], r["overdue"]) for r in rows] == [("GOV-1.2", "yes")]
    assert client.get("/my-work", follow_redirects=False).headers["location"] == f"/orgs/{org_a.slug}/my-work"

    # the same list as of an injected day: not overdue before the due date
    with database.transaction(readonly=True) as session:
        user = users.get(session, org_a.user_ids[Role.CONTRIBUTOR])
        assert user is not None
        before = mywork.my_work(session, user, date(2020, 4, 30))
        after = mywork.my_work(session, user, date(2020, 5, 2))
    assert [i.overdue for i in before] == [False] and [i.overdue for i in after] == [True]

    # the assessor clears it
    csrf = sign_in_form(client, org_a.emails[Role.ASSESSOR])
    cleared = client.post(f"{item}/assign", data={"csrf_token": csrf, "version": "1", "action": "clear"})
    assert (
        cleared.status_code == 200 and "Assignment cleared." in cleared.text and "Nobody is assigned." in cleared.text
    )


def test_comments_through_the_forms(client: TestClient, org_a: OrgWithMembers) -> None:
    csrf = sign_in_form(client, org_a.emails[Role.CONTRIBUTOR])
    item = f"/orgs/{org_a.slug}/work/roadmap/GOV-1.1"
    posted = client.post(
        f"{item}/comments", data={"csrf_token": csrf, "body": "**Plan**: <b>Q3</b> [x](javascript:alert(1))"}
    )
    assert posted.status_code == 200 and "Comment posted." in posted.text
    assert "<strong>Plan</strong>" in posted.text and "&lt;b&gt;Q3&lt;/b&gt;" in posted.text
    assert 'href="javascript' not in posted.text
    comment_id = re.search(r'id="comment-(\d+)"', posted.text)
    assert comment_id
    cid = comment_id.group(1)
    empty = client.post(f"{item}/comments", data={"csrf_token": csrf, "body": "  "})
    assert empty.status_code == 422 and "Not posted" in empty.text
    edited = client.post(
        f"/orgs/{org_a.slug}/comments/{cid}/edit", data={"csrf_token": csrf, "body": "v2", "version": "1"}
    )
    assert edited.status_code == 200 and "Comment changed." in edited.text and "(edited" in edited.text
    stale = client.post(
        f"/orgs/{org_a.slug}/comments/{cid}/edit", data={"csrf_token": csrf, "body": "v3", "version": "1"}
    )
    assert stale.status_code == 409

    csrf = sign_in_form(client, org_a.emails[Role.VIEWER])
    read_only = client.get(item).text
    assert "v2" in read_only and "Write a comment" not in read_only and "can read the comments" in read_only
    assert client.post(f"{item}/comments", data={"csrf_token": csrf, "body": "hi"}).status_code == 403
    csrf = sign_in_form(client, org_a.emails[Role.ASSESSOR])
    not_mine = client.post(f"/orgs/{org_a.slug}/comments/{cid}/delete", data={"csrf_token": csrf, "version": "2"})
    assert not_mine.status_code == 403
    csrf = sign_in_form(client, org_a.emails[Role.CONTRIBUTOR])
    gone = client.post(f"/orgs/{org_a.slug}/comments/{cid}/delete", data={"csrf_token": csrf, "version": "2"})
    assert gone.status_code == 200 and "Comment deleted." in gone.text and "No comments yet." in gone.text
