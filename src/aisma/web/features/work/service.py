"""Assignments and due dates on objectives and roadmap items, and each member's work.

An item is named by its objective id: an objective of the questionnaire (``objective``: answer it)
or an item of the latest assessment's roadmap (``roadmap``: implement it). A roadmap item is an
unmet objective, so it keeps its id from one assessment to the next (as findings are keyed by kind
and objective), and its assignment follows it; one that leaves the roadmap is done.

Assessors and owners assign; the assignee must be a member of the organization. Each change names
the version it read (a newer one is a ``StaleWrite``, as for answers), is audited
(``assignment.set``, ``assignment.clear``, before and after), and tells the new assignee by email.
Clearing keeps the row without assignee or due date, so the version keeps counting.

Done and overdue are worked out when read, from the answers and the latest assessment: an objective
is done once its answer is accepted (where the organization requires review) or given and not
returned (where it does not); a roadmap item once the latest assessment no longer lists it. An item
not done whose due date is before ``today`` (the server's UTC date unless a caller passes one) is
overdue.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid, NotFound, StaleWrite
from aisma.server.models import model_for
from aisma.store.repositories import answers as answers_repo
from aisma.store.repositories import assignments as repo
from aisma.store.repositories import users as users_repo
from aisma.store.tables import AssignmentRow
from aisma.store.types import utcnow
from aisma.web.features.answers.service import find_objective
from aisma.web.features.assessments.service import latest_assessment
from aisma.web.features.audit import service as audit
from aisma.web.features.notifications import service as notifications
from aisma.web.features.reviews.service import review_required
from aisma.web.features.work.schemas import AssignmentIn, AssignmentOut

SUBJECT_WORDS = {"objective": "objective", "roadmap": "roadmap item", "system": "AI system"}
SUBJECT_LABELS = {"objective": "Objective", "roadmap": "Roadmap item", "system": "AI system"}


def roadmap_ids(result: Mapping[str, Any]) -> list[str]:
    """The objective ids of a stored result's roadmap, in roadmap order (the roadmap items' identity)."""
    return [
        str(item.get("objective"))
        for phase in result.get("roadmap") or ()
        for item in phase.get("items") or ()
        if item.get("objective")
    ]


@dataclass(frozen=True)
class Progress:
    """What decides whether an assigned item is done: the answers' statuses and the latest roadmap."""

    answers: Mapping[str, str]
    review_required: bool
    roadmap: frozenset[str] | None  # None: no assessment yet
    titles: Mapping[str, str]

    def done(self, subject: str, item_id: str) -> bool:
        if subject == "roadmap":
            return self.roadmap is not None and item_id not in self.roadmap
        status = self.answers.get(item_id)
        if status is None:
            return False
        return status == "accepted" if self.review_required else status != "returned"

    def status(self, subject: str, item_id: str) -> str:
        if subject == "roadmap":
            return "done" if self.done(subject, item_id) else "on the roadmap"
        return self.answers.get(item_id, "unanswered")


def progress(session: Session, actor: Actor) -> Progress:
    actor.require(Permission.READ)
    latest = latest_assessment(session, actor)
    return Progress(
        answers={row.objective_id: row.status for row in answers_repo.list_for_org(session, actor.org_id)},
        review_required=review_required(session, actor.org_id),
        roadmap=frozenset(roadmap_ids(latest.result)) if latest is not None else None,
        titles={o.id: o.title for o in model_for(session, actor).objectives()},
    )


def today_or(today: date | None) -> date:
    return today if today is not None else utcnow().date()


def _out(session: Session, row: AssignmentRow, state: Progress, today: date) -> AssignmentOut:
    assignee = users_repo.get(session, row.assignee_id) if row.assignee_id is not None else None
    done = state.done(row.subject, row.item_id)
    return AssignmentOut(
        subject=row.subject,
        item_id=row.item_id,
        title=state.titles.get(row.item_id, row.item_id),
        assignee=assignee.email if assignee is not None else "",
        due=row.due,
        done=done,
        overdue=not done and row.due is not None and row.due < today,
        assigned_by=row.assigned_by,
        updated_at=row.updated_at,
        version=row.version,
    )


def _audited(out: AssignmentOut) -> dict[str, Any]:
    return out.model_dump(mode="json", include={"subject", "item_id", "assignee", "due", "version"})


def list_assignments(
    session: Session, actor: Actor, subject: str | None = None, today: date | None = None
) -> list[AssignmentOut]:
    """Every item of the organization with an assignee or a due date (cleared ones are left out)."""
    state = progress(session, actor)
    day = today_or(today)
    return [
        _out(session, row, state, day)
        for row in repo.for_org(session, actor.org_id, subject)
        if row.assignee_id is not None or row.due is not None
    ]


