"""Who is acting (``Actor``) and what each role and token scope may do.

Permissions are checked in the services, never only in the web layer, so the API, the pages and the
CLI cannot disagree about who may do what.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from aisma.server.errors import Forbidden


class Role(StrEnum):
    """Membership roles, from most to least powerful."""

    OWNER = "owner"
    ASSESSOR = "assessor"
    CONTRIBUTOR = "contributor"
    VIEWER = "viewer"


class Permission(StrEnum):
    READ = "read"
    ANSWER = "answer"  # contributors only for the systems/categories they own (checked by the answers service)
    REVIEW_EVIDENCE = "review_evidence"  # accept or reject the evidence an answer cites (never one's own)
    UPLOAD_EVIDENCE = "upload_evidence"
    EDIT_INVENTORY = "edit_inventory"
    RUN_ASSESSMENT = "run_assessment"
    PUSH_MEASUREMENTS = "push_measurements"
    MANAGE_MEMBERS = "manage_members"
    MANAGE_TOKENS = "manage_tokens"
    IMPORT_EXPORT = "import_export"
    MANAGE_FRAMEWORKS = "manage_frameworks"  # import and delete frameworks and their mapping sets (owners)


_ALL = frozenset(Permission)
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: _ALL,
    Role.ASSESSOR: frozenset(
        {
            Permission.READ,
            Permission.ANSWER,
            Permission.REVIEW_EVIDENCE,
            Permission.UPLOAD_EVIDENCE,
            Permission.EDIT_INVENTORY,
            Permission.RUN_ASSESSMENT,
            Permission.PUSH_MEASUREMENTS,
        }
    ),
    Role.CONTRIBUTOR: frozenset({Permission.READ, Permission.ANSWER, Permission.UPLOAD_EVIDENCE}),
    Role.VIEWER: frozenset({Permission.READ}),
}

# Token scopes: a token can do what its scopes name AND its role allows.
SCOPE_PERMISSIONS: dict[str, frozenset[Permission]] = {
    "read": frozenset({Permission.READ}),
    "write": frozenset(
        {
            Permission.ANSWER,
            Permission.REVIEW_EVIDENCE,
            Permission.UPLOAD_EVIDENCE,
            Permission.EDIT_INVENTORY,
            Permission.RUN_ASSESSMENT,
        }
    ),
    "push": frozenset({Permission.PUSH_MEASUREMENTS, Permission.UPLOAD_EVIDENCE}),
    "admin": frozenset(
        {Permission.MANAGE_MEMBERS, Permission.MANAGE_TOKENS, Permission.IMPORT_EXPORT, Permission.MANAGE_FRAMEWORKS}
    ),
}
SCOPES: tuple[str, ...] = tuple(SCOPE_PERMISSIONS)


@dataclass(frozen=True)
class Actor:
    """A user acting in one organization, through a login session or an API token."""

    user_id: int
    org_id: int
    org_slug: str
    role: Role
    via: Literal["session", "token", "system"] = "session"
    scopes: tuple[str, ...] = ()
    email: str = ""

    def can(self, permission: Permission) -> bool:
        if permission not in ROLE_PERMISSIONS[self.role]:
            return False
        if self.via != "token":
            return True
        return any(permission in SCOPE_PERMISSIONS.get(scope, frozenset()) for scope in self.scopes)

    def require(self, permission: Permission) -> None:
        """Raise ``Forbidden`` unless the role (and for tokens, a scope) allows ``permission``."""
        if not self.can(permission):
            how = f"token scopes {','.join(self.scopes) or '(none)'}" if self.via == "token" else "role"
            raise Forbidden(f"{self.role.value} ({how}) may not {permission.value.replace('_', ' ')}")

    @property
    def label(self) -> str:
        """How the audit trail names this actor."""
        who = self.email or f"user:{self.user_id}"
        return f"{who} (token)" if self.via == "token" else who
