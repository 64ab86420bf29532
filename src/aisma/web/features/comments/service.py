"""Comments on an organization's objectives, AI systems and roadmap items.

A comment is Markdown, stored as written and rendered through ``comments.markdown`` (raw HTML off,
sanitized by an allow-list) whenever it is shown. ``@alice@bank.example`` (a member's email) or
``@alice`` (the part of a member's email before the @, when only one member has it) mentions a
member: they get an email, once - an edit notifies only the members it newly names. Members who may
answer (contributors, assessors, owners) comment; authors edit and delete their own comments, and
owners may delete any. Every change names the version it read and is audited
(``comment.create``, ``comment.update``, ``comment.delete``, with the text before and after).
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.server.errors import Forbidden, NotFound, StaleWrite
from aisma.store.repositories import comments as repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import systems as systems_repo
from aisma.store.tables import CommentRow, User
from aisma.store.types import utcnow
from aisma.web.features.answers.service import find_objective
from aisma.web.features.audit import service as audit
from aisma.web.features.comments.markdown import render
from aisma.web.features.comments.schemas import CommentOut
from aisma.web.features.notifications import service as notifications

MENTION = re.compile(r"(?<![\w@])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+|[\w-]+(?:\.[\w-]+)*)")
WORDS = {"objective": "objective", "system": "AI system", "roadmap": "roadmap item"}


def record(row: CommentRow) -> CommentOut:
    return CommentOut(
        id=row.id,
        subject=row.subject,
        item_id=row.item_id,
        author=row.author,
        body=row.body,
        html=render(row.body),
        mentions=list(row.mentions),
        created_at=row.created_at,
        edited_at=row.edited_at,
        version=row.version,
    )


def _audited(comment: CommentOut) -> dict[str, Any]:
    return comment.model_dump(mode="json", include={"subject", "item_id", "author", "body", "mentions", "version"})


def check_item(session: Session, actor: Actor, subject: str, item_id: str) -> str:
    """The item's title; NotFound when the organization has no such objective or system."""
    if subject == "system":
        row = systems_repo.get(session, actor.org_id, item_id)
        if row is None:
            raise NotFound(f"system {item_id} not found")
        return str(row.document.get("name") or item_id)
    return find_objective(session, actor, item_id).title


def mentioned(session: Session, org_id: int, body: str) -> list[User]:
    """The members ``body`` @mentions, in the order named, each once."""
    members = [user for _m, user in orgs_repo.members(session, org_id)]
    by_email = {u.email.casefold(): u for u in members}
    by_local: dict[str, list[User]] = {}
    for user in members:
        by_local.setdefault(user.email.split("@", 1)[0].casefold(), []).append(user)
    found: dict[int, User] = {}
    for match in MENTION.finditer(body):
        name = match.group(1).casefold()
        named = by_local.get(name, [])
        hit = by_email.get(name) or (named[0] if len(named) == 1 else None)
        if hit is not None:
            found.setdefault(hit.id, hit)
    return list(found.values())


def list_comments(session: Session, actor: Actor, subject: str, item_id: str) -> list[CommentOut]:
    actor.require(Permission.READ)
    check_item(session, actor, subject, item_id)
    return [record(row) for row in repo.for_item(session, actor.org_id, subject, item_id)]


def counts(session: Session, actor: Actor, subject: str) -> dict[str, int]:
    actor.require(Permission.READ)
    return repo.counts(session, actor.org_id, subject)


def _notify(session: Session, actor: Actor, row: CommentRow, users: list[User], link: str) -> None:
    word = WORDS.get(row.subject, row.subject)
    for user in users:
        notifications.notify(
            session,
            actor.org_id,
            user,
            "mention",
            f"aisma: {actor.email or 'someone'} mentioned you on {word} {row.item_id}",
            f"{actor.email or 'Someone'} wrote on {word} {row.item_id}:\n\n{row.body}",
            link,
            by=actor,
        )


def item_link(org_slug: str, subject: str, item_id: str) -> str:
    return f"/orgs/{org_slug}/work/{subject}/{item_id}#comments"


def add_comment(session: Session, actor: Actor, subject: str, item_id: str, body: str) -> CommentOut:
    actor.require(Permission.ANSWER)
    check_item(session, actor, subject, item_id)
    users = mentioned(session, actor.org_id, body)
    row = repo.add(
        session,
        CommentRow(
            organization_id=actor.org_id,
            subject=subject,
            item_id=item_id,
            author_id=actor.user_id or None,
            author=actor.email or actor.label,
            body=body,
            mentions=[u.email for u in users],
            created_at=utcnow(),
            edited_at=None,
            version=1,
        ),
    )
    saved = record(row)
    audit.append(session, actor, "comment.create", "comment", row.id, None, _audited(saved))
    _notify(session, actor, row, users, item_link(actor.org_slug, subject, item_id))
    return saved


def _own(session: Session, actor: Actor, comment_id: int, *, delete: bool = False) -> CommentRow:
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, comment_id)
    if row is None:
        raise NotFound(f"comment {comment_id} not found")
    mine = row.author_id is not None and row.author_id == actor.user_id
    if not (mine and actor.can(Permission.ANSWER)) and not (delete and actor.can(Permission.MANAGE_MEMBERS)):
        raise Forbidden(f"comment {comment_id} is {row.author}'s: only they may {'delete' if delete else 'edit'} it")
    return row


def _stale(session: Session, actor: Actor, comment_id: int) -> StaleWrite:
    session.expire_all()
    current = repo.get(session, actor.org_id, comment_id)
    return StaleWrite(
        record(current) if current is not None else None,
        f"comment {comment_id} changed since you read it (now version {current.version if current else '-'})",
    )


def edit_comment(session: Session, actor: Actor, comment_id: int, body: str, expected_version: int) -> CommentOut:
    row = _own(session, actor, comment_id)
    before = record(row)
    users = mentioned(session, actor.org_id, body)
    values = {"body": body, "mentions": [u.email for u in users], "edited_at": utcnow()}
    if not repo.update_if_version(session, actor.org_id, comment_id, expected_version, values):
        raise _stale(session, actor, comment_id)
    saved = record(repo.refresh(session, row))
    audit.append(session, actor, "comment.update", "comment", comment_id, _audited(before), _audited(saved))
    known = {email.casefold() for email in before.mentions}
    fresh = [u for u in users if u.email.casefold() not in known]
    _notify(session, actor, row, fresh, item_link(actor.org_slug, row.subject, row.item_id))
    return saved


def delete_comment(session: Session, actor: Actor, comment_id: int, expected_version: int) -> None:
    row = _own(session, actor, comment_id, delete=True)
    before = record(row)
    if not repo.delete_if_version(session, actor.org_id, comment_id, expected_version):
        raise _stale(session, actor, comment_id)
    audit.append(session, actor, "comment.delete", "comment", comment_id, _audited(before), None)
