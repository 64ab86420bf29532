"""Invitations by email link: an owner invites an address with a role; whoever opens the link signs up
(or, with an account of that address, signs in) and joins the organization.

The link carries 32 random bytes; the table keeps their sha256 only, like login sessions and API
tokens, so neither a database dump nor the audit log holds a usable link. A link works once (a
conditional update sets ``accepted_at``), until it expires (``AISMA_INVITATION_MAX_AGE_HOURS``) or an
owner revokes it. The invitee must be the invited address: an existing account joins only when
signed in as that address, and a new account gets that address.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from aisma.server import notify
from aisma.server.auth import Actor, Permission, Role
from aisma.server.errors import Conflict, Forbidden, NotFound
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.repositories import invitations as repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import users as users_repo
from aisma.store.tables import InvitationRow, Organization, User
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.invitations.schemas import InvitationCreated, InvitationOut, InvitationView, Status
from aisma.web.features.organizations import service as accounts

PATH = "/invite/"


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewInvitation:
    invitation: InvitationOut
    token: str  # goes into the link; never stored
    organization: str  # the organization's name, for the email


def status_of(row: InvitationRow) -> Status:
    if row.accepted_at is not None:
        return "accepted"
    if row.revoked_at is not None:
        return "revoked"
    if row.expires_at <= utcnow():
        return "expired"
    return "pending"


def _out(row: InvitationRow) -> InvitationOut:
    return InvitationOut(
        id=row.id,
        email=row.email,
        role=row.role,
        status=status_of(row),
        invited_by=row.invited_by,
        created_at=row.created_at,
        expires_at=row.expires_at,
        accepted_at=row.accepted_at,
        accepted_by=row.accepted_by,
        revoked_at=row.revoked_at,
        delivery=row.delivery,
    )


def _summary(row: InvitationRow) -> dict[str, object]:
    return {"email": row.email, "role": row.role, "expires_at": row.expires_at.isoformat(), "delivery": row.delivery}


def invite(
    session: Session, actor: Actor, email: str, role: Role, max_age_hours: int, *, by_email: bool
) -> NewInvitation:
    """A new invitation of ``email`` (owners); a member already in the organization cannot be invited.

    Open invitations of the same address stay valid (a link already passed on keeps working, and a
    reloaded form never kills the link just copied); accepting one revokes the others."""
    actor.require(Permission.MANAGE_MEMBERS)
    address = accounts.normalize_email(email)
    existing = users_repo.get_by_email(session, address)
    if existing is not None and orgs_repo.membership(session, actor.org_id, existing.id) is not None:
        raise Conflict(f"{address} is already a member")
    now = utcnow()
    token = secrets.token_urlsafe(32)
    row = repo.add(
        session,
        InvitationRow(
            organization_id=actor.org_id,
            email=address,
            role=role.value,
            token_hash=token_hash(token),
            invited_by=actor.label,
            created_at=now,
            expires_at=now + timedelta(hours=max_age_hours),
            delivery="email" if by_email else "shown",
        ),
    )
    audit.append(session, actor, "invitation.create", "invitation", row.id, None, _summary(row))
    org = orgs_repo.get(session, actor.org_id)
    return NewInvitation(_out(row), token, org.name if org is not None else actor.org_slug)


def email_failed(session: Session, actor: Actor, invitation_id: int, error: str) -> InvitationOut:
    """The link could not be emailed: the owner is shown it instead (recorded, audited)."""
    actor.require(Permission.MANAGE_MEMBERS)
    row = repo.get(session, actor.org_id, invitation_id)
    if row is None:
        raise NotFound(f"invitation {invitation_id} not found")
    row.delivery = "shown"
    session.flush()
    audit.append(session, actor, "invitation.email_failed", "invitation", row.id, None, {"error": error[:300]})
    return _out(row)


def list_invitations(session: Session, actor: Actor) -> list[InvitationOut]:
    actor.require(Permission.MANAGE_MEMBERS)
    return [_out(row) for row in repo.list_for_org(session, actor.org_id)]


def revoke(session: Session, actor: Actor, invitation_id: int) -> InvitationOut:
    """End an open invitation (owners); its link stops working at once."""
    actor.require(Permission.MANAGE_MEMBERS)
    row = repo.get(session, actor.org_id, invitation_id)
    if row is None:
        raise NotFound(f"invitation {invitation_id} not found")
    if not repo.mark_revoked(session, row.id, utcnow()):
        raise Conflict(f"invitation {invitation_id} is {status_of(row)} already")
    session.refresh(row)
    audit.append(session, actor, "invitation.revoke", "invitation", row.id, _summary(row), {"revoked": True})
    return _out(row)


def _by_token(session: Session, token: str) -> tuple[InvitationRow, Organization]:
    row = repo.get_by_hash(session, token_hash(token)) if token else None
    org = orgs_repo.get(session, row.organization_id) if row is not None else None
    if row is None or org is None:
        raise NotFound("this invitation link is not valid; ask for a new one")
    return row, org


def view(session: Session, token: str) -> InvitationView:
    """What the link's holder may see: the organization, the invited address and the role."""
    row, org = _by_token(session, token)
    account = users_repo.get_by_email(session, row.email)
    return InvitationView(
        organization=org.name,
        organization_slug=org.slug,
        email=row.email,
        role=row.role,
        status=status_of(row),
        invited_by=row.invited_by,
        expires_at=row.expires_at,
        account_exists=account is not None,
    )


