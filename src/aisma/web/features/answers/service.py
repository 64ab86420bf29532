"""Answers to the model's objectives, with optimistic concurrency on a version number, and evidence reviews.

A save names the version it read (``expected_version``; None only to create). The repository
applies it as one ``UPDATE ... WHERE version = :expected``, so of N concurrent writers that read the
same version exactly one wins and the others get ``StaleWrite`` with the current record.

An answer's evidence proves something only when a cited file is stored on the server, or when an
assessor accepted it (``review_evidence``): a URL, or a file that is not stored, is "cited,
unverified" and does not count as evidence (``aisma.scoring.inputs.Answer.evidence_status``).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from aisma.inventory.schema import AISystem
from aisma.maturity.schema import Objective
from aisma.scoring.inputs import ANSWER_WORDS
from aisma.scoring.objectives import applies
from aisma.server.auth import Actor, Permission, Role
from aisma.server.errors import Forbidden, Invalid, NotFound, StaleWrite
from aisma.server.models import model_for
from aisma.store.repositories import answers as repo
from aisma.store.repositories import assignments as assignments_repo
from aisma.store.repositories import systems as systems_repo
from aisma.store.tables import AnswerRow
from aisma.store.types import utcnow
from aisma.web.features.answers.schemas import AnswerOut, EvidenceReviewOut
from aisma.web.features.audit import service as audit


def _review(row: AnswerRow) -> EvidenceReviewOut | None:
    if row.evidence_review not in ("accepted", "rejected"):
        return None
    return EvidenceReviewOut(
        decision=row.evidence_review,
        by=row.reviewed_by or "",
        at=row.reviewed_at,
        note=row.review_note or "",
    )


def record(row: AnswerRow) -> AnswerOut:
    return AnswerOut(
        objective_id=row.objective_id,
        answer=row.answer,
        note=row.note,
        justification=row.justification,
        evidence=list(row.evidence),
        answered_by=row.answered_by,
        answered_at=row.answered_at,
        expires=row.expires,
        version=row.version,
        evidence_review=_review(row),
        status=row.status if row.status in ANSWER_STATUSES else "draft",
        status_by=row.status_by or "",
        status_at=row.status_at,
        status_reason=row.status_reason or "",
    )


def audited(answer: AnswerOut) -> dict[str, Any]:
    """The answer as its audit entries record it (ISO dates)."""
    data = answer.model_dump()
    data["answered_at"] = answer.answered_at.isoformat() if answer.answered_at else None
    data["expires"] = answer.expires.isoformat() if answer.expires else None
    data["status_at"] = answer.status_at.isoformat() if answer.status_at else None
    review = data.get("evidence_review")
    if review is not None:
        review["at"] = review["at"].isoformat() if review.get("at") else None
    return data


NO_REVIEW: dict[str, Any] = {"evidence_review": None, "reviewed_by": None, "reviewed_at": None, "review_note": None}
# What every save sets: a changed answer is a draft until it is submitted again (aisma.web.features.reviews).
DRAFT: dict[str, Any] = {"status": "draft", "status_by": None, "status_at": None, "status_reason": None}
ANSWER_STATUSES = ("draft", "submitted", "accepted", "returned")


def list_answers(session: Session, actor: Actor) -> list[AnswerOut]:
    actor.require(Permission.READ)
    return [record(row) for row in repo.list_for_org(session, actor.org_id)]


def answer_versions(session: Session, org_id: int) -> dict[str, str]:
    """Each answer's version (as text): the workbook records them so its import can spot stale cells."""
    return {row.objective_id: str(row.version) for row in repo.list_for_org(session, org_id)}


def get_answer(session: Session, actor: Actor, objective_id: str) -> AnswerOut:
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, objective_id)
    if row is None:
        raise NotFound(f"no answer for {objective_id}")
    return record(row)


def find_objective(session: Session, actor: Actor, objective_id: str) -> Objective:
    model = model_for(session, actor)
    for objective in model.objectives():
        if objective.id == objective_id:
            return objective
    raise NotFound(f"{objective_id} is not an objective of model {model.id}")


def may_answer(session: Session, actor: Actor, objective: Objective) -> bool:
    """Contributors answer objectives that concern a system they own (owner = their email), and the
    objectives assigned to them.

    An objective with no ``applies_to`` condition concerns the whole program, so it is the
    assessors' to answer.
    """
    if not actor.can(Permission.ANSWER):
        return False
    if actor.role != Role.CONTRIBUTOR:
        return True
    if assignments_repo.is_assigned(session, actor.org_id, "objective", objective.id, actor.user_id):
        return True  # an assessor gave it to them (aisma.web.features.work)
    conditions = objective.applies_to
    if conditions.program_wide:
        return False
    owned = [AISystem.model_validate(row.document) for row in systems_repo.owned_by(session, actor.org_id, actor.email)]
    return any(system.active and applies(conditions, [system]) for system in owned)


