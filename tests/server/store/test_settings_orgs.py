"""Server settings, organization settings, OIDC account linking and the audit anchor."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from aisma.server.auth import Role
from aisma.server.errors import Conflict, Invalid
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.features.answers import service as answers
from aisma.web.features.audit import service as audit
from aisma.web.features.organizations import service as accounts

from ..factories import OrgWithMembers


def test_settings_defaults_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AISMA_DATABASE_URL", "AISMA_EVIDENCE_DIR", "AISMA_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AISMA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("AISMA_SECURE_COOKIES", "true")
    settings = ServerSettings()
    assert settings.database_url == f"sqlite:///{tmp_path / 'data' / 'aisma.db'}"
    assert settings.evidence_path == tmp_path / "data" / "evidence"
    assert settings.secure_cookies and settings.max_upload_bytes == 25 * 1024 * 1024
    key = settings.resolved_secret_key()
    path = tmp_path / "data" / "secret.key"
    assert len(key) > 40 and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ServerSettings().resolved_secret_key() == key  # kept, so every worker signs alike
    monkeypatch.setenv("AISMA_SECRET_KEY", "from-the-environment")
    assert ServerSettings().resolved_secret_key() == "from-the-environment"


def test_update_organization_checks_settings(database: Database, org_a: OrgWithMembers) -> None:
    owner = org_a.actors[Role.OWNER]
    good = {"organization": "Acme", "model": "aisma-core", "targets": {"default": 2, "categories": {"MCP": 4}}}
    with database.transaction() as s:
        org = accounts.update_organization(s, owner, name="Acme Corp", settings=good)
        assert org.name == "Acme Corp" and org.settings["targets"]["categories"] == {"MCP": 4}
        with pytest.raises(Invalid, match=r"settings\.targets.categories.NOPE"):
            accounts.update_organization(s, owner, settings={**good, "targets": {"categories": {"NOPE": 2}}})
        with pytest.raises(Invalid, match=r"settings\.targets.categories.MCP"):
            accounts.update_organization(s, owner, settings={**good, "targets": {"categories": {"MCP": 9}}})
        with pytest.raises(Invalid, match=r"settings\.surprise"):
            accounts.update_organization(s, owner, settings={**good, "surprise": 1})
        with pytest.raises(Invalid, match="model"):
            accounts.update_organization(s, owner, settings={**good, "model": "not-installed"})
        with pytest.raises(Invalid, match=r"collectors\.inventory"):
            accounts.update_organization(s, owner, settings={**good, "collectors": {"inventory": {"x": 1}}})


def test_oidc_accounts_link_by_subject_then_email(database: Database, org_a: OrgWithMembers) -> None:
    with database.transaction() as s:
        fresh = accounts.user_for_oidc(s, "sub-1", "New.Person@Example.org", "New Person")
        assert fresh.email == "new.person@example.org" and fresh.password_hash is None
        assert accounts.user_for_oidc(s, "sub-1", "ignored@example.org").id == fresh.id
        linked = accounts.user_for_oidc(s, "sub-2", org_a.emails[Role.VIEWER])
        assert linked.id == org_a.user_ids[Role.VIEWER]
        with pytest.raises(Conflict):
            accounts.user_for_oidc(s, "sub-3", org_a.emails[Role.VIEWER])
        assert accounts.authenticate(s, "new.person@example.org", "") is None


def test_anchor_catches_a_truncated_tail(database: Database, org_a: OrgWithMembers) -> None:
    with database.transaction() as s:
        answers.save_answer(s, org_a.actors[Role.OWNER], "GOV-1.1", "not")
    with database.transaction(readonly=True) as s:
        anchored = audit.verify(s)
    assert anchored.ok
    with database.transaction() as s:
        answers.save_answer(s, org_a.actors[Role.OWNER], "GOV-1.1", "fully", expected_version=1)
    with database.transaction(readonly=True) as s:
        assert audit.verify(s, anchored.head).ok
    with database.transaction() as s:
        first = s.execute(text("SELECT id FROM audit_log WHERE hash = :h"), {"h": anchored.head}).scalar_one()
        s.execute(text("DELETE FROM audit_log WHERE id >= :id"), {"id": first})
    with database.transaction(readonly=True) as s:
        plain = audit.verify(s)  # a shorter chain is consistent in itself, but its signed head knows better
        report = audit.verify(s, anchored.head)
    assert not plain.ok and "were deleted" in plain.problem
    assert not report.ok
