"""Organizations and people (issue 18 item 1) through the API and the invitation pages, on SQLite and
PostgreSQL: owners and server admins create organizations; an owner invites an address with a role;
the link (single use, expiring, stored as its sha256 only) signs a newcomer up with an argon2
password or lets the invited account join; invitations are listed and revoked; a disabled account's
sessions and tokens stop working. Everything is audited."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select, update

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.tables import AuditEntry, InvitationRow, User
from aisma.store.types import utcnow
from aisma.web.app import create_app
from aisma.web.features.organizations import service as accounts

from ..factories import PASSWORD, OrgWithMembers
from ..mail_fixtures import Mailbox, closed_port
from .conftest import sign_in

API = "/api/v1"
NEW_PASSWORD = "a long new password 2026"
LINK = re.compile(r"https?://[^\s/]+(/invite/[A-Za-z0-9_-]+)")


def invite(client: TestClient, auth: dict[str, str], email: str, role: str = "contributor") -> dict[str, Any]:
    made = client.post(f"{API}/orgs/org-a/invitations", headers=auth, json={"email": email, "role": role})
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


def path_of(url: str) -> str:
    found = LINK.match(url)
    assert found, url
    return found.group(1)


def sign_up(app: Any, path: str, password: str = NEW_PASSWORD, confirm: str | None = None) -> tuple[TestClient, Any]:
    """A fresh browser opens the link and fills in the sign-up form."""
    browser = TestClient(app)
    page = browser.get(path)
    answer = browser.post(
        f"{path}/signup",
        data={
            "name": "Nora Newcomer",
            "password": password,
            "confirm_password": password if confirm is None else confirm,
            "csrf_token": browser.cookies.get("aisma_login_csrf") or "",
        },
        follow_redirects=False,
    )
    return browser, (page, answer)


def audit_actions(database: Database, org_id: int) -> list[str]:
    with database.transaction(readonly=True) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.organization_id == org_id).order_by(AuditEntry.seq))
        return [row.action for row in rows]


def test_invite_sign_up_and_join_once(
    app: Any, client: TestClient, org_a: OrgWithMembers, token_for: Any, database: Database
) -> None:
    owner = token_for(org_a)
    made = invite(client, owner, "Nora@Example.org", "assessor")
    assert made["sent"] is False and made["status"] == "pending" and made["delivery"] == "shown"
    assert made["email"] == "nora@example.org" and made["role"] == "assessor"
    path = path_of(made["url"])
    token = path.rsplit("/", 1)[1]
    with database.transaction(readonly=True) as session:
        row = session.scalars(select(InvitationRow)).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in repr([getattr(row, c.key) for c in InvitationRow.__table__.columns])
    listed = client.get(f"{API}/orgs/org-a/invitations", headers=owner).json()
    assert [(i["email"], i["status"]) for i in listed] == [("nora@example.org", "pending")]
    assert "url" not in listed[0]

    browser, (page, answer) = sign_up(app, path)
    assert page.status_code == 200 and "Join Org-A" in page.text and "as <strong>assessor</strong>" in page.text
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"] == "/orgs/org-a?msg=joined"
    me = browser.get(f"{API}/orgs").json()
    assert [(o["slug"], o["role"]) for o in me] == [("org-a", "assessor")]
    with database.transaction(readonly=True) as session:
        user = session.scalars(select(User).where(User.email == "nora@example.org")).one()
        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
        assert user.display_name == "Nora Newcomer"

    # Single use: the link is spent, whoever tries it next.
    again_page, again = sign_up(app, path)[1]
    assert again_page.status_code == 410 and "This invitation is accepted" in again_page.text
    assert again.status_code == 409
    listed = client.get(f"{API}/orgs/org-a/invitations", headers=owner).json()
    assert listed[0]["status"] == "accepted" and listed[0]["accepted_by"] == "nora@example.org"
    actions = audit_actions(database, org_a.org_id)
    assert actions[-3:] == ["invitation.create", "member.add", "invitation.accept"]


def test_sign_up_form_checks_passwords_and_csrf(
    app: Any, client: TestClient, org_a: OrgWithMembers, token_for: Any
) -> None:
    path = path_of(invite(client, token_for(org_a), "pat@example.org")["url"])
    _browser, (_page, short) = sign_up(app, path, "short")
    assert short.status_code == 422 and "at least 12 characters" in short.text
    _browser, (_page, differ) = sign_up(app, path, NEW_PASSWORD, "something else entirely")
    assert differ.status_code == 422 and "The two passwords differ" in differ.text
    forged = TestClient(app).post(
        f"{path}/signup", data={"password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD, "csrf_token": "x"}
    )
    assert forged.status_code == 403
    assert client.get(f"{API}/orgs/org-a/invitations", headers=token_for(org_a)).json()[0]["status"] == "pending"
    assert TestClient(app).get("/invite/" + "x" * 43).status_code == 404


def test_existing_account_joins_signed_in_as_the_invited_address(
    app: Any, client: TestClient, org_a: OrgWithMembers, org_b: OrgWithMembers, token_for: Any
) -> None:
    invited = org_b.emails[Role.VIEWER]
    path = path_of(invite(client, token_for(org_a), invited, "viewer")["url"])
    newcomer = TestClient(app)
    page = newcomer.get(path)
    assert "There is an account for" in page.text and "Create your account" not in page.text
    _browser, (_page, refused) = sign_up(app, path)
    assert refused.status_code == 409  # no second account for an address that has one

    wrong = TestClient(app)
    csrf = sign_in(wrong, org_b.emails[Role.OWNER])
    assert "but this invitation is for" in wrong.get(path).text
    refused = wrong.post(f"{path}/accept", data={"csrf_token": csrf})
    assert refused.status_code == 403 and "sign in as that address" in refused.text

    right = TestClient(app)
    csrf = sign_in(right, invited)
    assert right.post(f"{path}/accept", data={}).status_code == 403  # no CSRF token
    joined = right.post(f"{path}/accept", data={"csrf_token": csrf}, follow_redirects=False)
    assert joined.status_code == 303 and joined.headers["location"] == "/orgs/org-a?msg=joined"
    assert sorted(o["slug"] for o in right.get(f"{API}/orgs").json()) == ["org-a", "org-b"]
    # Both organizations now: the header offers the switch between them.
    dashboard = right.get("/orgs/org-a").text
    assert 'data-testid="org-switcher"' in dashboard and 'href="/orgs/org-b"' in dashboard


def test_revoke_expire_supersede_and_who_may_invite(
    app: Any, client: TestClient, org_a: OrgWithMembers, token_for: Any, database: Database
) -> None:
    owner = token_for(org_a)
    first = invite(client, owner, "sam@example.org")
    second = invite(client, owner, "sam@example.org", "viewer")  # another link; the first still works
    assert TestClient(app).get(path_of(first["url"])).status_code == 200
    assert client.delete(f"{API}/orgs/org-a/invitations/{second['id']}", headers=owner).status_code == 204
    assert client.delete(f"{API}/orgs/org-a/invitations/{second['id']}", headers=owner).status_code == 409
    revoked_page = TestClient(app).get(path_of(second["url"]))
    assert revoked_page.status_code == 410 and "This invitation is revoked" in revoked_page.text

    third = invite(client, owner, "sam@example.org")
    with database.transaction() as session:
        session.execute(
            update(InvitationRow)
            .where(InvitationRow.id == third["id"])
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    assert "This invitation is expired" in TestClient(app).get(path_of(third["url"])).text
    assert sign_up(app, path_of(third["url"]))[1][1].status_code == 409
    fourth = invite(client, owner, "sam@example.org", "owner")
    assert sign_up(app, path_of(first["url"]))[1][1].status_code == 303  # joins as contributor
    assert TestClient(app).get(path_of(fourth["url"])).status_code == 410  # superseded
    statuses = [i["status"] for i in client.get(f"{API}/orgs/org-a/invitations", headers=owner).json()]
    assert statuses == ["revoked", "expired", "revoked", "accepted"]
    members = {m["email"]: m["role"] for m in client.get(f"{API}/orgs/org-a/members", headers=owner).json()}
    assert members["sam@example.org"] == "contributor"
    actions = audit_actions(database, org_a.org_id)
    assert actions.count("invitation.revoke") == 2 and actions.count("invitation.create") == 4

    member = client.post(
        f"{API}/orgs/org-a/invitations", headers=owner, json={"email": org_a.emails[Role.VIEWER], "role": "owner"}
    )
    assert member.status_code == 409
    for role in (Role.ASSESSOR, Role.VIEWER):
        refused = client.post(
            f"{API}/orgs/org-a/invitations",
            headers=token_for(org_a, role),
            json={"email": "x@example.org", "role": "owner"},
        )
        assert refused.status_code == 403
    no_admin_scope = token_for(org_a, Role.OWNER, ("read", "write"))
    assert client.get(f"{API}/orgs/org-a/invitations", headers=no_admin_scope).status_code == 403
    for body in (
        {"email": "a\x00@example.org", "role": "viewer"},
        {"email": "not-an-address", "role": "viewer"},
        {"email": "x@example.org", "role": "boss"},
    ):
        assert client.post(f"{API}/orgs/org-a/invitations", headers=owner, json=body).status_code == 422


def test_invitation_is_emailed_through_smtp(
    tmp_path: Path,
    database_url: str,
    org_a: OrgWithMembers,
    token_for: Any,
    smtp: tuple[Mailbox, int],
) -> None:
    mailbox, port = smtp
    settings = ServerSettings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key",
        smtp_host="127.0.0.1",
        smtp_port=port,
        smtp_starttls=False,
        smtp_from="aisma@example.test",
        public_url="https://aisma.example.test/",
    )
    app = create_app(settings)
    with TestClient(app) as client:
        made = invite(client, token_for(org_a), "mail@example.org", "viewer")
        assert made["sent"] is True and made["url"] is None and made["delivery"] == "email"
        assert len(mailbox.messages) == 1
        assert mailbox.messages[0].mail_from == "aisma@example.test"
        recipients, subject, text = mailbox.parsed(0)
        assert recipients == ["mail@example.org"] and subject == "You are invited to Org-A on aisma"
        assert "owner@org-a.example invited you to join Org-A on aisma as viewer" in text
        found = re.search(r"https://aisma\.example\.test(/invite/[A-Za-z0-9_-]+)", text)
        assert found, text
        assert sign_up(app, found.group(1))[1][1].status_code == 303

    broken = settings.model_copy(update={"smtp_port": closed_port()})
    with TestClient(create_app(broken)) as client:
        made = invite(client, token_for(org_a), "unlucky@example.org")
        assert made["sent"] is False and made["delivery"] == "shown" and made["send_error"]
        assert made["url"].startswith("https://aisma.example.test/invite/")


def test_owners_and_admins_create_organizations(
    app: Any, client: TestClient, org_a: OrgWithMembers, token_for: Any, database: Database
) -> None:
    session_client = TestClient(app)
    csrf = sign_in(session_client, org_a.emails[Role.OWNER])
    body = {"slug": "org-new", "name": "New Org"}
    assert session_client.post(f"{API}/orgs", json=body).status_code == 403  # no CSRF token
    made = session_client.post(f"{API}/orgs", json=body, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201, made.text
    assert made.json() == {"slug": "org-new", "name": "New Org", "model_id": "aisma-core", "role": "owner"}
    assert sorted(o["slug"] for o in session_client.get(f"{API}/orgs").json()) == ["org-a", "org-new"]
    assert session_client.post(f"{API}/orgs", json=body, headers={"X-CSRF-Token": csrf}).status_code == 409
    for bad in (
        {"slug": "Bad Slug", "name": "x"},
        {"slug": "ok", "name": ""},
        {"slug": "ok2", "name": "x", "model_id": "nope"},
    ):
        assert session_client.post(f"{API}/orgs", json=bad, headers={"X-CSRF-Token": csrf}).status_code == 422

    assessor = token_for(org_a, Role.ASSESSOR)
    assert client.post(f"{API}/orgs", json={"slug": "org-x", "name": "X"}, headers=assessor).status_code == 403
    read_only = token_for(org_a, Role.OWNER, ("read",))
    assert client.post(f"{API}/orgs", json={"slug": "org-x", "name": "X"}, headers=read_only).status_code == 403
    by_token = client.post(f"{API}/orgs", json={"slug": "org-t", "name": "T"}, headers=token_for(org_a))
    assert by_token.status_code == 201

    # A server admin with no organization at all may create one; a plain account may not.
    with database.transaction() as session:
        accounts.create_user(session, "admin@example.org", PASSWORD, is_admin=True)
        accounts.create_user(session, "plain@example.org", PASSWORD)
    plain = TestClient(app)
    plain_csrf = sign_in(plain, "plain@example.org")
    assert "Create an organization" not in plain.get("/orgs").text
    assert (
        plain.post(f"{API}/orgs", json={"slug": "p", "name": "P"}, headers={"X-CSRF-Token": plain_csrf}).status_code
        == 403
    )
    admin = TestClient(app)
    sign_in(admin, "admin@example.org")
    page = admin.get("/").text
    assert "Create an organization" in page
    created = admin.post(
        "/orgs",
        data={
            "slug": "bank",
            "name": "Northbridge Bank",
            "model_id": "aisma-core",
            "csrf_token": admin.get(f"{API}/me").json()["csrf_token"],
        },
        follow_redirects=False,
    )
    assert created.status_code == 303 and created.headers["location"] == "/orgs/bank?msg=org-created"
    assert admin.post("/orgs", data={"slug": "bank2", "name": "x", "csrf_token": "forged"}).status_code == 403
    taken = admin.post(
        "/orgs", data={"slug": "bank", "name": "Again", "csrf_token": admin.get(f"{API}/me").json()["csrf_token"]}
    )
    assert taken.status_code == 422 and "already exists" in taken.text and 'value="Again"' in taken.text
    with database.transaction(readonly=True) as session:
        created_rows = session.scalars(select(AuditEntry).where(AuditEntry.action == "organization.create")).all()
        assert {row.entity_id: row.actor for row in created_rows}["bank"] == "admin@example.org"


def test_a_disabled_account_is_locked_out_everywhere(
    app: Any, client: TestClient, org_a: OrgWithMembers, token_for: Any, database: Database
) -> None:
    email = org_a.emails[Role.ASSESSOR]
    token = token_for(org_a, Role.ASSESSOR)
    browser = TestClient(app)
    sign_in(browser, email)
    assert browser.get(f"{API}/me").status_code == 200 and client.get(f"{API}/me", headers=token).status_code == 200
    with database.transaction() as session:
        accounts.set_active(session, email, False, by="test")
    assert browser.get(f"{API}/me").status_code == 401
    assert client.get(f"{API}/orgs/org-a", headers=token).status_code == 401
    again = TestClient(app)
    again.get("/login")
    refused = again.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": again.cookies.get("aisma_login_csrf")}
    )
    assert refused.status_code == 401
    with database.transaction() as session:
        accounts.set_active(session, email, True, by="test")
    assert client.get(f"{API}/orgs/org-a", headers=token).status_code == 200  # tokens come back, sessions do not
    assert browser.get(f"{API}/me").status_code == 401
    with database.transaction(readonly=True) as session:
        actions = [r.action for r in session.scalars(select(AuditEntry).where(AuditEntry.entity_id == email))]
    assert actions[-2:] == ["user.disable", "user.enable"]


def test_the_administration_forms_need_the_csrf_token(app: Any, org_a: OrgWithMembers) -> None:
    browser = TestClient(app)
    csrf = sign_in(browser, org_a.emails[Role.OWNER])
    form = {"email": "form@example.org", "role": "viewer"}
    assert browser.post("/orgs/org-a/admin/invitations", data=form).status_code == 403
    shown = browser.post("/orgs/org-a/admin/invitations", data={**form, "csrf_token": csrf})
    assert shown.status_code == 200 and 'data-testid="invitation-link"' in shown.text
    assert "No mail server is set up (AISMA_SMTP_HOST)" in shown.text
    invitation_id = re.search(r'name="invitation_id" value="(\d+)"', shown.text)
    assert invitation_id
    revoke = {"invitation_id": invitation_id.group(1)}
    assert browser.post("/orgs/org-a/admin/invitations/revoke", data=revoke).status_code == 403
    done = browser.post(
        "/orgs/org-a/admin/invitations/revoke", data={**revoke, "csrf_token": csrf}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"].endswith("msg=invitation-revoked")
    again = browser.post(
        "/orgs/org-a/admin/invitations", data={"email": org_a.emails[Role.VIEWER], "role": "owner", "csrf_token": csrf}
    )
    assert again.status_code == 422 and "is already a member" in again.text and org_a.emails[Role.VIEWER] in again.text
    viewer = TestClient(app)
    viewer_csrf = sign_in(viewer, org_a.emails[Role.VIEWER])
    assert viewer.post("/orgs/org-a/admin/invitations", data={**form, "csrf_token": viewer_csrf}).status_code == 403
