"""The reviews page in-process, on SQLite and PostgreSQL: submit, return with a reason, accept, and the
review setting; CSRF on every form, what each role may press, the reason escaped, and the questionnaire
showing each answer's status."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.answers import service as answers

from ..factories import OrgWithMembers
from .page_helpers import page_client
from .page_helpers import sign_in_form as sign_in


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url) as test_client:
        yield test_client


def answered_by_assessor(database: Database, org: OrgWithMembers) -> None:
    with database.transaction() as session:
        answers.save_answer(session, org.actors[Role.ASSESSOR], "GOV-1.1", "fully", note="charter")


def test_submit_return_accept_through_the_page(client: TestClient, database: Database, org_a: OrgWithMembers) -> None:
    answered_by_assessor(database, org_a)
    page = f"/orgs/{org_a.slug}/reviews"
    csrf = sign_in(client, org_a.emails[Role.ASSESSOR])
    drafts = client.get(page).text
    assert "1 draft" in drafts and "Submit for review" in drafts and "Require review" not in drafts
    form = {"objective_id": "GOV-1.1", "version": "1", "step": "submit"}
    assert client.post(page, data=form, follow_redirects=False).status_code == 403  # no CSRF token
    moved = client.post(page, data={**form, "csrf_token": csrf}, follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].endswith("msg=answer-submit")
    mine = client.get(page).text
    assert (
        "1 submitted" in mine
        and "You gave or submitted this answer: someone else reviews it." in mine
        and "Accept</button>" not in mine
    )

    csrf = sign_in(client, org_a.emails[Role.OWNER])
    queue = client.get(page).text
    assert 'aria-label="Review GOV-1.1"' in queue
    empty = client.post(page, data={**form, "step": "returned", "csrf_token": csrf})
    assert empty.status_code == 422 and "returning an answer needs a reason" in empty.text
    reason = "<script>alert(1)</script> sign the charter"
    back = client.post(page, data={**form, "step": "returned", "reason": reason, "csrf_token": csrf})
    assert back.status_code == 200 and "Answer returned to its answerer" in back.text
    assert "<script>alert(1)</script>" not in back.text and "&lt;script&gt;alert(1)&lt;/script&gt;" in back.text
    shown = client.get(f"/orgs/{org_a.slug}/questionnaire/GOV").text
    assert 'data-status="returned"' in shown and "sign the charter" in shown

    stale = client.post(page, data={**form, "version": "7", "step": "submit", "csrf_token": csrf})
    assert stale.status_code == 409 and "changed since you opened the page" in stale.text
    client.post(page, data={**form, "csrf_token": csrf})  # the owner may answer GOV-1.1, so may resubmit it
    accepted = client.post(page, data={**form, "step": "accepted", "csrf_token": csrf})
    assert accepted.status_code == 403 and "submitted this answer; someone else must review it" in accepted.text


def test_review_setting_is_for_owners(client: TestClient, org_a: OrgWithMembers) -> None:
    page = f"/orgs/{org_a.slug}/reviews"
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    assert "Review not required" in client.get(page).text
    turned = client.post(f"{page}/setting", data={"review_required": "on", "csrf_token": csrf})
    assert turned.status_code == 200 and "Review required" in turned.text and "Stop requiring review" in turned.text
    csrf = sign_in(client, org_a.emails[Role.VIEWER])
    viewer = client.get(page).text
    assert "Stop requiring review" not in viewer and "Submit for review" not in viewer
    assert client.post(f"{page}/setting", data={"review_required": "", "csrf_token": csrf}).status_code == 403
