"""Organizations, users, memberships and password sign-in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from aisma.maturity.loader import available_models, load_model_file
from aisma.server import passwords
from aisma.server.auth import Actor, Permission, Role
from aisma.server.errors import Conflict, Forbidden, Invalid, NotFound
from aisma.server.settings import GroupRole
from aisma.store.repositories import logins
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import users as users_repo
from aisma.store.tables import Membership, Organization, User
from aisma.web.features.audit import service as audit
from aisma.web.features.organizations.schemas import MemberOut, ModelInfo, OrganizationDetail, OrganizationOut

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def normalize_email(email: str) -> str:
    cleaned = email.strip().lower()
    if not EMAIL.match(cleaned) or len(cleaned) > 320:
        raise Invalid("email", f"{email!r} is not an email address")
    return cleaned


def check_password_strength(password: str) -> None:
    if len(password) < passwords.MIN_PASSWORD_LENGTH:
        raise Invalid("password", f"must be at least {passwords.MIN_PASSWORD_LENGTH} characters")


def new_password_problem(password: str, confirm: str, what: str = "password") -> str:
    """Why a new password typed twice into a form cannot be used (one sentence), or "" when it can."""
    if password != confirm:
        return f"The two {what}s differ."
    try:
        check_password_strength(password)
    except Invalid as exc:
        return f"The {what} {exc.detail}."
    return ""


def create_organization(
    session: Session,
    slug: str,
    name: str,
    model_id: str = "aisma-core",
    settings: dict[str, object] | None = None,
    *,
    by: str = "system",
) -> Organization:
    """Create a tenant. Called by the CLI/bootstrap/import (server administration), so no actor check."""
    if not SLUG.match(slug):
        raise Invalid("slug", "use 1-63 lowercase letters, digits and dashes, starting with a letter or digit")
    if not name.strip():
        raise Invalid("name", "must not be empty")
    if orgs_repo.get_by_slug(session, slug) is not None:
        raise Conflict(f"organization {slug} already exists")
    org = Organization(
        slug=slug, name=name.strip(), model_id=model_id, settings=dict(settings or {"organization": name})
    )
    if not orgs_repo.insert(session, org):
        raise Conflict(f"organization {slug} already exists")
    audit.append(
        session,
        by,
        "organization.create",
        "organization",
        slug,
        None,
        {"slug": slug, "name": org.name, "model_id": model_id},
        org_id=org.id,
    )
    return org


def create_user(
    session: Session,
    email: str,
    password: str | None,
    display_name: str = "",
    *,
    is_admin: bool = False,
    by: str = "system",
) -> User:
    """Create an account; ``password`` None makes an OIDC-only account."""
    address = normalize_email(email)
    if password is not None:
        check_password_strength(password)
    if users_repo.get_by_email(session, address) is not None:
        raise Conflict(f"user {address} already exists")
    user = User(
        email=address,
        display_name=display_name.strip(),
        password_hash=passwords.hash_password(password) if password is not None else None,
        is_admin=is_admin,
    )
    if not users_repo.insert(session, user):
        raise Conflict(f"user {address} already exists")
    audit.append(session, by, "user.create", "user", address, None, {"email": address, "is_admin": is_admin})
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user with this email and password, else None (same time cost either way)."""
    user = users_repo.get_by_email(session, email)
    if user is None or user.password_hash is None or not user.is_active:
        passwords.burn_time(password)
        return None
    if not passwords.verify_password(user.password_hash, password):
        return None
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
        session.flush()
    return user


def set_password(session: Session, user: User, password: str, *, by: str) -> None:
    check_password_strength(password)
    user.password_hash = passwords.hash_password(password)
    session.flush()
    audit.append(session, by, "user.password", "user", user.email, None, None)


@dataclass(frozen=True)
class UserSummary:
    """One account as ``aisma user list`` shows it."""

    email: str
    display_name: str
    is_admin: bool
    is_active: bool
    sign_in: str  # "password", "oidc", "password+oidc" or "none"
    organizations: tuple[tuple[str, str], ...]  # (slug, role)


def list_users(session: Session) -> list[UserSummary]:
    """Every account with its organizations (server administration, no actor: the CLI)."""
    summaries = []
    for user in users_repo.list_all(session):
        ways = [w for w, on in (("password", user.password_hash), ("oidc", user.oidc_subject)) if on]
        summaries.append(
            UserSummary(
                email=user.email,
                display_name=user.display_name,
                is_admin=user.is_admin,
                is_active=user.is_active,
                sign_in="+".join(ways) or "none",
                organizations=tuple((org.slug, role.value) for org, role in organizations_of(session, user.id)),
            )
        )
    return summaries


