"""Findings: what blocks an objective, tracked to done, each with an owner, a severity, a status and a
due date.

Three kinds come from the organization's latest assessment (``derive``), one per objective:
- ``gap``: an applicable objective not met at or below its category's target level;
- ``conflict``: a measurement contradicts the answer;
- ``failed_measurement``: the objective's measurement scores it ``not`` or ``partially``.
The fourth, ``remark``, is an auditor's, written by hand. Deriving again adds only what is new (the
key ``<kind>:<objective>`` is unique per organization) and never touches a finding people already
own, whatever its status.

Every later assessment follows the derived findings up (``follow_assessment``, in the assessment's
own write): an open or in-progress finding whose cause it no longer shows is resolved, naming that
assessment (``closed_by_assessment_id``); a resolved one whose cause it shows again is reopened.
Both are audited (``finding.auto_resolve``, ``finding.reopen``). An accepted risk stays accepted.

A finding's roadmap item is the latest roadmap's item for the objective it blocks: meeting that
objective is what would close it (``roadmap``, and the roadmap page lists each item's findings).

Severity of a derived finding, by rule: a conflict is high; a gap or failed measurement is high at
level 1, medium at level 2 and low above. Assessors and owners create, derive and change findings;
the member a finding is assigned to may move its status (to in progress, resolved) too, and is told
by email when it is assigned to them. Every change is audited and names the version it saw (a newer
one is a ``StaleWrite``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any
from urllib.parse import quote
from uuid import uuid4

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.server.errors import Forbidden, Invalid, NotFound, StaleWrite
from aisma.store.repositories import findings as repo
from aisma.store.tables import FindingRow
from aisma.store.types import utcnow
from aisma.web.features.assessments.service import latest_assessment
from aisma.web.features.audit import service as audit
from aisma.web.features.findings.schemas import (
    DeriveOut,
    FindingChange,
    FindingOut,
    FollowedOut,
    RemarkIn,
    RoadmapLink,
)
from aisma.web.features.notifications import service as notifications
from aisma.web.features.organizations import service as accounts

FAILED_ANSWERS = ("not", "partially")
DERIVED_KINDS = ("gap", "conflict", "failed_measurement")


def record(row: FindingRow) -> FindingOut:
    return FindingOut.model_validate(row)


def _audited(finding: FindingOut) -> dict[str, Any]:
    return finding.model_dump(mode="json", exclude={"created_at", "updated_at", "roadmap"})


def roadmap_items(result: Mapping[str, Any] | None) -> dict[str, RoadmapLink]:
    """Objective id -> its item on the roadmap of an assessment result (each objective once)."""
    items: dict[str, RoadmapLink] = {}
    for phase in (result or {}).get("roadmap") or ():
        for item in phase.get("items") or ():
            oid = str(item.get("objective") or "")
            if oid and oid not in items:
                items[oid] = RoadmapLink(
                    objective_id=oid, phase=int(phase.get("phase") or 0), phase_title=str(phase.get("title") or "")
                )
    return items


def _with_roadmap(session: Session, actor: Actor, found: list[FindingOut]) -> list[FindingOut]:
    latest = latest_assessment(session, actor) if found else None
    items = roadmap_items(latest.result if latest is not None else None)
    return [f.model_copy(update={"roadmap": items.get(f.objective_id)}) if f.objective_id else f for f in found]


def list_findings(session: Session, actor: Actor) -> list[FindingOut]:
    """Every finding of the organization, newest first (the page and the API filter and page them),
    each with the latest roadmap's item that would close it."""
    actor.require(Permission.READ)
    return _with_roadmap(session, actor, [record(row) for row in repo.list_for_org(session, actor.org_id)])


def get_finding(session: Session, actor: Actor, finding_id: int) -> FindingOut:
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, finding_id)
    if row is None:
        raise NotFound(f"finding {finding_id} not found")
    return _with_roadmap(session, actor, [record(row)])[0]


def _check_owner(session: Session, actor: Actor, owner: str) -> str:
    """An owner is a member of the organization (by email), or nobody."""
    owner = owner.strip()
    if owner and owner.casefold() not in {m.email.casefold() for m in accounts.list_members(session, actor)}:
        raise Invalid("owner", f"{owner} is not a member of this organization")
    return owner


