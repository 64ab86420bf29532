"""Shared test values and the organization factory's result type (importable: ``from ..factories import``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from aisma.server.auth import Actor, Role

PASSWORD = "correct horse battery staple"


@dataclass
class OrgWithMembers:
    """An organization with one user per role; ``actors[role]`` acts through a login session."""

    org_id: int
    slug: str
    user_ids: dict[Role, int] = field(default_factory=dict)
    emails: dict[Role, str] = field(default_factory=dict)
    actors: dict[Role, Actor] = field(default_factory=dict)
