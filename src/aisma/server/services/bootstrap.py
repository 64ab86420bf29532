"""First run: create the administrator account and a first organization when there are no users."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from aisma.server.auth import Role
from aisma.server.services import accounts
from aisma.store.repositories import audit as audit_repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import users as users_repo

DEFAULT_ADMIN_EMAIL = "admin@localhost"


@dataclass(frozen=True)
class AdminCreated:
    email: str
    generated_password: str | None  # shown once when no password was given; None when one was
    org_slug: str


def ensure_admin(
    session: Session,
    email: str | None = None,
    password: str | None = None,
    org_slug: str = "default",
    org_name: str = "My organization",
) -> AdminCreated | None:
    """Create the first user (server admin, owner of ``org_slug``) if there is none; else do nothing.

    Safe when several workers start at once: the check runs under the audit chain's lock.
    """
    audit_repo.lock_chain(session)
    if users_repo.count(session) > 0:
        return None
    generated = None if password else secrets.token_urlsafe(18)
    user = accounts.create_user(
        session, email or DEFAULT_ADMIN_EMAIL, password or generated, "Administrator", is_admin=True
    )
    org = orgs_repo.get_by_slug(session, org_slug) or accounts.create_organization(session, org_slug, org_name)
    accounts.add_member_unchecked(session, org, user, Role.OWNER)
    return AdminCreated(user.email, generated, org.slug)
