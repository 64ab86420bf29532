"""Emails to members, and the log of what was sent: when an item is assigned to them, when their answer
is returned, when a comment @mentions them, and a daily digest of what is overdue.

``notify`` records the notification and its ``notifications.send`` job in the caller's transaction,
so a change and the email about it are recorded together or not at all; the job sends it through
``aisma.server.notify.send_email`` (the server's one SMTP client) with the alert deliveries'
retries. Nobody is notified of their own doing: assigning yourself, or mentioning yourself, sends
nothing. Each member reads their own log (``mine``); nobody reads another member's.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from aisma.server import jobs
from aisma.server.auth import Actor, Permission
from aisma.store.repositories import notifications as repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.tables import NotificationRow, User
from aisma.store.types import utcnow
from aisma.web.features.notifications.schemas import NotificationOut

SEND_JOB = "notifications.send"
OVERDUE_JOB = "notifications.overdue"
SUBJECT_LIMIT = 500


def notify(
    session: Session,
    org_id: int,
    user: User,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    *,
    by: Actor | None = None,
    day: date | None = None,
) -> NotificationRow | None:
    """Record an email to ``user`` and the job that sends it; None when ``by`` is that user or the
    account is disabled (nobody is told what they did themselves)."""
    if not user.is_active or (by is not None and by.user_id == user.id):
        return None
    row = repo.add(
        session,
        NotificationRow(
            organization_id=org_id,
            user_id=user.id,
            email=user.email,
            kind=kind,
            subject=" ".join(subject.split())[:SUBJECT_LIMIT],
            body=body,
            link=link[:1000],
            day=day,
            status="pending",
            attempts=0,
            last_error="",
            created_at=utcnow(),
        ),
    )
    if SEND_JOB in jobs.registered():  # a script calling the services without a server only logs it
        jobs.enqueue(session, SEND_JOB, {"notification": row.id}, org_id=org_id, user_id=user.id,
                     created_by="notifications")  # fmt: skip
    return row


def member_by_email(session: Session, org_id: int, email: str) -> User | None:
    """The organization's member with this email (any case), or None."""
    wanted = email.strip().casefold()
    if not wanted:
        return None
    return next((user for _m, user in orgs_repo.members(session, org_id) if user.email.casefold() == wanted), None)


def mine(session: Session, actor: Actor) -> list[NotificationOut]:
    """The actor's own notifications in this organization, newest first."""
    actor.require(Permission.READ)
    return [NotificationOut.model_validate(row) for row in repo.for_user(session, actor.org_id, actor.user_id)]
