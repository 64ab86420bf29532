"""Tie identifiers seen in tool output (model ids, ARNs, agent ids, endpoints) to inventory systems.

A system's ``match`` patterns are shell-style globs, compared case-insensitively; the system id
itself also matches. Kept tiny and pure because scoring, discovery and every collector use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

from aisma.inventory.schema import AISystem


def matches(system: AISystem, identifier: str) -> bool:
    value = identifier.casefold()
    if value == system.id.casefold():
        return True
    return any(fnmatchcase(value, pattern.casefold()) for pattern in system.match)


def find_system(systems: Sequence[AISystem], identifier: str) -> AISystem | None:
    """The first system (in inventory order) whose patterns match the identifier."""
    return next((s for s in systems if matches(s, identifier)), None)
