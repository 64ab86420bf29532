"""Edit inventory.yaml in place, keeping its comments and order (workspaces live in git).

Reading for scoring uses the line-aware loader; editing uses ruamel.yaml's round-trip mode so a
command that records an Autonomy Test or imports systems changes only what it must. Every edit is
validated as a whole inventory before the file is replaced, and written atomically.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from aisma.errors import AismaError, InputError
from aisma.fileio import write_atomic
from aisma.inventory.schema import Inventory
from aisma.yamlfile import validated


def _yaml() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 110
    return yaml


class InventoryDocument:
    """inventory.yaml as an editable document."""

    def __init__(self, path: Path, data: CommentedMap) -> None:
        self.path = path
        self.data = data

    @classmethod
    def open(cls, path: Path) -> InventoryDocument:
        if not path.exists():
            data = CommentedMap()
            data["systems"] = CommentedSeq()
            return cls(path, data)
        try:
            loaded = _yaml().load(path.read_text(encoding="utf-8"))
        except Exception as exc:  # ruamel raises many types; the reader reports positions
            raise InputError(path, None, f"cannot be edited: {str(exc).splitlines()[0]}") from None
        if loaded is None:
            loaded = CommentedMap()
        if not isinstance(loaded, CommentedMap):
            raise InputError(path, 1, "expected a mapping with one key, systems")
        if loaded.get("systems") is None:
            loaded["systems"] = CommentedSeq()
        return cls(path, loaded)

    @property
    def systems(self) -> CommentedSeq:
        return self.data["systems"]  # type: ignore[no-any-return]

    def system(self, system_id: str) -> CommentedMap | None:
        return next((s for s in self.systems if isinstance(s, CommentedMap) and s.get("id") == system_id), None)

    def require(self, system_id: str) -> CommentedMap:
        found = self.system(system_id)
        if found is None:
            raise AismaError(f"no system {system_id!r} in {self.path}")
        return found

    def upsert(self, fields: Mapping[str, Any]) -> str:
        """Add a system, or update the given fields of the one with the same id; returns added/updated/unchanged."""
        current = self.system(str(fields["id"]))
        if current is None:
            entry = CommentedMap()
            for key, value in fields.items():
                entry[key] = _plain(value)
            self.systems.append(entry)
            return "added"
        changed = False
        for key, value in fields.items():
            if current.get(key) != value:
                current[key] = _plain(value)
                changed = True
        return "updated" if changed else "unchanged"

    def validated(self) -> Inventory:
        """The edited inventory as the schema sees it; errors name the system and field."""
        return validated(Inventory, _to_builtin(self.data), self.path, "systems", "system")

    def save(self) -> Inventory:
        """Validate, then replace the file atomically; returns the saved inventory."""
        inventory = self.validated()
        ids = [s.id for s in inventory.systems]
        duplicates = sorted({i for i in ids if ids.count(i) > 1})
        if duplicates:
            raise AismaError(f"{self.path}: system {duplicates[0]}: id is used twice")
        buffer = io.StringIO()
        _yaml().dump(self.data, buffer)
        write_atomic(self.path, buffer.getvalue())
        return inventory


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        out = CommentedMap()
        for key, item in value.items():
            out[key] = _plain(item)
        return out
    if isinstance(value, (list, tuple)):
        seq = CommentedSeq(_plain(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return value


def _to_builtin(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _to_builtin(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_to_builtin(v) for v in value]
    return value