def by_item(session: Session, actor: Actor, subject: str, today: date | None = None) -> dict[str, AssignmentOut]:
    """The assignments of one subject by item id (what the questionnaire and the roadmap show beside each)."""
    return {a.item_id: a for a in list_assignments(session, actor, subject, today)}


def get_assignment(
    session: Session, actor: Actor, subject: str, item_id: str, today: date | None = None
) -> AssignmentOut | None:
    """The item's assignment, or None when it has none (never assigned, or cleared)."""
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, subject, item_id)
    if row is None or (row.assignee_id is None and row.due is None):
        return None
    return _out(session, row, progress(session, actor), today_or(today))


def stored_version(session: Session, actor: Actor, subject: str, item_id: str) -> int | None:
    """The version a change must name (a cleared assignment keeps counting), None when never assigned."""
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, subject, item_id)
    return row.version if row is not None else None


def check_item(session: Session, actor: Actor, subject: str, item_id: str) -> str:
    """The item's title; NotFound when the model has no such objective."""
    objective = find_objective(session, actor, item_id)
    if subject == "roadmap" and repo.get(session, actor.org_id, subject, item_id) is None:
        latest = latest_assessment(session, actor)
        if latest is None or item_id not in roadmap_ids(latest.result):
            raise Invalid("item_id", f"{item_id} is not on the latest assessment's roadmap")
    return objective.title


def assign(
    session: Session, actor: Actor, subject: str, item_id: str, body: AssignmentIn, today: date | None = None
) -> AssignmentOut:
    """Set (or clear, with an empty assignee and no due date) who does the item by when."""
    actor.require(Permission.RUN_ASSESSMENT)
    title = check_item(session, actor, subject, item_id)
    assignee = notifications.member_by_email(session, actor.org_id, body.assignee) if body.assignee else None
    if body.assignee and assignee is None:
        raise Invalid("assignee", f"{body.assignee} is not a member of this organization")
    state = progress(session, actor)
    day = today_or(today)
    values = {
        "assignee_id": assignee.id if assignee is not None else None,
        "due": body.due,
        "assigned_by": actor.label,
        "updated_at": utcnow(),
    }
    current = repo.get(session, actor.org_id, subject, item_id)
    before = _out(session, current, state, day) if current is not None else None
    if body.version is None:
        if current is not None:
            raise StaleWrite(before, f"{item_id} has an assignment already (version {current.version})")
        row = AssignmentRow(organization_id=actor.org_id, subject=subject, item_id=item_id, version=1, **values)
        if not repo.insert(session, row):
            session.expire_all()
            now = repo.get(session, actor.org_id, subject, item_id)
            raise StaleWrite(_out(session, now, state, day) if now else None, f"{item_id} was assigned meanwhile")
    else:
        if current is None:
            raise NotFound(f"{item_id} has no assignment to change")
        if not repo.update_if_version(session, actor.org_id, subject, item_id, body.version, values):
            session.expire_all()
            now = repo.get(session, actor.org_id, subject, item_id)
            raise StaleWrite(
                _out(session, now, state, day) if now else None,
                f"the assignment of {item_id} changed since you read it (now version {now.version if now else '-'})",
            )
        row = repo.refresh(session, current)
    saved = _out(session, row, state, day)
    cleared = assignee is None and body.due is None
    audit.append(
        session,
        actor,
        "assignment.clear" if cleared else "assignment.set",
        "assignment",
        f"{subject}:{item_id}",
        _audited(before) if before else None,
        _audited(saved),
    )
    if assignee is not None and (before is None or before.assignee.casefold() != assignee.email.casefold()):
        word = SUBJECT_WORDS[subject]
        due = f", due {body.due.isoformat()}" if body.due else ""
        notifications.notify(
            session,
            actor.org_id,
            assignee,
            "assigned",
            f"aisma: {actor.email or 'someone'} assigned you {word} {item_id}{due}",
            f"{actor.email or 'Someone'} assigned you the {word} {item_id} ({title}){due}.",
            item_path(actor.org_slug, subject, item_id),
            by=actor,
        )
    return saved


def item_path(org_slug: str, subject: str, item_id: str) -> str:
    """The page of one item: its assignment and its comments."""
    return f"/orgs/{org_slug}/work/{subject}/{item_id}"


def assigned_to(session: Session, actor: Actor, user_id: int) -> Iterable[AssignmentRow]:
    actor.require(Permission.READ)
    return repo.of_assignee(session, actor.org_id, user_id)
