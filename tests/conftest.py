"""Shared fixtures: copies of the small hand-written model and workspace in tests/data/mini."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of tests/data/mini; returns the workspace folder (model.yaml is beside it)."""
    target = tmp_path / "mini"
    shutil.copytree(DATA / "mini", target)
    return target / "ws"
