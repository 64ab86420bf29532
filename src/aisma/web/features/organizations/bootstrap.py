"""First run: create the administrator account and a first organization when there are no users."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy.orm import Session

from aisma.server.auth import Role
from aisma.server.errors import Invalid, NotFound
from aisma.store.repositories import audit as audit_repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import users as users_repo
from aisma.store.tables import User
from aisma.web.features.organizations import service as accounts

DEFAULT_ADMIN_EMAIL = "admin@localhost"


@dataclass(frozen=True)
class AdminCreated:
    email: str
    generated_password: str | None  # shown once when no password was given; None when one was
    org_slug: str  # the organization made for them; "" when none was (an import brings its own)


def ensure_admin(
    session: Session,
    email: str | None = None,
    password: str | None = None,
    org_slug: str = "default",
    org_name: str = "My organization",
    *,
    first_organization: bool = True,
) -> AdminCreated | None:
    """Create the first user (server admin, owner of ``org_slug``) if there is none; else do nothing.

    ``first_organization=False`` creates the admin alone: ``aisma server import`` on a server that
    never ran brings the organization the admin will own, and an empty "My organization" beside it
    would be the first thing a new user has to explain away. Safe when several workers start at
    once: the check runs under the audit chain's lock.
    """
    audit_repo.lock_chain(session)
    if users_repo.count(session) > 0:
        return None
    generated = None if password else secrets.token_urlsafe(18)
    user = accounts.create_user(
        session, email or DEFAULT_ADMIN_EMAIL, password or generated, "Administrator", is_admin=True
    )
    if not first_organization:
        return AdminCreated(user.email, generated, "")
    org = orgs_repo.get_by_slug(session, org_slug) or accounts.create_organization(session, org_slug, org_name)
    accounts.add_member_unchecked(session, org, user, Role.OWNER)
    return AdminCreated(user.email, generated, org.slug)


@dataclass(frozen=True)
class ImportOwner:
    """Who becomes owner of an imported organization; ``created`` is set when the account was made now."""

    email: str
    created: AdminCreated | None = None


def import_owner(
    session: Session, email: str | None = None, admin_email: str | None = None, admin_password: str | None = None
) -> tuple[User, ImportOwner]:
    """The account that will own an imported organization, made if need be.

    ``email`` None means the first admin. On a server that never ran (no user yet), the first admin is
    created here exactly as the first ``aisma serve`` would (``admin_email``/``admin_password``, else
    ``admin@localhost`` with a one-time password), and the later ``aisma serve`` creates nobody. An
    ``email`` with no account on a server that has users gets a new account with a one-time password.
    """
    audit_repo.lock_chain(session)
    if users_repo.count(session) == 0:
        created = ensure_admin(session, email=email or admin_email, password=admin_password, first_organization=False)
        assert created is not None
        user = users_repo.get_by_email(session, created.email)
        assert user is not None
        return user, ImportOwner(user.email, created)
    if email is None:
        user = users_repo.first_admin(session)
        if user is None:
            raise NotFound("the server has no active admin; name the owner with --owner EMAIL")
        return user, ImportOwner(user.email)
    user = users_repo.get_by_email(session, accounts.normalize_email(email))
    if user is not None:
        if not user.is_active:
            raise Invalid("owner", f"{user.email} is disabled")
        return user, ImportOwner(user.email)
    generated = secrets.token_urlsafe(18)
    user = accounts.create_user(session, email, generated, by="cli import")
    return user, ImportOwner(user.email, AdminCreated(user.email, generated, ""))
