"""First-run admin creation and the db / audit / server CLI commands on a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.examples import write_example
from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.store.repositories import organizations as orgs_repo
from aisma.web.features.organizations import bootstrap
from aisma.web.features.organizations import service as accounts


def test_ensure_admin_once(database: Database) -> None:
    with database.transaction() as s:
        created = bootstrap.ensure_admin(s)
    assert created is not None and created.generated_password and created.email == "admin@localhost"
    with database.transaction() as s:
        assert bootstrap.ensure_admin(s, "other@example.org", "another long password") is None
        user = accounts.authenticate(s, "admin@localhost", created.generated_password)
        assert user is not None and user.is_admin
        assert accounts.actor_for(s, user, created.org_slug).role == Role.OWNER


def test_ensure_admin_with_given_password(database: Database) -> None:
    with database.transaction() as s:
        created = bootstrap.ensure_admin(s, "Root@Example.org", "a long enough password", "acme", "Acme")
    assert created is not None and created.generated_password is None and created.org_slug == "acme"


def test_cli_db_audit_import_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AISMA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISMA_DATABASE_URL", raising=False)
    assert run(["db", "current"]) == 0
    assert "base (empty)" in capsys.readouterr().out
    assert run(["db", "upgrade"]) == 0
    assert run(["db", "current"]) == 0
    assert "up to date" in capsys.readouterr().out
    write_example(tmp_path / "bank", overwrite_demo=False)
    assert run(["server", "import", str(tmp_path / "bank"), "--org", "bank", "--no-collect"]) == 0
    assert "14 systems" in capsys.readouterr().out
    assert run(["server", "import", str(tmp_path / "bank"), "--org", "bank", "--no-collect"]) == 1
    assert "already holds data" in capsys.readouterr().err
    assert run(["server", "export", "bank", str(tmp_path / "out")]) == 0
    assert (tmp_path / "out" / "evidence" / "policies" / "ai-security-policy.md").is_file()
    assert run(["server", "export", "nope", str(tmp_path / "out2")]) == 1
    assert "organization nope not found" in capsys.readouterr().err
    assert run(["audit", "verify"]) == 0
    assert "audit trail intact" in capsys.readouterr().out
    import sqlite3

    with sqlite3.connect(tmp_path / "data" / "aisma.db") as connection:
        connection.execute("UPDATE audit_log SET actor = 'mallory' WHERE seq = 5")
    assert run(["audit", "verify"]) == 1
    assert "seq 5 was changed" in capsys.readouterr().err
    assert run(["db", "downgrade", "base"]) == 0
    assert run(["db", "upgrade", "--database-url", "postgresql://nobody@127.0.0.1:1/x"]) == 1
    assert "database postgresql+psycopg://nobody@127.0.0.1:1/x:" in capsys.readouterr().err


def test_import_before_the_first_serve_makes_the_admin_its_owner(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fresh server: the import creates the first admin (as serve would), who owns the imported org."""
    from aisma.web.serve import prepare

    monkeypatch.setenv("AISMA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISMA_DATABASE_URL", raising=False)
    monkeypatch.setenv("AISMA_ADMIN_EMAIL", "ciso@bank.example")
    monkeypatch.delenv("AISMA_ADMIN_PASSWORD", raising=False)
    write_example(tmp_path / "bank", overwrite_demo=False)
    assert run(["server", "import", str(tmp_path / "bank"), "--org", "bank", "--no-collect"]) == 0
    out = capsys.readouterr().out
    assert "owner ciso@bank.example" in out and "one-time password: " in out
    password = out.split("one-time password: ")[1].split()[0]
    assert not any("created the first admin" in line for line in prepare()), "serve must not make a second admin"
    database = Database(f"sqlite:///{tmp_path / 'data' / 'aisma.db'}")
    try:
        with database.transaction() as s:
            user = accounts.authenticate(s, "ciso@bank.example", password)
            assert user is not None and user.is_admin
            assert accounts.actor_for(s, user, "bank").role == Role.OWNER
            # the imported organization is the admin's only one: no empty "My organization" beside it
            assert [org.slug for org, _role in accounts.organizations_of(s, user.id)] == ["bank"]
            assert orgs_repo.get_by_slug(s, "default") is None
    finally:
        database.dispose()


