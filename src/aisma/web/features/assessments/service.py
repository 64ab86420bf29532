"""Assessments on the server: freeze the organization's state into inputs, score, store a snapshot.

The inputs are built by the same ``aisma.workspace.inputs.freeze_inputs`` the files-first workspace
uses, from the database instead of files: model, inventory, answers (with their evidence resolved
against stored files), the latest pushed measurement per metric and source file, and the observed AI
assets (discovery) every push source sent last.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.orm import Session

from aisma.assessment import assess
from aisma.assurance.kpis import KpiSeries, kpi_points, kpi_series
from aisma.errors import InputError
from aisma.inventory.providers import parse_settings
from aisma.layout import CONFIG_FILE, INVENTORY_FILE
from aisma.maturity.releases import dropped_objectives, moved_objectives
from aisma.maturity.schema import MaturityModel
from aisma.scoring.inputs import Answer, AssessmentInput, EvidenceRef, EvidenceReview, Source
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid, NotFound
from aisma.server.models import model_by_id
from aisma.store.db import Database
from aisma.store.repositories import answers as answers_repo
from aisma.store.repositories import assessments as repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import systems as systems_repo
from aisma.store.tables import AnswerRow, AssessmentRow, Organization
from aisma.store.types import utcnow
from aisma.web.features.assessments.schemas import AssessmentOut, AssessmentSummary, CategoryPoint, TrendPoint
from aisma.web.features.audit import service as audit
from aisma.web.features.evidence.service import resolve_refs
from aisma.web.features.inventory.service import inventory_of
from aisma.web.features.measurements.observed import current_observed
from aisma.web.features.measurements.service import current_measurements
from aisma.workspace.clock import TimeBasis, assessment_time, parse_pin
from aisma.workspace.config import TargetsConfig
from aisma.workspace.inputs import freeze_inputs


def _summary(row: AssessmentRow) -> AssessmentSummary:
    return AssessmentSummary.model_validate(row)


def _stored(session: Session, row: AssessmentRow) -> AssessmentOut:
    return AssessmentOut(**_summary(row).model_dump(), result=repo.result_of(session, row.id))


def _org(session: Session, actor: Actor) -> Organization:
    org = orgs_repo.get(session, actor.org_id)
    if org is None:
        raise NotFound(f"organization {actor.org_slug} not found")
    return org


def _answers(session: Session, org_id: int, warnings: list[str], as_of: date | None = None) -> tuple[Answer, ...]:
    """The stored answers with their evidence resolved as of ``as_of`` (the assessment's day; default
    today): a stored file whose expiry date has passed counts as no file, like a lapsed attestation."""
    stored = resolve_refs(session, org_id, as_of)
    org = orgs_repo.get(session, org_id)
    review_required = bool(org is not None and org.review_required)
    withheld: list[str] = []
    out: list[Answer] = []
    for row in answers_repo.list_for_org(session, org_id):
        refs: list[EvidenceRef] = []
        if review_required and row.status != "accepted":
            # Review required: an answer nobody accepted yet still counts, its evidence does not.
            if row.evidence:
                withheld.append(row.objective_id)
            out.append(_answer(row, (), None))
            continue
        for ref in row.evidence:
            if ref.startswith(("https://", "http://")):
                refs.append(EvidenceRef(ref=ref, exists=None))
            elif ref in stored and stored[ref].expired:
                when = stored[ref].expires_on
                warnings.append(f"answers: {row.objective_id}: evidence {ref} expired on {when}; not counted")
                refs.append(EvidenceRef(ref=ref, exists=False, sha256=stored[ref].sha256))
            elif ref in stored:
                refs.append(EvidenceRef(ref=ref, exists=True, sha256=stored[ref].sha256))
            else:
                warnings.append(f"answers: {row.objective_id}: evidence {ref} is not stored on the server; not counted")
                refs.append(EvidenceRef(ref=ref, exists=False))
        out.append(_answer(row, tuple(refs), _review(row)))
    if withheld:
        warnings.append(
            f"answers: review is required and {len(withheld)} answer(s) citing evidence are not accepted yet, "
            f"so their evidence is not counted: {', '.join(withheld)}"
        )
    return tuple(out)


def _answer(row: AnswerRow, refs: tuple[EvidenceRef, ...], review: EvidenceReview | None) -> Answer:
    return Answer(
        objective_id=row.objective_id,
        answer=row.answer,  # type: ignore[arg-type]  # checked against ANSWER_WORDS on save
        note=row.note,
        justification=row.justification,
        evidence=refs,
        by=row.answered_by,
        at=row.answered_at.date() if row.answered_at else None,
        expires=row.expires,
        review=review,
    )


def _review(row: AnswerRow) -> EvidenceReview | None:
    if row.evidence_review not in ("accepted", "rejected"):
        return None
    decision: Literal["accepted", "rejected"] = "accepted" if row.evidence_review == "accepted" else "rejected"
    return EvidenceReview(decision=decision, by=row.reviewed_by or "", at=row.reviewed_at, note=row.review_note or "")


def carry_moved(answers: tuple[Answer, ...], model: MaturityModel, warnings: list[str]) -> tuple[Answer, ...]:
    """Answers stored for an objective a model release moved count for its new id; others outside the model do not.

    The server keeps answers by objective id; when the built-in model moves an objective to another level it
    gets a new id (``aisma.maturity.releases``). A kept answer is counted for the new id (unless that id has an
    answer of its own) with a warning to review it; the stored row is left as it was.
    """
    known = {o.id for o in model.objectives()}
    moved = moved_objectives(model.id, model.version)
    retired = dropped_objectives(model.id, model.version)
    answered = {a.objective_id for a in answers}
    out: list[Answer] = []
    for answer in answers:
        if answer.objective_id in known:
            out.append(answer)
            continue
        change = moved.get(answer.objective_id)
        target = change.moved_to if change else None
        if change is not None and change.keep and target in known and target not in answered:
            out.append(replace(answer, objective_id=target))
            answered.add(target)
            warnings.append(
                f"answers: {answer.objective_id} moved to {target} in {model.id} {model.version}; its answer counts "
                f"for {target}, review it ({change.why})"
            )
        else:
            where = f"{model.id} {model.version}"
            dropped = retired.get(answer.objective_id)
            why = f" (a release dropped it: {dropped.why})" if dropped is not None else ""
            warnings.append(f"answers: {answer.objective_id} is not an objective of {where}; not counted{why}")
    return tuple(out)


def stored_answers(session: Session, org_id: int) -> tuple[Answer, ...]:
    """The organization's current answers as the scoring and the reports read them."""
    return _answers(session, org_id, [])


