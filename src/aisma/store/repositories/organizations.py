"""Organizations (tenants) and memberships."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from aisma.store.repositories._result import add_unless_taken
from aisma.store.tables import Membership, Organization, User


def get_by_slug(session: Session, slug: str) -> Organization | None:
    return session.scalar(select(Organization).where(Organization.slug == slug))


def get(session: Session, org_id: int) -> Organization | None:
    return session.get(Organization, org_id)


def insert(session: Session, org: Organization) -> bool:
    """Insert; False when the slug is taken, e.g. by a concurrent request."""
    return add_unless_taken(session, org)


def for_user(session: Session, user_id: int) -> Sequence[tuple[Organization, str]]:
    """The organizations a user belongs to, with the role in each, by slug."""
    rows = session.execute(
        select(Organization, Membership.role)
        .join(Membership, Membership.organization_id == Organization.id)
        .where(Membership.user_id == user_id)
        .order_by(Organization.slug)
    )
    return [(row[0], row[1]) for row in rows]


def membership(session: Session, org_id: int, user_id: int) -> Membership | None:
    return session.scalar(select(Membership).where(Membership.organization_id == org_id, Membership.user_id == user_id))


def members(session: Session, org_id: int) -> Sequence[tuple[Membership, User]]:
    rows = session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.organization_id == org_id)
        .order_by(User.email)
    )
    return [(row[0], row[1]) for row in rows]


def add_membership(session: Session, membership_row: Membership) -> Membership:
    session.add(membership_row)
    session.flush()
    return membership_row


def delete_membership(session: Session, membership_row: Membership) -> None:
    session.delete(membership_row)
    session.flush()


def count_role(session: Session, org_id: int, role: str) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Membership)
            .where(Membership.organization_id == org_id, Membership.role == role)
        )
        or 0
    )
