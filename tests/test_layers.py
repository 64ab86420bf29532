"""The import contracts in pyproject.toml hold, and they would catch an import that points up.

``make test`` runs ``lint-imports`` on the real tree; these tests plant a bad import in a copy of
the package and check the linter refuses it, naming the import, so a contract that quietly stopped
checking anything (a renamed layer, a typo) fails here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"

pytestmark = pytest.mark.slow


def lint_imports(src: Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    shutil.copyfile(ROOT / "pyproject.toml", cwd / "pyproject.toml")
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(src)},
        check=False,
    )


def planted(tmp_path: Path, module: str, line: str) -> subprocess.CompletedProcess[str]:
    src = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "aisma", src / "aisma", ignore=shutil.ignore_patterns("__pycache__"))
    target = src / "aisma" / module
    target.write_text(target.read_text() + f"\n{line}\n")
    return lint_imports(src, tmp_path)


def test_the_tree_keeps_every_contract(tmp_path: Path) -> None:
    checked = lint_imports(ROOT / "src", tmp_path)
    assert checked.returncode == 0, checked.stdout[-3000:]
    assert "Contracts: 2 kept, 0 broken." in checked.stdout


@pytest.mark.parametrize(
    ("module", "line", "reported"),
    [
        ("records.py", "import aisma.cli.main", "aisma.records -> aisma.cli.main"),
        ("scoring/engine.py", "from aisma.roadmap import plan", "aisma.scoring.engine -> aisma.roadmap.plan"),
        ("maturity/loader.py", "from aisma.workspace import loader", "aisma.maturity.loader -> aisma.workspace.loader"),
        ("reports/html.py", "import fastapi", "aisma.reports.html -> fastapi"),
    ],
)
def test_an_import_that_points_up_is_refused(tmp_path: Path, module: str, line: str, reported: str) -> None:
    checked = planted(tmp_path, module, line)
    assert checked.returncode == 1, checked.stdout[-3000:]
    assert "BROKEN" in checked.stdout and reported in checked.stdout, checked.stdout[-3000:]
