"""The server's settings are documented (docs/server.md), like the workspace's."""

from __future__ import annotations

from pathlib import Path

from aisma.server.auth import SCOPES, Role
from aisma.server.settings import ServerSettings

DOC = Path(__file__).parents[3] / "docs" / "server.md"


def test_every_setting_is_documented() -> None:
    text = DOC.read_text()
    for name in ServerSettings.model_fields:
        assert f"`AISMA_{name.upper()}`" in text, name


def test_every_role_and_scope_is_documented() -> None:
    text = DOC.read_text()
    for role in Role:
        assert f"| {role.value} |" in text, role
    for scope in SCOPES:
        assert f"`{scope}`" in text, scope