def _use(session: Session, row: InvitationRow, org: Organization, user: User) -> str:
    status = status_of(row)
    if status != "pending":
        raise Conflict(f"this invitation is {status}; ask the organization's owner for a new one")
    if orgs_repo.membership(session, org.id, user.id) is not None:
        raise Conflict(f"{user.email} is already a member of {org.name}")
    if not repo.mark_accepted(session, row.id, user.email, utcnow()):
        raise Conflict("this invitation was used a moment ago; ask the organization's owner for a new one")
    accounts.add_member_unchecked(session, org, user, Role(row.role), by=f"invitation:{user.email}")
    now = utcnow()
    for sibling in repo.open_for_email(session, org.id, row.email, now):
        if repo.mark_revoked(session, sibling.id, now):
            after = {"superseded_by": row.id}
            audit.append(
                session,
                user.email,
                "invitation.revoke",
                "invitation",
                sibling.id,
                _summary(sibling),
                after,
                org_id=org.id,
            )
    audit.append(
        session,
        user.email,
        "invitation.accept",
        "invitation",
        row.id,
        None,
        {"email": user.email, "role": row.role},
        org_id=org.id,
    )
    return org.slug


def accept(session: Session, token: str, user: User) -> str:
    """The signed-in ``user`` joins; they must be the invited address. Returns the organization's slug."""
    row, org = _by_token(session, token)
    if user.email != row.email:
        raise Forbidden(f"this invitation is for {row.email}; sign in as that address to accept it")
    if not user.is_active:
        raise Forbidden("this account is disabled")
    return _use(session, row, org, user)


def sign_up(session: Session, token: str, password: str, display_name: str = "") -> tuple[User, str]:
    """A new account for the invited address (argon2 password) that joins at once; returns it and the slug."""
    row, org = _by_token(session, token)
    status = status_of(row)
    if status != "pending":
        raise Conflict(f"this invitation is {status}; ask the organization's owner for a new one")
    if users_repo.get_by_email(session, row.email) is not None:
        raise Conflict(f"an account for {row.email} exists; sign in to accept the invitation")
    user = accounts.create_user(session, row.email, password, display_name, by=f"invitation:{row.email}")
    return user, _use(session, row, org, user)


def invitation_email(org_name: str, inviter: str, role: str, url: str, invitation: InvitationOut) -> tuple[str, str]:
    """The subject and text of the invitation email."""
    until = invitation.expires_at.strftime("%Y-%m-%d %H:%M UTC")
    subject = f"You are invited to {org_name} on aisma"
    text = (
        f"{inviter} invited you to join {org_name} on aisma as {role}.\n\n"
        f"Open this link to accept (it works once, until {until}):\n\n{url}\n\n"
        "If you did not expect this invitation, ignore this email.\n"
    )
    return subject, text


def link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{PATH}{token}"


def create_and_send(
    database: Database, settings: ServerSettings, actor: Actor, email: str, role: Role, base_url: str
) -> InvitationCreated:
    """Invite, then email the link when SMTP is configured; otherwise (or when the send fails) the link
    is returned once for the owner to pass on.

    The invitation is committed before the email goes out, so a slow or failing SMTP server never
    holds a write transaction; a failed send is recorded in a second short transaction.
    """
    by_email = bool(settings.smtp_host)
    with database.transaction() as session:
        new = invite(session, actor, email, role, settings.invitation_max_age_hours, by_email=by_email)
    url = link(settings.public_url or base_url, new.token)
    if not by_email:
        return InvitationCreated(**new.invitation.model_dump(), sent=False, url=url)
    subject, text = invitation_email(new.organization, actor.email or actor.label, role.value, url, new.invitation)
    try:
        notify.send_email(settings, new.invitation.email, subject, text)
    except notify.DeliveryFailed as exc:
        with database.transaction() as session:
            shown = email_failed(session, actor, new.invitation.id, str(exc))
        return InvitationCreated(**shown.model_dump(), sent=False, url=url, send_error=str(exc))
    return InvitationCreated(**new.invitation.model_dump(), sent=True)
