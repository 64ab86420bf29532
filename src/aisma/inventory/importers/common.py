"""What the importers share: finding the workspace's inventory and reading input files safely.

Input files come from other tools and other people, so every read is size-capped and every
failure (missing, a folder, not UTF-8, not JSON) becomes a one-line ``file:line: message`` error.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from aisma.errors import AismaError, InputError
from aisma.inventory.edit import InventoryDocument
from aisma.layout import CONFIG_FILE, INVENTORY_FILE

MB = 1024 * 1024


def open_inventory(directory: Path) -> InventoryDocument:
    """The workspace's inventory.yaml, opened for editing; the folder must be a workspace."""
    if not directory.is_dir():
        raise AismaError(f"{directory}: no such workspace folder (create one with: aisma init {directory})")
    if not (directory / CONFIG_FILE).is_file():
        raise AismaError(
            f"{directory}: not a workspace, {CONFIG_FILE} is missing (create one with: aisma init {directory})"
        )
    return InventoryDocument.open(directory / INVENTORY_FILE)


def read_bytes(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing files over ``limit`` bytes before reading them."""
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError(path, None, "is a folder, expected a file")
        if size > limit:
            raise InputError(path, None, f"file is {size} bytes; at most {limit // MB} MB are read")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(path, None, "no such file") from None
    except OSError as exc:
        raise InputError(path, None, f"cannot be read ({exc.strerror})") from None


def decode_text(path: Path, data: bytes) -> str:
    """UTF-8 text (a leading byte-order mark is dropped, as spreadsheet programs write one)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, line, "is not UTF-8 text") from None


def parse_json(path: Path, text: str) -> Any:
    """Parse JSON; a syntax error names the line (and column) where the parser stopped."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        hint = " (an XML file? only JSON is read)" if text.lstrip().startswith("<") else ""
        raise InputError(path, exc.lineno, f"invalid JSON: {exc.msg} at column {exc.colno}{hint}") from None
    except RecursionError:
        raise InputError(path, None, "invalid JSON: nested too deeply") from None


def workspace_relative(path: Path, root: Path) -> str | None:
    """``path`` relative to the workspace root (POSIX separators, as stored in YAML), or None if outside."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None
