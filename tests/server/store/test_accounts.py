"""Accounts, memberships, sessions, rate limiting and API tokens against a real database."""

from __future__ import annotations

from datetime import timedelta

import pytest

from aisma.server import passwords
from aisma.server.auth import Role
from aisma.server.errors import Conflict, Forbidden, Invalid, NotFound
from aisma.store.db import Database
from aisma.store.repositories import tokens as repo
from aisma.store.types import utcnow
from aisma.web.features.admin import service as tokens
from aisma.web.features.organizations import service as accounts
from aisma.web.features.signin import ratelimit
from aisma.web.features.signin import service as sessions

from ..factories import PASSWORD, OrgWithMembers


def test_passwords_are_argon2id_and_authenticate(database: Database) -> None:
    with database.transaction() as s:
        user = accounts.create_user(s, "Alice@Example.org", "a long enough password")
        assert user.email == "alice@example.org"
        assert user.password_hash is not None and user.password_hash.startswith("$argon2id$")
    with database.transaction() as s:
        assert accounts.authenticate(s, "alice@example.org", "a long enough password") is not None
        assert accounts.authenticate(s, "ALICE@example.org ", "a long enough password") is not None
        assert accounts.authenticate(s, "alice@example.org", "wrong password!!") is None
        assert accounts.authenticate(s, "nobody@example.org", "a long enough password") is None


def test_rehash_on_login_when_parameters_change(database: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    from argon2 import PasswordHasher

    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1)
    with database.transaction() as s:
        user = accounts.create_user(s, "bob@example.org", None)
        user.password_hash = weak.hash(PASSWORD)
    with database.transaction() as s:
        again = accounts.authenticate(s, "bob@example.org", PASSWORD)
        assert again is not None and again.password_hash is not None
        assert not passwords.needs_rehash(again.password_hash)
        assert "m=8192" not in again.password_hash


def test_user_input_is_checked(database: Database) -> None:
    with database.transaction() as s:
        with pytest.raises(Invalid, match="email"):
            accounts.create_user(s, "not-an-email", "a long enough password")
        with pytest.raises(Invalid, match="password"):
            accounts.create_user(s, "c@example.org", "short")
        accounts.create_user(s, "c@example.org", "a long enough password")
        with pytest.raises(Conflict):
            accounts.create_user(s, "C@example.org", "a long enough password")
        with pytest.raises(Invalid, match="slug"):
            accounts.create_organization(s, "Bad Slug", "x")


def test_members_roles_and_last_owner(database: Database, org_a: OrgWithMembers) -> None:
    owner = org_a.actors[Role.OWNER]
    with database.transaction() as s:
        accounts.create_user(s, "new@example.org", None)
        member = accounts.add_member(s, owner, "new@example.org", Role.VIEWER)
        with pytest.raises(Conflict):
            accounts.add_member(s, owner, "new@example.org", Role.VIEWER)
        accounts.set_role(s, owner, member.user_id, Role.ASSESSOR)
        roles = {m.email: m.role for m in accounts.list_members(s, owner)}
        assert roles["new@example.org"] == Role.ASSESSOR and len(roles) == 5
        with pytest.raises(Forbidden, match="at least one owner"):
            accounts.set_role(s, owner, org_a.user_ids[Role.OWNER], Role.VIEWER)
        accounts.remove_member(s, owner, member.user_id)
        assert len(accounts.list_members(s, owner)) == 4


@pytest.mark.parametrize("role", [Role.ASSESSOR, Role.CONTRIBUTOR, Role.VIEWER])
def test_only_owners_manage_members_and_tokens(database: Database, org_a: OrgWithMembers, role: Role) -> None:
    actor = org_a.actors[role]
    with database.transaction() as s:
        with pytest.raises(Forbidden):
            accounts.add_member(s, actor, org_a.emails[Role.VIEWER], Role.OWNER)
        with pytest.raises(Forbidden):
            accounts.set_role(s, actor, org_a.user_ids[role], Role.OWNER)
        with pytest.raises(Forbidden):
            tokens.create_token(s, actor, "t", ["read"], None)
        with pytest.raises(Forbidden):
            tokens.list_tokens(s, actor)