def create_remark(session: Session, actor: Actor, body: RemarkIn) -> FindingOut:
    """An auditor's remark as a finding (assessors and owners)."""
    actor.require(Permission.RUN_ASSESSMENT)
    now = utcnow()
    row = FindingRow(
        organization_id=actor.org_id,
        key=f"remark:{uuid4().hex}",
        kind="remark",
        title=body.title,
        detail=body.detail,
        objective_id=body.objective_id,
        severity=body.severity,
        status="open",
        owner=_check_owner(session, actor, body.owner),
        due=body.due,
        assessment_id=None,
        created_by=actor.label,
        created_at=now,
        updated_at=now,
        version=1,
    )
    repo.insert(session, row)
    saved = record(row)
    audit.append(session, actor, "finding.create", "finding", row.id, None, _audited(saved))
    _tell_owner(session, actor, saved)
    return _with_roadmap(session, actor, [saved])[0]


def _tell_owner(session: Session, actor: Actor, finding: FindingOut) -> None:
    """Email the member a finding was just assigned to (never the one who assigned it to themselves)."""
    user = notifications.member_by_email(session, actor.org_id, finding.owner)
    if user is None:
        return
    due = f", due {finding.due.isoformat()}" if finding.due else ""
    notifications.notify(
        session,
        actor.org_id,
        user,
        "assigned",
        f"aisma: {actor.email or 'someone'} assigned you finding {finding.id}{due}",
        f"{actor.email or 'Someone'} assigned you finding {finding.id} ({finding.severity}): {finding.title}{due}.",
        f"/orgs/{actor.org_slug}/findings?owner={quote(finding.owner)}#finding-{finding.id}",
        by=actor,
    )


def _severity(kind: str, level: int) -> str:
    if kind == "conflict":
        return "high"
    return "high" if level <= 1 else ("medium" if level == 2 else "low")


def derived(result: Mapping[str, Any]) -> Iterable[tuple[str, str, str, str, int]]:
    """(kind, objective id, title, detail, level) for every gap, conflict and failed measurement."""
    for category in result.get("categories", ()):
        target = category.get("target_level")
        for o in category.get("objectives", ()):
            if not o.get("applicable", True):
                continue
            level, oid, title = int(o.get("level", 0)), str(o.get("id", "")), str(o.get("title", ""))
            if o.get("status") == "unmet" and (target is None or level <= int(target)):
                yield "gap", oid, f"{oid} not met: {title}", f"Answer: {o.get('answer') or 'none'}.", level
            conflict = o.get("conflict")
            if conflict:
                text = conflict.get("message", "") if isinstance(conflict, Mapping) else str(conflict)
                yield "conflict", oid, f"{oid}: the measurement contradicts the answer", str(text), level
            m = o.get("measurement")
            if isinstance(m, Mapping) and m.get("fresh", True) and m.get("answer") in FAILED_ANSWERS:
                detail = (
                    f"{m.get('metric')} = {m.get('value')} (scores {m.get('answer')}), observed {m.get('observed_at')}"
                )
                yield "failed_measurement", oid, f"{oid}: measurement failed: {title}", detail, level


def derive(session: Session, actor: Actor) -> DeriveOut:
    """Record a finding for every gap, conflict and failed measurement of the latest assessment not
    recorded yet (assessors and owners); what exists is left as people set it."""
    actor.require(Permission.RUN_ASSESSMENT)
    latest = latest_assessment(session, actor)
    if latest is None:
        raise Invalid("assessment", "run an assessment first: findings come from the latest one")
    known = repo.keys(session, actor.org_id)
    created = existing = 0
    now = utcnow()
    for kind, objective_id, title, detail, level in derived(latest.result):
        key = f"{kind}:{objective_id}"
        if key in known:
            existing += 1
            continue
        row = FindingRow(
            organization_id=actor.org_id, key=key, kind=kind, title=title[:500], detail=detail,
            objective_id=objective_id, severity=_severity(kind, level), status="open", owner="", due=None,
            assessment_id=latest.id, created_by=actor.label, created_at=now, updated_at=now, version=1,
        )  # fmt: skip
        if repo.insert(session, row):
            known.add(key)
            created += 1
            audit.append(session, actor, "finding.create", "finding", row.id, None, _audited(record(row)))
        else:
            existing += 1
    return DeriveOut(assessment_id=latest.id, created=created, existing=existing)


