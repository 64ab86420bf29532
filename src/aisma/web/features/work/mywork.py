"""My work: everything assigned to one member across their organizations - objectives to answer,
roadmap items to implement, findings they own - with what is overdue first.

Each organization is read through an actor of its own (the member's role there), so the list holds
only organizations the member belongs to, each read as every other page reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from urllib.parse import quote

from sqlalchemy.orm import Session

from aisma.server.auth import Actor
from aisma.store.tables import User
from aisma.web.features.findings import service as findings
from aisma.web.features.notifications import service as notifications
from aisma.web.features.notifications.schemas import NotificationOut
from aisma.web.features.organizations import service as accounts
from aisma.web.features.work import service as work
from aisma.web.features.work.schemas import WorkItemOut

CLOSED_FINDINGS = ("resolved", "accepted")


def actors_of(session: Session, user: User, only: str | None = None) -> list[tuple[Actor, str]]:
    """(actor, organization name) for every organization ``user`` is a member of (or just ``only``)."""
    return [
        (Actor(user.id, org.id, org.slug, role, "session", (), user.email), org.name)
        for org, role in accounts.organizations_of(session, user.id)
        if only is None or org.slug == only
    ]


def work_in_org(session: Session, actor: Actor, org_name: str, today: date) -> list[WorkItemOut]:
    """The actor's own items in the actor's organization."""
    state = work.progress(session, actor)
    items = []
    for row in work.assigned_to(session, actor, actor.user_id):
        done = state.done(row.subject, row.item_id)
        items.append(
            WorkItemOut(
                organization=actor.org_slug,
                organization_name=org_name,
                kind=row.subject,
                item_id=row.item_id,
                title=state.titles.get(row.item_id, row.item_id),
                due=row.due,
                status=state.status(row.subject, row.item_id),
                done=done,
                overdue=not done and row.due is not None and row.due < today,
                link=work.item_path(actor.org_slug, row.subject, row.item_id),
            )
        )
    me = (actor.email or "").casefold()
    for f in findings.list_findings(session, actor):
        if not me or f.owner.casefold() != me:
            continue
        items.append(
            WorkItemOut(
                organization=actor.org_slug,
                organization_name=org_name,
                kind="finding",
                item_id=str(f.id),
                title=f.title,
                due=f.due,
                status=f.status.replace("_", " "),
                done=f.status in CLOSED_FINDINGS,
                overdue=findings.overdue(f, today),
                link=f"/orgs/{actor.org_slug}/findings?owner={quote(f.owner)}#finding-{f.id}",
            )
        )
    return items


def ordered(items: list[WorkItemOut]) -> list[WorkItemOut]:
    """Overdue first, then open by due date (none last), then done."""
    return sorted(
        items,
        key=lambda i: (i.done, not i.overdue, i.due or date.max, i.organization, i.kind, i.item_id),
    )


def my_work(session: Session, user: User, today: date | None = None, only: str | None = None) -> list[WorkItemOut]:
    day = work.today_or(today)
    found: list[WorkItemOut] = []
    for actor, name in actors_of(session, user, only):
        found.extend(work_in_org(session, actor, name, day))
    return ordered(found)


def filtered(items: list[WorkItemOut], filters: Mapping[str, str | None]) -> list[WorkItemOut]:
    """What My work keeps: one organization, one kind, and open, overdue or done."""
    state = filters.get("state") or ""
    return [
        i
        for i in items
        if (not filters.get("organization") or i.organization == filters.get("organization"))
        and (not filters.get("kind") or i.kind == filters.get("kind"))
        and (
            not state
            or (state == "open" and not i.done)
            or (state == "overdue" and i.overdue)
            or (state == "done" and i.done)
        )
    ]


def sent_to(session: Session, user: User, only: str | None = None) -> list[tuple[str, NotificationOut]]:
    """(organization slug, notification) for every email sent to ``user``, newest first."""
    out = [
        (actor.org_slug, n)
        for actor, _name in actors_of(session, user, only)
        for n in notifications.mine(session, actor)
    ]
    return sorted(out, key=lambda pair: pair[1].created_at, reverse=True)
