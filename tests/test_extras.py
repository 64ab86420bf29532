"""``pip install aisma`` is the CLI without the team server's packages (``aisma[server]`` adds them).

The proof runs the CLI in a child Python whose import system refuses every module of the server
extra, as an installation without it would: the core commands work and import none of them, and
the server commands stop with one line that names the extra.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import Any

import pytest

from aisma.cli.extras import SERVER_MODULES

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.slow  # the CLI in child processes with the server packages blocked

CHILD = """
import contextlib, importlib.abc, io, json, sys

BLOCKED = set(json.loads(sys.argv[1]))
tried = []


class NotInstalled(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            tried.append(name)
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None


sys.meta_path.insert(0, NotInstalled())
from aisma.cli.main import run

results = []
for argv in json.loads(sys.argv[2]):
    before, err = len(tried), io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
        code = run(argv)
    results.append({"argv": argv, "code": code, "err": err.getvalue(), "tried": tried[before:]})
loaded = sorted(m for m in sys.modules if m.split(".")[0] in BLOCKED)
print(json.dumps({"results": results, "loaded": loaded}))
"""


def run_without_server_extra(commands: list[list[str]], cwd: Path) -> dict[str, Any]:
    child = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(sorted(SERVER_MODULES)), json.dumps(commands)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "AISMA_DEBUG": ""},
        check=False,
    )
    assert child.returncode == 0, child.stderr[-2000:]
    result: dict[str, Any] = json.loads(child.stdout.splitlines()[-1])
    return result


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_the_cli_core_runs_without_the_server_packages(tmp_path: Path) -> None:
    shutil.copytree(DATA / "mini", tmp_path / "mini")
    ws = tmp_path / "mini" / "ws"
    core = [
        ["model", "validate", str(tmp_path / "mini" / "model.yaml")],
        ["assess", str(ws), "--format", "json", "--out", str(tmp_path / "result.json")],
        ["assess", str(ws), "--format", "html", "--out", str(tmp_path / "report.html")],
        ["collectors", "list"],
        ["roadmap", str(ws)],
        ["init", str(tmp_path / "fresh")],
    ]
    # aisma push is the client side: it needs httpx only, and gets as far as the (closed) server
    push = ["push", str(ws), "--server", f"http://127.0.0.1:{closed_port()}", "--token", "t"]
    outcome = run_without_server_extra([*core, push], tmp_path)
    for result in outcome["results"][: len(core)]:
        assert result["code"] == 0, result
        assert result["tried"] == [], result  # not even attempted
    pushed = outcome["results"][-1]
    assert pushed["code"] == 1 and "cannot reach the server" in pushed["err"], pushed
    assert outcome["loaded"] == []
    assert json.loads((tmp_path / "result.json").read_text())["overall"]


@pytest.mark.parametrize(
    "command",
    [
        ["serve", "--port", "1"],
        ["worker"],
        ["db", "upgrade"],
        ["audit", "verify"],
        ["server", "import", ".", "--org", "acme"],
    ],
)
def test_a_server_command_names_the_extra_in_one_line(tmp_path: Path, command: list[str]) -> None:
    (result,) = run_without_server_extra([command], tmp_path)["results"]
    assert result["code"] == 1, result
    lines = result["err"].strip().splitlines()
    assert len(lines) == 1, result["err"]
    assert re.fullmatch(
        r"aisma: error: this command needs the team server's packages \(\w+ is not installed\): "
        r"pip install 'aisma\[server\]'",
        lines[0],
    ), lines[0]
    assert result["tried"], "the command should have needed a server package"


def _requirement_name(requirement: str) -> str:
    return re.split(r"[\[<>=!~;\s]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_server_packages_are_an_extra_and_the_cli_knows_them_all() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    core = {_requirement_name(r) for r in project["dependencies"]}
    server = {_requirement_name(r) for r in project["optional-dependencies"]["server"]}
    assert core.isdisjoint(server)
    assert {"fastapi", "uvicorn", "sqlalchemy", "alembic", "psycopg", "procrastinate"} <= server
    provides: dict[str, set[str]] = {}
    for module, dists in packages_distributions().items():
        for dist in dists:
            provides.setdefault(dist.lower().replace("_", "-"), set()).add(module)
    for dist in server:
        modules = provides.get(dist, set())
        assert modules & SERVER_MODULES, f"{dist} provides {sorted(modules)}; add its import name to SERVER_MODULES"