def follow_assessment(session: Session, actor: Actor, assessment_id: int, result: Mapping[str, Any]) -> FollowedOut:
    """Resolve the derived findings whose cause ``result`` no longer shows, reopen the resolved ones it
    shows again (in the caller's transaction: the assessment's own write)."""
    shown = {f"{kind}:{objective_id}" for kind, objective_id, *_ in derived(result)}
    resolved: list[int] = []
    reopened: list[int] = []
    for row in repo.list_for_org(session, actor.org_id):
        if row.kind not in DERIVED_KINDS:
            continue
        if row.key not in shown and row.status in ("open", "in_progress"):
            values: dict[str, Any] = {"status": "resolved", "closed_by_assessment_id": assessment_id}
            action, done = "finding.auto_resolve", resolved
        elif row.key in shown and row.status == "resolved":
            values = {"status": "open", "closed_by_assessment_id": None}
            action, done = "finding.reopen", reopened
        else:
            continue
        before = record(row)
        if not repo.update_if_version(session, actor.org_id, row.id, row.version, {**values, "updated_at": utcnow()}):
            continue  # changed by someone meanwhile: the next assessment looks again
        after = record(repo.refresh(session, row))
        audit.append(
            session,
            actor,
            action,
            "finding",
            row.id,
            _audited(before),
            {**_audited(after), "by_assessment": assessment_id},
        )
        done.append(row.id)
    return FollowedOut(resolved=resolved, reopened=reopened)


def change_finding(session: Session, actor: Actor, finding_id: int, change: FindingChange) -> FindingOut:
    """Change severity, status, owner or due date (assessors and owners; the assignee its status)."""
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, finding_id)
    if row is None:
        raise NotFound(f"finding {finding_id} not found")
    values: dict[str, Any] = {}
    if change.severity is not None:
        values["severity"] = change.severity
    if change.status is not None:
        values["status"] = change.status
    if change.owner is not None:
        values["owner"] = _check_owner(session, actor, change.owner)
    if change.clear_due:
        values["due"] = None
    elif change.due is not None:
        values["due"] = change.due
    assignee = bool(row.owner) and row.owner.casefold() == (actor.email or "").casefold()
    if not actor.can(Permission.RUN_ASSESSMENT) and not (
        assignee and actor.can(Permission.ANSWER) and set(values) <= {"status"}
    ):
        raise Forbidden(f"{actor.email or 'this user'} may not change finding {finding_id}")
    before = record(row)
    if not repo.update_if_version(
        session, actor.org_id, finding_id, change.version, {**values, "updated_at": utcnow()}
    ):
        session.expire_all()
        current = repo.get(session, actor.org_id, finding_id)
        raise StaleWrite(
            record(current) if current is not None else None,
            f"finding {finding_id} changed since you opened it (now version {current.version if current else '-'})",
        )
    saved = record(repo.refresh(session, row))
    audit.append(session, actor, "finding.update", "finding", finding_id, _audited(before), _audited(saved))
    if saved.owner and saved.owner.casefold() != before.owner.casefold():
        _tell_owner(session, actor, saved)
    return _with_roadmap(session, actor, [saved])[0]


def overdue(finding: FindingOut, today: date) -> bool:
    return finding.due is not None and finding.status in ("open", "in_progress") and finding.due < today


def filtered(items: list[FindingOut], filters: Mapping[str, str | None]) -> list[FindingOut]:
    """What a list of findings keeps: one status, kind and severity each, an owner (any case), overdue only."""
    owner = (filters.get("owner") or "").casefold()
    today = utcnow().date()
    return [
        f
        for f in items
        if all(not filters.get(key) or getattr(f, key) == filters.get(key) for key in ("status", "kind", "severity"))
        and (not owner or f.owner.casefold() == owner)
        and (not filters.get("overdue") or overdue(f, today))
        and (not filters.get("objective") or f.objective_id == filters.get("objective"))
    ]
