"""A framework: requirements with ids, titles, text and a hierarchy, and the source and license it
came under (kept with every import so a report can say where the text is from and what may be done
with it)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Requirement:
    id: str
    title: str
    text: str = ""
    parent: str | None = None
    kind: str = "requirement"
    assessable: bool = True  # False for headings and informative text (CISO Assistant's assessable: false)


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    source: str
    license: str
    requirements: tuple[Requirement, ...]
    version: str = ""
    origin: str = "built-in"  # "built-in", or the file it was read from
    _index: dict[str, Requirement] = field(default_factory=dict, compare=False, repr=False)
    _children: dict[str | None, list[Requirement]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._index.update({r.id: r for r in self.requirements})
        for r in self.requirements:
            self._children.setdefault(r.parent, []).append(r)

    def get(self, requirement_id: str) -> Requirement | None:
        return self._index.get(requirement_id)

    def ids(self) -> frozenset[str]:
        return frozenset(self._index)

    def children(self, requirement_id: str | None) -> tuple[Requirement, ...]:
        return tuple(self._children.get(requirement_id, ()))

    def roots(self) -> tuple[Requirement, ...]:
        """Top-level requirements (also those whose parent is not in the framework)."""
        return tuple(r for r in self.requirements if r.parent is None or r.parent not in self._index)
