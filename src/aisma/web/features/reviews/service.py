"""The answer life cycle: draft -> submitted -> accepted, or returned with a reason and submitted again.

Every save of an answer makes it a draft (``answers.service.save_answer``). Whoever may answer the
objective submits it; an assessor or owner - never the person who gave or submitted it (four eyes) -
accepts it or returns it with a reason (emailed to the answerer and to the member the objective is
assigned to). Each move names the version it saw, so a decision on an
answer that changed meanwhile is a ``StaleWrite``, and each is audited in the organization's chain.

Where the organization requires review (``Organization.review_required``), only accepted answers
count as evidenced: the assessment withholds the evidence of every other answer
(``assessments.service``), so its level still counts but its evidenced level does not.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.server.errors import Forbidden, Invalid, NotFound, StaleWrite
from aisma.store.repositories import answers as repo
from aisma.store.repositories import assignments as assignments_repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import users as users_repo
from aisma.store.tables import AnswerRow
from aisma.store.types import utcnow
from aisma.web.features.answers import service as answers
from aisma.web.features.answers.schemas import AnswerOut
from aisma.web.features.audit import service as audit
from aisma.web.features.notifications import service as notifications
from aisma.web.features.reviews.schemas import ReviewQueueOut

# Which status each move starts from.
SUBMITTABLE = ("draft", "returned")
DECIDABLE = ("submitted",)


def review_required(session: Session, org_id: int) -> bool:
    org = orgs_repo.get(session, org_id)
    return bool(org is not None and org.review_required)


def _row(session: Session, actor: Actor, objective_id: str) -> AnswerRow:
    row = repo.get(session, actor.org_id, objective_id)
    if row is None:
        raise NotFound(f"no answer for {objective_id}")
    return row


def _move(
    session: Session, actor: Actor, row: AnswerRow, expected_version: int, status: str, reason: str, action: str
) -> AnswerOut:
    before = answers.record(row)
    values = {"status": status, "status_by": actor.email, "status_at": utcnow(), "status_reason": reason}
    if not repo.set_status_if_version(session, actor.org_id, row.objective_id, expected_version, values):
        session.expire_all()
        current = repo.get(session, actor.org_id, row.objective_id)
        raise StaleWrite(
            answers.record(current) if current is not None else None,
            f"{row.objective_id} changed since you opened it (now version {current.version if current else '-'})",
        )
    saved = answers.record(repo.refresh(session, row))
    audit.append(session, actor, action, "answer", row.objective_id, answers.audited(before), answers.audited(saved))
    return saved


def submit_answer(session: Session, actor: Actor, objective_id: str, expected_version: int) -> AnswerOut:
    """Submit a draft or returned answer for review (whoever may answer the objective)."""
    actor.require(Permission.ANSWER)
    row = _row(session, actor, objective_id)
    objective = answers.find_objective(session, actor, objective_id)
    if not answers.may_answer(session, actor, objective):
        raise Forbidden(f"{actor.email or 'this user'} may not answer {objective_id}, so may not submit it")
    if row.status not in SUBMITTABLE:
        raise Invalid("status", f"{objective_id} is {row.status}; only a draft or a returned answer can be submitted")
    return _move(session, actor, row, expected_version, "submitted", "", "answer.submit")


def decide_answer(
    session: Session, actor: Actor, objective_id: str, decision: str, expected_version: int, reason: str = ""
) -> AnswerOut:
    """Accept a submitted answer or return it with a reason.

    Assessors and owners only, and never the person who gave or submitted the answer (four eyes).
    """
    actor.require(Permission.REVIEW_EVIDENCE)
    if decision not in ("accepted", "returned"):
        raise Invalid("decision", "must be accepted or returned")
    reason = reason.strip()
    if decision == "returned" and not reason:
        raise Invalid("reason", "returning an answer needs a reason (what the answerer must change)")
    row = _row(session, actor, objective_id)
    if row.status not in DECIDABLE:
        raise Invalid("status", f"{objective_id} is {row.status}; only a submitted answer can be accepted or returned")
    me = (actor.email or "").casefold()
    if me and row.answered_by.strip().casefold() == me:
        raise Forbidden(f"{actor.email} gave this answer; someone else must review it")
    if me and (row.status_by or "").strip().casefold() == me:
        raise Forbidden(f"{actor.email} submitted this answer; someone else must review it")
    action = "answer.accept" if decision == "accepted" else "answer.return"
    saved = _move(session, actor, row, expected_version, decision, reason, action)
    if decision == "returned":
        _tell_returned(session, actor, saved, reason)
    return saved


def _tell_returned(session: Session, actor: Actor, answer: AnswerOut, reason: str) -> None:
    """Email the answerer, and the member the objective is assigned to, that the answer came back."""
    told: set[int] = set()
    users = [notifications.member_by_email(session, actor.org_id, answer.answered_by)]
    assignment = assignments_repo.get(session, actor.org_id, "objective", answer.objective_id)
    if assignment is not None and assignment.assignee_id is not None:
        users.append(users_repo.get(session, assignment.assignee_id))
    for user in users:
        if user is None or user.id in told:
            continue
        told.add(user.id)
        notifications.notify(
            session,
            actor.org_id,
            user,
            "returned",
            f"aisma: {actor.email or 'an assessor'} returned the answer to {answer.objective_id}",
            f"{actor.email or 'An assessor'} returned the answer to {answer.objective_id}. Reason: {reason}",
            f"/orgs/{actor.org_slug}/work/objective/{answer.objective_id}",
            by=actor,
        )


STATUSES = ("submitted", "returned", "draft", "accepted")


def review_queue(session: Session, actor: Actor) -> ReviewQueueOut:
    """Every answer by where it is in the life cycle, for the reviews page and the API.

    An organization has at most one answer per objective of its model, so the lists stay as short
    as the model; the page filters and pages them in memory.
    """
    actor.require(Permission.READ)
    rows = repo.with_status(session, actor.org_id, STATUSES)
    by_status: dict[str, list[AnswerOut]] = {status: [] for status in STATUSES}
    for row in rows:
        by_status[row.status].append(answers.record(row))
    return ReviewQueueOut(
        review_required=review_required(session, actor.org_id),
        submitted=by_status["submitted"],
        returned=by_status["returned"],
        drafts=by_status["draft"],
        accepted=by_status["accepted"],
    )
