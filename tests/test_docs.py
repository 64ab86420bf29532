"""Docs are checked against the code: commands, settings and entry-point groups must be documented."""

from __future__ import annotations

import tomllib
from pathlib import Path

from aisma.cli.main import build_app
from aisma.cli.reference import cli_reference
from aisma.inventory.schema import AISystem
from aisma.workspace.config import TargetsConfig, WorkspaceConfig

ROOT = Path(__file__).parent.parent


def test_cli_reference_is_current() -> None:
    assert (ROOT / "docs" / "cli.md").read_text() == cli_reference(build_app()), "run: make docs"


def test_every_workspace_setting_is_documented() -> None:
    text = (ROOT / "docs" / "workspace.md").read_text()
    for name in WorkspaceConfig.model_fields:
        if name == "targets":
            for sub in TargetsConfig.model_fields:
                assert f"`targets.{sub}`" in text, sub
        else:
            assert f"`{name}`" in text, name


def test_every_inventory_field_is_documented() -> None:
    text = (ROOT / "docs" / "workspace.md").read_text()
    for name in AISystem.model_fields:
        assert f"{name}:" in text, name


def test_every_entry_point_group_is_documented() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    readme = (ROOT / "README.md").read_text()
    for group in project.get("entry-points", {}):
        assert f"`{group}`" in readme, group


def test_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```")[1]
    assert "make demo" in first_block and "make test" in first_block
