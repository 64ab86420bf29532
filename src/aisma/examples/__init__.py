"""The bundled example organization: a fictional mid-size bank used by ``aisma demo``.

Its evidence carries fixed dates, so the demo assesses it at a fixed time by default: the report
and the golden result stay the same on every machine and every day.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from pathlib import Path

from aisma.errors import AismaError
from aisma.fileio import write_atomic

DEMO_ASSESSED_AT = "2026-11-16T09:00:00+00:00"
MARKER = ".aisma-example"


def _files(root: Traversable, prefix: str = "") -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for entry in sorted(root.iterdir(), key=lambda e: e.name):
        name = f"{prefix}{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                out.extend(_files(entry, f"{name}/"))
        elif not entry.name.endswith((".py", ".pyc")):
            out.append((name, entry.read_bytes()))
    return out


def example_files() -> list[tuple[str, bytes]]:
    """(relative path, content) of every file of the example workspace."""
    return _files(resources.files("aisma.examples").joinpath("bank"))


def write_example(directory: Path, overwrite_demo: bool) -> None:
    """Write the example workspace; never over a workspace that is not an earlier copy of it."""
    if directory.exists() and not directory.is_dir():
        raise AismaError(f"{directory}: exists and is not a folder")
    is_workspace = (directory / "aisma.yaml").exists()
    is_example = (directory / MARKER).exists()
    if is_workspace and not is_example:
        raise AismaError(f"{directory}: holds a workspace that is not the example; choose another folder")
    if is_example and not overwrite_demo:
        raise AismaError(f"{directory}: already holds the example workspace")
    if directory.exists() and not is_example and any(directory.iterdir()):
        raise AismaError(f"{directory}: is not empty; choose a new or empty folder")
    for name, content in example_files():
        write_atomic(directory / name, content)
    write_atomic(directory / MARKER, "This folder was written by aisma demo / aisma init --example.\n")