def test_import_owner_default_first_admin_and_named(database: Database) -> None:
    with database.transaction() as s:
        first = bootstrap.ensure_admin(s, "root@example.org", "a long enough password")
        assert first is not None
        user, chosen = bootstrap.import_owner(s)
        assert user.email == "root@example.org" and chosen.created is None
        other, made = bootstrap.import_owner(s, "Analyst@Example.org")
        assert other.email == "analyst@example.org" and not other.is_admin
        assert made.created is not None and made.created.generated_password
        again, chosen = bootstrap.import_owner(s, "analyst@example.org")
        assert again.id == other.id and chosen.created is None


def test_import_with_owner_over_http(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, database_url: str) -> None:
    """The owner named at import opens the organization through the API (no 404)."""
    from fastapi.testclient import TestClient

    from aisma.server.settings import ServerSettings
    from aisma.web.app import create_app
    from aisma.web.features.admin import service as tokens
    from aisma.web.features.transfer import service as transfer

    write_example(tmp_path / "bank", overwrite_demo=False)
    database = Database(database_url)
    try:
        with database.transaction() as s:
            bootstrap.ensure_admin(s, "root@example.org", "a long enough password")
            owner, _ = bootstrap.import_owner(s)
            transfer.import_workspace(s, tmp_path / "bank", "bank", tmp_path / "ev", collect=False, owner=owner)
            actor = accounts.actor_for(s, owner, "bank")
            _row, token = tokens.create_token(s, actor, "t", ["read"], None)
    finally:
        database.dispose()
    settings = ServerSettings(data_dir=tmp_path / "data", database_url=database_url, secret_key="k")
    with TestClient(create_app(settings)) as client:
        answer = client.get("/api/v1/orgs/bank", headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200 and answer.json()["role"] == "owner"


def test_audit_checkpoint_file_catches_a_rollback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Rows and heads both removed (a restored old backup): the file kept outside the database still knows."""
    import sqlite3

    monkeypatch.setenv("AISMA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISMA_DATABASE_URL", raising=False)
    write_example(tmp_path / "bank", overwrite_demo=False)
    assert run(["server", "import", str(tmp_path / "bank"), "--org", "bank", "--no-collect"]) == 0
    checkpoint = tmp_path / "audit-checkpoint.json"
    assert run(["audit", "verify", "--checkpoint", str(checkpoint)]) == 0
    assert checkpoint.is_file() and "rows in 2 chains verified" in capsys.readouterr().out
    with sqlite3.connect(tmp_path / "data" / "aisma.db") as connection:
        chain, last = connection.execute("SELECT chain, max(seq) FROM audit_log WHERE chain > 0").fetchone()
        connection.execute("DELETE FROM audit_log WHERE chain = ? AND seq > ?", (chain, last - 3))
        connection.execute("DELETE FROM audit_heads WHERE chain = ?", (chain,))
    assert run(["audit", "verify"]) == 1
    assert "signed checkpoint (audit_heads) is gone" in capsys.readouterr().err
    from aisma.web.features.audit.service import sign

    key = (tmp_path / "data" / "secret.key").read_text().strip()
    with sqlite3.connect(tmp_path / "data" / "aisma.db") as connection:  # a consistent rollback of both, signed
        row = connection.execute("SELECT hash FROM audit_log WHERE chain = ? AND seq = ?", (chain, last - 3)).fetchone()
        connection.execute(
            "INSERT INTO audit_heads (chain, seq, hash, signature, updated_at) VALUES (?, ?, ?, ?, '2026-01-01')",
            (chain, last - 3, row[0], sign(key, chain, last - 3, row[0])),
        )
    assert run(["audit", "verify"]) == 0, "the database alone looks intact now"
    capsys.readouterr()
    assert run(["audit", "verify", "--checkpoint", str(checkpoint)]) == 1
    assert f"rows after seq {last - 3} were deleted (the checkpoint file says {last})" in capsys.readouterr().err
