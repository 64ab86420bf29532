"""``aisma user add|list|disable|enable`` and ``aisma member add`` against the server database (SQLite
and PostgreSQL), as an administrator at the server runs them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.organizations import service as accounts
from aisma.web.features.signin import service as sessions


@pytest.fixture
def cli_env(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AISMA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AISMA_DATABASE_URL", database_url)
    monkeypatch.delenv("AISMA_USER_PASSWORD", raising=False)
    return database_url


def test_user_add_list_disable_and_member_add(
    cli_env: str, database: Database, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with database.transaction() as session:
        accounts.create_organization(session, "bank", "Northbridge Bank")
    assert run(["user", "add", "Ana@Example.org", "--name", "Ana"]) == 0
    out = capsys.readouterr().out
    assert "created the account ana@example.org" in out
    found = re.search(r"one-time password: (\S+)", out)
    assert found
    assert run(["member", "add", "bank", "ana@example.org", "--role", "assessor"]) == 0
    assert "added ana@example.org to bank as assessor" in capsys.readouterr().out

    monkeypatch.setenv("AISMA_USER_PASSWORD", "a password from the environment")
    assert run(["user", "add", "root@example.org", "--admin"]) == 0
    assert "one-time password" not in capsys.readouterr().out
    monkeypatch.delenv("AISMA_USER_PASSWORD")
    assert run(["user", "add", "sso@example.org", "--sso-only"]) == 0
    assert "one-time password" not in capsys.readouterr().out

    with database.transaction() as session:
        ana = accounts.authenticate(session, "ana@example.org", found.group(1))
        assert ana is not None
        assert accounts.actor_for(session, ana, "bank").role == Role.ASSESSOR
        assert accounts.authenticate(session, "root@example.org", "a password from the environment") is not None
        signed_in = sessions.create_session(session, ana, 3600)

    assert run(["user", "list"]) == 0
    listed = capsys.readouterr()
    lines = listed.out.splitlines()
    assert lines == [
        "ana@example.org\tactive\tpassword\tbank:assessor",
        "root@example.org\tactive admin\tpassword\t-",
        "sso@example.org\tactive\tnone\t-",
    ]
    assert "3 accounts" in listed.err

    assert run(["user", "disable", "ana@example.org"]) == 0
    assert "disabled ana@example.org" in capsys.readouterr().out
    with database.transaction() as session:
        assert sessions.resolve_session(session, signed_in.token) is None
        assert accounts.authenticate(session, "ana@example.org", found.group(1)) is None
    assert run(["user", "list"]) == 0
    assert "ana@example.org\tdisabled\tpassword\tbank:assessor" in capsys.readouterr().out
    assert run(["user", "enable", "ana@example.org"]) == 0
    with database.transaction() as session:
        assert accounts.authenticate(session, "ana@example.org", found.group(1)) is not None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["user", "add", "not-an-address"], "is not an email address"),
        (["user", "add", "dup@example.org"], "user dup@example.org already exists"),
        (["user", "disable", "ghost@example.org"], "user ghost@example.org not found"),
        (["member", "add", "nope", "dup@example.org"], "organization nope not found"),
        (["member", "add", "bank", "ghost@example.org"], "user ghost@example.org not found"),
        (["member", "add", "bank", "dup@example.org", "--role", "boss"], "--role: expected one of"),
        (["member", "add", "bank", "dup@example.org", "--role", "viewer"], "already a member of bank"),
    ],
)
def test_mistakes_are_one_line_errors(
    cli_env: str, database: Database, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    with database.transaction() as session:
        org = accounts.create_organization(session, "bank", "Northbridge Bank")
        user = accounts.create_user(session, "dup@example.org", None)
        accounts.add_member_unchecked(session, org, user, Role.VIEWER)
    capsys.readouterr()
    assert run(argv) == 1
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_a_wrong_server_setting_is_one_line(
    cli_env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AISMA_OIDC_GROUP_ROLES", "sec-team=bank")
    assert run(["user", "list"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == (
        "aisma: error: AISMA_OIDC_GROUP_ROLES entry 'sec-team=bank': expected group=org:role "
        "with role one of owner, assessor, contributor, viewer"
    )
    monkeypatch.delenv("AISMA_OIDC_GROUP_ROLES")
    monkeypatch.setenv("AISMA_INVITATION_MAX_AGE_HOURS", "0")
    assert run(["user", "list"]) == 1
    assert capsys.readouterr().err.startswith("aisma: error: AISMA_INVITATION_MAX_AGE_HOURS: ")