def set_active(session: Session, email: str, active: bool, *, by: str) -> User:
    """Disable or enable an account (server administration). A disabled account cannot sign in (password
    or OIDC), its login sessions are deleted now, and its API tokens stop working (they act as it)."""
    address = normalize_email(email)
    user = users_repo.get_by_email(session, address)
    if user is None:
        raise NotFound(f"user {address} not found")
    before = user.is_active
    user.is_active = active
    session.flush()
    if not active:
        logins.delete_user_sessions(session, user.id)
    if before != active:
        action = "user.enable" if active else "user.disable"
        audit.append(session, by, action, "user", address, {"is_active": before}, {"is_active": active})
    return user


def get_user(session: Session, user_id: int) -> User:
    user = users_repo.get(session, user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def user_by_email(session: Session, email: str) -> User | None:
    return users_repo.get_by_email(session, email)


def organizations_of(session: Session, user_id: int) -> list[tuple[Organization, Role]]:
    return [(org, Role(role)) for org, role in orgs_repo.for_user(session, user_id)]


def actor_for(session: Session, user: User, org_slug: str) -> Actor:
    """The user acting in ``org_slug``; NotFound when the organization does not exist or they are no member."""
    org = orgs_repo.get_by_slug(session, org_slug)
    membership = orgs_repo.membership(session, org.id, user.id) if org is not None else None
    if org is None or membership is None or not user.is_active:
        raise NotFound(f"organization {org_slug} not found")
    return Actor(
        user_id=user.id, org_id=org.id, org_slug=org.slug, role=Role(membership.role), via="session", email=user.email
    )


def system_actor(session: Session, org_slug: str, label: str = "system") -> Actor:
    """An owner-level actor for server administration from the CLI (import, export, bootstrap)."""
    org = orgs_repo.get_by_slug(session, org_slug)
    if org is None:
        raise NotFound(f"organization {org_slug} not found")
    return Actor(user_id=0, org_id=org.id, org_slug=org.slug, role=Role.OWNER, via="system", email=label)


def get_organization(session: Session, actor: Actor) -> Organization:
    actor.require(Permission.READ)
    org = orgs_repo.get(session, actor.org_id)
    if org is None:
        raise NotFound(f"organization {actor.org_slug} not found")
    return org


def list_members(session: Session, actor: Actor) -> list[MemberOut]:
    actor.require(Permission.READ)
    return [
        MemberOut(user_id=user.id, email=user.email, display_name=user.display_name, role=m.role)
        for m, user in orgs_repo.members(session, actor.org_id)
    ]


def add_member(session: Session, actor: Actor, email: str, role: Role) -> MemberOut:
    """Add an existing user to the actor's organization (owners only)."""
    actor.require(Permission.MANAGE_MEMBERS)
    user = users_repo.get_by_email(session, normalize_email(email))
    if user is None:
        raise NotFound(f"user {email} not found")
    if orgs_repo.membership(session, actor.org_id, user.id) is not None:
        raise Conflict(f"{user.email} is already a member")
    try:
        with session.begin_nested():
            orgs_repo.add_membership(
                session, Membership(organization_id=actor.org_id, user_id=user.id, role=role.value)
            )
    except IntegrityError:
        raise Conflict(f"{user.email} is already a member") from None
    audit.append(
        session, actor, "member.add", "membership", user.email, None, {"email": user.email, "role": role.value}
    )
    return MemberOut(user_id=user.id, email=user.email, display_name=user.display_name, role=role.value)


def add_member_unchecked(session: Session, org: Organization, user: User, role: Role, *, by: str = "system") -> None:
    """Administration path (bootstrap, CLI): add a membership without an acting owner."""
    if orgs_repo.membership(session, org.id, user.id) is not None:
        raise Conflict(f"{user.email} is already a member of {org.slug}")
    orgs_repo.add_membership(session, Membership(organization_id=org.id, user_id=user.id, role=role.value))
    audit.append(
        session,
        by,
        "member.add",
        "membership",
        user.email,
        None,
        {"email": user.email, "role": role.value},
        org_id=org.id,
    )


def add_member_by_email(session: Session, org_slug: str, email: str, role: Role, *, by: str) -> str:
    """Administration (``aisma member add``): add the account ``email`` to ``org_slug``; its address."""
    org = orgs_repo.get_by_slug(session, org_slug)
    if org is None:
        raise NotFound(f"organization {org_slug} not found")
    user = users_repo.get_by_email(session, normalize_email(email))
    if user is None:
        raise NotFound(f"user {email} not found; create it with `aisma user add {email}`")
    add_member_unchecked(session, org, user, role, by=by)
    return user.email


def _membership_of(session: Session, actor: Actor, user_id: int) -> Membership:
    membership = orgs_repo.membership(session, actor.org_id, user_id)
    if membership is None:
        raise NotFound(f"member {user_id} not found")
    return membership


def _keep_an_owner(session: Session, actor: Actor, membership: Membership, new_role: Role | None) -> None:
    leaving = membership.role == Role.OWNER.value and new_role != Role.OWNER
    if leaving and orgs_repo.count_role(session, actor.org_id, Role.OWNER.value) <= 1:
        raise Forbidden("an organization must keep at least one owner")


def set_role(session: Session, actor: Actor, user_id: int, role: Role) -> MemberOut:
    actor.require(Permission.MANAGE_MEMBERS)
    membership = _membership_of(session, actor, user_id)
    _keep_an_owner(session, actor, membership, role)
    user = get_user(session, user_id)
    before = membership.role
    membership.role = role.value
    session.flush()
    audit.append(session, actor, "member.role", "membership", user.email, {"role": before}, {"role": role.value})
    return MemberOut(user_id=user.id, email=user.email, display_name=user.display_name, role=role.value)


def remove_member(session: Session, actor: Actor, user_id: int) -> None:
    actor.require(Permission.MANAGE_MEMBERS)
    membership = _membership_of(session, actor, user_id)
    _keep_an_owner(session, actor, membership, None)
    user = get_user(session, user_id)
    before = {"email": user.email, "role": membership.role}
    orgs_repo.delete_membership(session, membership)
    audit.append(session, actor, "member.remove", "membership", user.email, before, None)


def may_create_organizations(session: Session, user: User, token_actor: Actor | None = None) -> bool:
    """Server admins and the owners of any organization create organizations; a token only when it
    may administer its own (an owner's token with the ``admin`` scope)."""
    if token_actor is not None:
        return token_actor.can(Permission.MANAGE_MEMBERS)
    if not user.is_active:
        return False
    return user.is_admin or any(role == Role.OWNER for _org, role in organizations_of(session, user.id))


def create_organization_as(
    session: Session,
    user: User,
    slug: str,
    name: str,
    model_id: str = "aisma-core",
    *,
    token_actor: Actor | None = None,
) -> OrganizationOut:
    """A new organization whose first owner is ``user`` (see ``may_create_organizations``). Slugs are
    unique on the server, so a taken one is a conflict whoever holds it."""
    if not may_create_organizations(session, user, token_actor):
        raise Forbidden("only server administrators and organization owners create organizations")
    if model_id not in {m.id for m in available_models()}:
        raise Invalid("model_id", f"{model_id!r} is not installed on this server")
    by = token_actor.label if token_actor is not None else user.email
    org = create_organization(session, slug, name, model_id, by=by)
    add_member_unchecked(session, org, user, Role.OWNER, by=by)
    return OrganizationOut(slug=org.slug, name=org.name, model_id=org.model_id, role=Role.OWNER.value)


def user_for_oidc(session: Session, subject: str, email: str, display_name: str = "") -> User:
    """The account of an OIDC sign-in: by subject, else the account with that (verified) email, linked now,
    else a new password-less account. It belongs to no organization until an owner adds it."""
    if not subject:
        raise Invalid("sub", "the identity provider sent no subject")
    user = users_repo.get_by_oidc_subject(session, subject)
    if user is not None:
        return user
    address = normalize_email(email)
    user = users_repo.get_by_email(session, address)
    if user is None:
        user = create_user(session, address, None, display_name, by="oidc")
    elif user.oidc_subject is not None:
        raise Conflict(f"{address} is linked to another identity")
    user.oidc_subject = subject
    session.flush()
    audit.append(session, "oidc", "user.oidc_link", "user", address, None, {"email": address})
    return user


ROLE_RANK = {Role.OWNER: 4, Role.ASSESSOR: 3, Role.CONTRIBUTOR: 2, Role.VIEWER: 1}


def sync_oidc_memberships(session: Session, user: User, groups: tuple[str, ...], mapping: list[GroupRole]) -> list[str]:
    """Memberships from the identity provider's groups, at every OIDC sign-in (``AISMA_OIDC_GROUP_ROLES``).

    For each organization the mapping names, the user holds the highest role any of their groups gives
    there: added, changed, or removed when no group gives one. An organization's last owner keeps the
    role (as in the members page), and organizations the mapping does not name are left to their
    owners. A mapping that names an organization this server does not have is skipped. Returns what
    changed, one line each (audited as ``member.add``/``member.role``/``member.remove`` by ``oidc``).
    """
    wanted: dict[str, Role | None] = {}
    for entry in mapping:
        role = Role(entry.role) if entry.group in groups else None
        current = wanted.get(entry.org)
        if role is not None and (current is None or ROLE_RANK[role] > ROLE_RANK[current]):
            wanted[entry.org] = role
        else:
            wanted.setdefault(entry.org, None)
    changes = []
    for slug, role in sorted(wanted.items()):
        org = orgs_repo.get_by_slug(session, slug)
        if org is None:
            continue
        membership = orgs_repo.membership(session, org.id, user.id)
        last_owner = (
            membership is not None
            and membership.role == Role.OWNER.value
            and orgs_repo.count_role(session, org.id, Role.OWNER.value) <= 1
        )
        if membership is None and role is not None:
            add_member_unchecked(session, org, user, role, by="oidc")
            changes.append(f"{slug}: added as {role.value}")
        elif membership is not None and role is None and not last_owner:
            before = {"email": user.email, "role": membership.role}
            orgs_repo.delete_membership(session, membership)
            audit.append(session, "oidc", "member.remove", "membership", user.email, before, None, org_id=org.id)
            changes.append(f"{slug}: removed")
        elif membership is not None and role is not None and membership.role != role.value and not last_owner:
            before_role = membership.role
            membership.role = role.value
            session.flush()
            audit.append(
                session,
                "oidc",
                "member.role",
                "membership",
                user.email,
                {"role": before_role},
                {"role": role.value},
                org_id=org.id,
            )
            changes.append(f"{slug}: {before_role} -> {role.value}")
    return changes


def update_organization(
    session: Session,
    actor: Actor,
    name: str | None = None,
    settings: dict[str, Any] | None = None,
    review_required: bool | None = None,
) -> OrganizationDetail:
    """Rename the organization, replace its settings (the aisma.yaml content: targets, collectors, ...)
    or turn answer review on or off (``review_required``: only accepted answers count as evidenced)."""
    from aisma.web.features.organizations.settings_check import checked_settings

    actor.require(Permission.MANAGE_MEMBERS)
    org = get_organization(session, actor)
    before = {
        "name": org.name,
        "model_id": org.model_id,
        "settings": org.settings,
        "review_required": org.review_required,
    }
    if name is not None:
        if not name.strip():
            raise Invalid("name", "must not be empty")
        org.name = name.strip()
    if settings is not None:
        org.settings, org.model_id = checked_settings(settings)
    if review_required is not None:
        org.review_required = review_required
    session.flush()
    after = {
        "name": org.name,
        "model_id": org.model_id,
        "settings": org.settings,
        "review_required": org.review_required,
    }
    audit.append(session, actor, "organization.update", "organization", org.slug, before, after)
    return _detail(org, actor)


def _detail(org: Organization, actor: Actor) -> OrganizationDetail:
    return OrganizationDetail(
        slug=org.slug,
        name=org.name,
        model_id=org.model_id,
        role=actor.role.value,
        settings=org.settings,
        review_required=org.review_required,
    )


def organization_detail(session: Session, actor: Actor) -> OrganizationDetail:
    """The actor's organization with its settings (the aisma.yaml content) and the actor's role."""
    return _detail(get_organization(session, actor), actor)


def my_organizations(session: Session, user_id: int) -> list[OrganizationOut]:
    """The organizations a user is a member of, with the user's role in each."""
    return [
        OrganizationOut(slug=org.slug, name=org.name, model_id=org.model_id, role=role.value)
        for org, role in organizations_of(session, user_id)
    ]


def installed_models() -> list[ModelInfo]:
    return [ModelInfo(id=m.id, origin=m.origin) for m in available_models()]


@lru_cache(maxsize=8)
def _model_document(model_id: str, path: str, mtime: float) -> dict[str, Any]:
    """A model as JSON; parsed once per file version (the built-in model is large)."""
    return load_model_file(path).model_dump(mode="json")


def model_document(session: Session, actor: Actor) -> dict[str, Any]:
    """The actor's organization's maturity model as JSON (categories, objectives)."""
    org = get_organization(session, actor)
    for source in available_models():
        if source.id == org.model_id:
            return _model_document(source.id, str(source.path), source.path.stat().st_mtime)
    raise NotFound(f"model {org.model_id} is not installed on this server")


def job_actor(session: Session, user_id: int, org_id: int, label: str | None = None) -> Actor:
    """The user a background job acts for, in the job's organization, with their role as it is now."""
    org = orgs_repo.get(session, org_id)
    user = users_repo.get(session, user_id)
    membership = orgs_repo.membership(session, org_id, user_id) if org is not None and user is not None else None
    if org is None or user is None or membership is None or not user.is_active:
        raise NotFound("the user who started this job is no longer a member of the organization")
    return Actor(
        user_id=user.id, org_id=org.id, org_slug=org.slug, role=Role(membership.role), via="session", email=user.email
    )