def pinned_time(org: Organization) -> datetime | None:
    """The organization's ``as_of`` (from the aisma.yaml it was imported from), or None."""
    try:
        return parse_pin((org.settings or {}).get("as_of"))
    except ValueError as exc:
        raise Invalid("settings.as_of", str(exc)) from None


def _when(org: Organization, at: datetime | None) -> tuple[datetime, TimeBasis]:
    if at is not None and at.tzinfo is None:
        raise Invalid("at", "must include a time zone")
    if at is None and pinned_time(org) is None:
        return utcnow(), "now"
    return assessment_time(at, pinned_time(org))


def build_input(session: Session, org: Organization, assessed_at: datetime, time_basis: str = "at") -> AssessmentInput:
    """The frozen inputs of one assessment of ``org`` from what the database holds now."""
    settings: dict[str, Any] = dict(org.settings or {})
    try:
        targets = TargetsConfig.model_validate(settings.get("targets") or {})
        collectors = settings.get("collectors") or {}
        inventory_settings = parse_settings(collectors.get("inventory"), Path(CONFIG_FILE))
    except (ValidationError, InputError) as exc:
        raise Invalid("settings", str(exc).splitlines()[0]) from None
    inventory = inventory_of(session, org.id)
    documents = [row.document for row in systems_repo.list_for_org(session, org.id)]
    digest = hashlib.sha256(json.dumps(documents, sort_keys=True, separators=(",", ":")).encode()).hexdigest()
    warnings: list[str] = []
    model = model_by_id(org.model_id)
    answers = carry_moved(_answers(session, org.id, warnings, assessed_at.astimezone(UTC).date()), model, warnings)
    return freeze_inputs(
        organization=str(settings.get("organization") or org.name),
        model=model,
        assessed_at=assessed_at,
        inventory=inventory,
        inventory_source=Source(tool="inventory", file=INVENTORY_FILE, sha256=digest),
        inventory_settings=inventory_settings,
        answers=answers,
        targets=targets,
        observed=current_observed(session, org.id),
        measurements=current_measurements(session, org.id),
        warnings=tuple(warnings),
        time_basis=time_basis,
    )


def _category_points(result: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {"id": c["id"], "level": c["level"], "score": c["score"], "evidenced_level": c["evidenced_level"]}
        for c in result.get("categories", [])
    ]


def compute(session: Session, actor: Actor, at: datetime | None = None) -> tuple[datetime, dict[str, Any]]:
    """Score the organization as of ``at``, else its pinned ``as_of``, else now: (assessed_at, result dict).

    Writes nothing.
    """
    actor.require(Permission.RUN_ASSESSMENT)
    org = _org(session, actor)
    assessed_at, basis = _when(org, at)
    return assessed_at, assess(build_input(session, org, assessed_at, basis)).to_dict()


def store(session: Session, actor: Actor, assessed_at: datetime, result: dict[str, Any]) -> AssessmentSummary:
    """Store a computed result as a snapshot, with its audit entry: one short write."""
    actor.require(Permission.RUN_ASSESSMENT)
    overall = result["overall"]
    row = repo.add(
        session,
        AssessmentRow(
            organization_id=actor.org_id,
            assessed_at=assessed_at,
            model_id=result["model"]["id"],
            model_version=result["model"]["version"],
            level=overall["level"],
            score=overall["score"],
            evidenced_level=overall["evidenced_level"],
            summary={
                "evidenced_score": overall.get("evidenced_score"),
                "categories": _category_points(result),
                "kpis": kpi_points(result),
            },
            created_by=actor.label,
        ),
        result,
    )
    after = {
        "assessed_at": assessed_at.isoformat(),
        "level": row.level,
        "score": row.score,
        "evidenced_level": row.evidenced_level,
    }
    audit.append(session, actor, "assessment.run", "assessment", row.id, None, after)
    return _summary(row)