def _validate(answer: str, justification: str, evidence: list[str] | tuple[str, ...]) -> None:
    if answer not in ANSWER_WORDS:
        raise Invalid("answer", f"must be one of {', '.join(ANSWER_WORDS)}")
    if answer == "na" and not justification.strip():
        raise Invalid("justification", "answer na needs a justification")
    for index, ref in enumerate(evidence):
        if not isinstance(ref, str) or not ref.strip() or len(ref) > 2000:
            raise Invalid(f"evidence[{index}]", "must be a workspace path, a URL or sha256:<hex>")


def save_answer(
    session: Session,
    actor: Actor,
    objective_id: str,
    answer: str,
    note: str = "",
    evidence: list[str] | tuple[str, ...] = (),
    expires: date | None = None,
    expected_version: int | None = None,
    justification: str = "",
    *,
    answered_by: str | None = None,
    answered_at: datetime | None = None,
) -> AnswerOut:
    """Create (``expected_version`` None) or update an answer; returns the record with its new version."""
    actor.require(Permission.ANSWER)
    objective = find_objective(session, actor, objective_id)
    if not may_answer(session, actor, objective):
        raise Forbidden(f"{actor.email or 'this user'} owns no system that {objective_id} concerns")
    _validate(answer, justification, evidence)
    values: dict[str, Any] = {
        "answer": answer,
        "note": note.strip(),
        "justification": justification.strip(),
        "evidence": [ref.strip() for ref in evidence],
        "answered_by": actor.email if answered_by is None else answered_by,
        "answered_at": utcnow() if answered_at is None else answered_at,
        "expires": expires,
        **NO_REVIEW,  # a review was of the answer as it was
        **DRAFT,
    }
    current = repo.get(session, actor.org_id, objective_id)
    if expected_version is None:
        if current is not None:
            raise StaleWrite(record(current), f"{objective_id} already has an answer (version {current.version})")
        row = AnswerRow(organization_id=actor.org_id, objective_id=objective_id, version=1, **values)
        if not repo.insert(session, row):
            raise StaleWrite(_current(session, actor, objective_id), f"{objective_id} was answered meanwhile")
        saved, before = record(row), None
    else:
        if current is None:
            raise NotFound(f"no answer for {objective_id}")
        before = record(current)
        if not repo.update_if_version(session, actor.org_id, objective_id, expected_version, values):
            raise StaleWrite(_current(session, actor, objective_id))
        saved = record(repo.refresh(session, current))
    audit.append(
        session, actor, "answer.save", "answer", objective_id, audited(before) if before else None, audited(saved)
    )
    return saved


def review_evidence(
    session: Session, actor: Actor, objective_id: str, decision: str, expected_version: int, note: str = ""
) -> AnswerOut:
    """Accept or reject the evidence answer ``objective_id`` cites, as it is at ``expected_version``.

    Assessors and owners only, never on an answer they gave themselves (four eyes); a rejection
    says why. The review is audited; it does not bump the version, and the next save clears it.
    """
    actor.require(Permission.REVIEW_EVIDENCE)
    if decision not in ("accepted", "rejected"):
        raise Invalid("decision", "must be accepted or rejected")
    if decision == "rejected" and not note.strip():
        raise Invalid("note", "a rejection needs a reason (what is wrong with the evidence)")
    row = repo.get(session, actor.org_id, objective_id)
    if row is None:
        raise NotFound(f"no answer for {objective_id}")
    if not row.evidence:
        raise Invalid("evidence", f"{objective_id} cites no evidence to review")
    if actor.email and row.answered_by.strip().casefold() == actor.email.casefold():
        raise Forbidden(f"{actor.email} gave this answer; someone else must review its evidence")
    before = record(row)
    values = {"evidence_review": decision, "reviewed_by": actor.email, "reviewed_at": utcnow(), "review_note": note}
    if not repo.review_if_version(session, actor.org_id, objective_id, expected_version, values):
        raise StaleWrite(_current(session, actor, objective_id), f"{objective_id} changed since you opened it")
    saved = record(repo.refresh(session, row))
    audit.append(session, actor, f"answer.evidence_{decision}", "answer", objective_id, audited(before), audited(saved))
    return saved


def _current(session: Session, actor: Actor, objective_id: str) -> AnswerOut | None:
    session.expire_all()
    row = repo.get(session, actor.org_id, objective_id)
    return record(row) if row is not None else None