def test_members_of_another_org_are_not_found(database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers) -> None:
    owner_a = org_a.actors[Role.OWNER]
    with database.transaction() as s:
        with pytest.raises(NotFound):
            accounts.set_role(s, owner_a, org_b.user_ids[Role.VIEWER], Role.OWNER)
        with pytest.raises(NotFound):
            accounts.remove_member(s, owner_a, org_b.user_ids[Role.VIEWER])
        user_b = accounts.get_user(s, org_b.user_ids[Role.OWNER])
        with pytest.raises(NotFound):
            accounts.actor_for(s, user_b, "org-a")
        with pytest.raises(NotFound):
            accounts.actor_for(s, user_b, "no-such-org")


def test_sessions_resolve_expire_and_revoke(database: Database, org_a: OrgWithMembers) -> None:
    with database.transaction() as s:
        user = accounts.get_user(s, org_a.user_ids[Role.VIEWER])
        new = sessions.create_session(s, user, 3600)
        short = sessions.create_session(s, user, 1)
    with database.transaction() as s:
        resolved = sessions.resolve_session(s, new.token)
        assert resolved is not None and resolved[0].id == user.id and resolved[1] == new.csrf
        assert sessions.resolve_session(s, "forged") is None
        assert sessions.resolve_session(s, "") is None
    with database.transaction() as s:
        from aisma.store.repositories import logins

        row = logins.get_session(s, sessions.token_hash(short.token))
        assert row is not None
        row.expires_at = utcnow() - timedelta(seconds=1)
    with database.transaction() as s:
        assert sessions.resolve_session(s, short.token) is None
        sessions.revoke(s, new.token)
    with database.transaction() as s:
        assert sessions.resolve_session(s, new.token) is None


def test_rate_limit_counts_failures_per_key(database: Database) -> None:
    with database.transaction() as s:
        for _ in range(3):
            assert ratelimit.check_login_allowed(s, "ip:10.0.0.1", max_failures=3)
            ratelimit.record_failure(s, "ip:10.0.0.1")
        assert not ratelimit.check_login_allowed(s, "ip:10.0.0.1", max_failures=3)
        assert ratelimit.check_login_allowed(s, "ip:10.0.0.2", max_failures=3)
        ratelimit.record_success(s, "ip:10.0.0.1")
        assert ratelimit.check_login_allowed(s, "ip:10.0.0.1", max_failures=3)


def test_tokens_scope_expire_and_revoke(database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers) -> None:
    owner = org_a.actors[Role.OWNER]
    with database.transaction() as s:
        record, plain = tokens.create_token(s, owner, "ci push", ["push"], utcnow() + timedelta(days=1))
        _, expired_plain = tokens.create_token(s, owner, "old", ["read"], utcnow() + timedelta(seconds=1))
        with pytest.raises(Invalid, match="scopes"):
            tokens.create_token(s, owner, "bad", ["everything"], None)
        with pytest.raises(Invalid, match="expires_at"):
            tokens.create_token(s, owner, "past", ["read"], utcnow() - timedelta(days=1))
    assert plain.startswith("aisma_") and record.prefix == plain[: len(record.prefix)]
    with database.transaction() as s:
        stored = repo.get(s, owner.org_id, record.id)
        assert stored is not None and stored.token_hash == sessions.token_hash(plain) != plain
    with database.transaction() as s:
        actor = tokens.resolve_token(s, plain)
        assert actor is not None and actor.via == "token" and actor.org_slug == "org-a" and actor.scopes == ("push",)
        from aisma.server.auth import Permission

        assert actor.can(Permission.PUSH_MEASUREMENTS) and not actor.can(Permission.ANSWER)
        assert tokens.resolve_token(s, plain + "x") is None
        assert tokens.resolve_token(s, "garbage") is None

        expired = repo.get_by_hash(s, sessions.token_hash(expired_plain))
        assert expired is not None
        expired.expires_at = utcnow() - timedelta(seconds=1)
    with database.transaction() as s:
        assert tokens.resolve_token(s, expired_plain) is None
        with pytest.raises(NotFound):
            tokens.revoke_token(s, org_b.actors[Role.OWNER], record.id)
        tokens.revoke_token(s, owner, record.id)
    with database.transaction() as s:
        assert tokens.resolve_token(s, plain) is None
        assert [t.revoked for t in tokens.list_tokens(s, owner)] == [True, False]
        assert tokens.list_tokens(s, org_b.actors[Role.OWNER]) == []