def run_assessment(session: Session, actor: Actor, at: datetime | None = None) -> AssessmentSummary:
    """Compute and store in the caller's transaction (the CLI, tests); the server uses ``assess_and_store``."""
    assessed_at, result = compute(session, actor, at)
    return store(session, actor, assessed_at, result)


def read_inputs(session: Session, actor: Actor, at: datetime | None = None) -> tuple[datetime, AssessmentInput]:
    """The frozen inputs of an assessment of the actor's organization (reads only)."""
    actor.require(Permission.RUN_ASSESSMENT)
    org = _org(session, actor)
    assessed_at, basis = _when(org, at)
    return assessed_at, build_input(session, org, assessed_at, basis)


def assess_and_store(database: Database, actor: Actor, at: datetime | None = None) -> AssessmentSummary:
    """Read the inputs in a read-only transaction, score outside any transaction, then store in one short write.

    Scoring thousands of systems takes seconds; no lock is held meanwhile, so every other write (an
    answer saved, a measurement pushed) goes on. What changes in between is in the next assessment.
    The server runs it as the ``assessment.run`` job (``jobs.py``); the CLI and benchmarks call it.
    """
    with database.transaction(readonly=True) as session:
        assessed_at, inputs = read_inputs(session, actor, at)
    result = assess(inputs).to_dict()
    with database.transaction() as session:
        return store(session, actor, assessed_at, result)


def list_assessments(session: Session, actor: Actor) -> list[AssessmentSummary]:
    """Newest first, without the result documents."""
    actor.require(Permission.READ)
    return [_summary(row) for row in repo.list_for_org(session, actor.org_id)]


def get_assessment(session: Session, actor: Actor, assessment_id: int) -> AssessmentOut:
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, assessment_id)
    if row is None:
        raise NotFound(f"assessment {assessment_id} not found")
    return _stored(session, row)


def latest_assessment(session: Session, actor: Actor) -> AssessmentOut | None:
    actor.require(Permission.READ)
    row = repo.latest(session, actor.org_id)
    return _stored(session, row) if row is not None else None


def latest_result_text(session: Session, actor: Actor) -> tuple[int, str] | None:
    """The latest assessment's id and its result as stored JSON text (for ``GET /results/latest``)."""
    actor.require(Permission.READ)
    row = repo.latest(session, actor.org_id)
    if row is None:
        return None
    text = repo.result_text_of(session, row.id)
    return (row.id, text) if text is not None else None


def trend(session: Session, actor: Actor) -> list[TrendPoint]:
    """Overall and per-category levels of every stored assessment, oldest first (for the dashboard)."""
    actor.require(Permission.READ)
    return _trend_points(repo.list_for_org(session, actor.org_id))


def kpi_trend(session: Session, actor: Actor, last: int = 50, metric: str | None = None) -> list[KpiSeries]:
    """Every KPI's values over the last ``last`` assessments, oldest first, from the summary rows (never the
    result blobs, except once for an assessment stored before KPI points were kept)."""
    actor.require(Permission.READ)
    return _kpi_series(session, repo.list_for_org(session, actor.org_id), last, metric)


def dashboard_series(session: Session, actor: Actor) -> tuple[list[TrendPoint], list[KpiSeries]]:
    """``trend`` and ``kpi_trend`` from one read of the assessment rows (the dashboard shows both;
    each read decodes every row's summary)."""
    actor.require(Permission.READ)
    rows = repo.list_for_org(session, actor.org_id)
    return _trend_points(rows), _kpi_series(session, rows, 50, None)


def _trend_points(newest_first: Sequence[AssessmentRow]) -> list[TrendPoint]:
    points: list[TrendPoint] = []
    for row in reversed(newest_first):
        summary = row.summary or {}
        points.append(
            TrendPoint(
                assessment_id=row.id,
                assessed_at=row.assessed_at,
                level=row.level,
                score=row.score,
                evidenced_level=row.evidenced_level,
                evidenced_score=summary.get("evidenced_score"),
                categories=[CategoryPoint(**c) for c in summary.get("categories", [])],
            )
        )
    return points


def _kpi_series(
    session: Session, newest_first: Sequence[AssessmentRow], last: int, metric: str | None
) -> list[KpiSeries]:
    points = []
    for row in reversed(newest_first[:last]):
        summary = row.summary or {}
        kpis = summary["kpis"] if "kpis" in summary else kpi_points(repo.result_of(session, row.id))
        if metric is not None:
            kpis = [k for k in kpis if k.get("metric") == metric]
        points.append((row.id, row.assessed_at, kpis))
    return kpi_series(points)
