"""The questionnaire pages. With script, answers save through the REST API (see static/aisma.js);
the form POST here is the same save for browsers without script, with the same version check."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from aisma.errors import AismaError
from aisma.maturity.schema import MaturityModel
from aisma.server import models
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid, NotFound, StaleWrite
from aisma.store.types import utcnow
from aisma.web import listing
from aisma.web.features.answers import service as answers
from aisma.web.features.answers.objectives import STATES, ObjectiveRow, objective_rows
from aisma.web.features.answers.view import find_category, progress, questionnaire_view
from aisma.web.features.assessments.service import latest_assessment, stored_answers
from aisma.web.features.evidence.service import resolve_refs
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reviews.service import STATUSES
from aisma.web.features.work.view import line_context
from aisma.web.render import org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, app_settings, require_csrf

router = APIRouter()


def _answers(session: Any, actor: Actor) -> dict[str, Any]:
    return {a.objective_id: a for a in answers.list_answers(session, actor)}


EXPORT_HEADER = (
    "objective", "category", "level", "title", "answer", "status", "assessed", "measured_value", "numerator",
    "denominator", "observed_at", "age_days", "stale", "conflict", "answered_by", "answered_at", "note",
)  # fmt: skip


def _rows(session: Any, actor: Actor, model: MaturityModel, answered: dict[str, Any]) -> list[ObjectiveRow]:
    latest = latest_assessment(session, actor)
    return objective_rows(model, answered, latest.result if latest is not None else None, utcnow())


def _export_row(row: ObjectiveRow) -> list[object]:
    a, m = row.answer, row.measured
    return [
        row.objective.id, row.category, row.objective.level, row.objective.title, a.answer if a else "",
        a.status if a else "", row.assessed, m.value if m else None, m.numerator if m else None,
        m.denominator if m else None, m.observed_at if m else None, m.age_days if m else None, row.stale,
        "yes" if row.conflict else "", a.answered_by if a else "", a.answered_at if a else None, a.note if a else "",
    ]  # fmt: skip


def _listed(
    request: Request, model: MaturityModel, rows: list[ObjectiveRow]
) -> tuple[dict[str, str], list[ObjectiveRow]]:
    """The objectives that the list's filters (show, category, level, status, text) let through."""
    filters = {
        "show": listing.choice(request, "show", STATES),
        "category": listing.choice(request, "category", [c.id for c in model.categories()]),
        "level": listing.choice(request, "level", [str(lv.level) for lv in model.levels]),
        "status": listing.choice(request, "status", (*STATUSES, "none")),
        "q": listing.text(request, "q", 100),
    }
    q = filters["q"].casefold()

    def keep(row: ObjectiveRow) -> bool:
        status = row.answer.status if row.answer is not None else "none"
        return (
            (not filters["show"] or row.is_(filters["show"]))
            and filters["category"] in ("", row.category)
            and filters["level"] in ("", str(row.objective.level))
            and filters["status"] in ("", status)
            and (not q or q in row.objective.id.casefold() or q in row.objective.title.casefold())
        )

    return filters, [row for row in rows if keep(row)]


@router.get("/orgs/{org}/questionnaire")
def index(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    model = models.model_for(session, actor)
    answered = _answers(session, actor)
    filters, matching = _listed(request, model, _rows(session, actor, model, answered))
    fmt = listing.export_format(request)
    if fmt:
        return listing.export(fmt, f"{actor.org_slug}-questionnaire", EXPORT_HEADER, matching, _export_row)
    base = f"{org_base(actor.org_slug)}/questionnaire"
    pages = listing.pager(request, base, filters, len(matching))
    return render_page(
        request,
        actor,
        "questionnaire_index.html",
        active="questionnaire",
        title="Questionnaire",
        org_name=accounts.get_organization(session, actor).name,
        model=model,
        rows=progress(model, answered),
        objectives=listing.slice_rows(matching, pages),
        pager=pages,
        filters=filters,
        states=STATES,
        statuses=(*STATUSES, "none"),
        base=base,
        workbook_url=f"{org_base(actor.org_slug)}/workbook",
    )


def _category_page(
    request: Request,
    session: Any,
    actor: Actor,
    category: str,
    flashes: list[tuple[str, str]],
    status: int = 200,
    typed: dict[str, dict[str, str]] | None = None,
) -> Response:
    model = models.model_for(session, actor)
    try:
        context = questionnaire_view(
            model, category, _answers(session, actor), lambda o: answers.may_answer(session, actor, o)
        )
    except AismaError as exc:  # an unknown category is a plain 404, like any other missing object
        raise NotFound(f"no category {category!r}") from exc
    measured = {row.objective.id: row for row in _rows(session, actor, model, context["answers"])}
    return render_page(
        request,
        actor,
        "questionnaire.html",
        active="questionnaire",
        title=f"{context['category'].id} {context['category'].title} · Questionnaire",
        org_name=accounts.get_organization(session, actor).name,
        status_code=status,
        flashes=flashes,
        base=f"{org_base(actor.org_slug)}/questionnaire",
        api_base=f"/api/v1/orgs/{actor.org_slug}",
        can_answer=actor.can(Permission.ANSWER),
        can_review=actor.can(Permission.REVIEW_EVIDENCE),
        me=actor.email,
        evidence_status={a.objective_id: a.evidence_status for a in stored_answers(session, actor.org_id)},
        stored_refs=resolve_refs(session, actor.org_id),
        typed=typed or {},
        measured=measured,
        **line_context(session, actor, "objective"),
        **context,
    )


@router.get("/orgs/{org}/questionnaire/{category}")
def category_page(category: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _category_page(request, session, actor, category, [])


@router.post("/orgs/{org}/questionnaire/{category}/answer", dependencies=[Depends(require_csrf)])
async def save(category: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    from aisma.web.features.evidence import service as evidence

    form = await request.form()
    model = models.model_for(session, actor)
    find_category(model, category)
    objective_id = str(form.get("objective_id", ""))
    version_text = str(form.get("version", "")).strip()
    refs = [str(v) for v in form.getlist("evidence") if str(v).strip()]
    upload = form.get("file")
    if isinstance(upload, UploadFile) and upload.filename:
        settings = app_settings(request)
        stored = evidence.store_evidence(
            session,
            actor,
            request.app.state.evidence_store,
            upload.filename,
            upload.file,
            settings.max_upload_bytes,
        )
        refs.append(stored.ref)
    try:
        answers.save_answer(
            session,
            actor,
            objective_id,
            str(form.get("answer", "")),
            note=str(form.get("note", "")),
            evidence=refs,
            expected_version=int(version_text) if version_text.isdigit() else None,
            justification=str(form.get("justification", "")),
        )
    except Invalid as exc:
        message = f"{objective_id} was not saved: {exc.message}"
        typed = {k: str(form.get(k, ""))[:20_000] for k in ("answer", "note", "justification")}
        return _category_page(
            request, session, actor, category, [("error", message)], status=422, typed={objective_id: typed}
        )
    except StaleWrite as exc:
        current = getattr(exc, "current", None)
        who = f" by {current.answered_by}" if current is not None and current.answered_by else ""
        message = (
            f"{objective_id} was not saved: someone else changed it{who} since you opened the page. "
            "Their version is shown below; make your change again."
        )
        return _category_page(request, session, actor, category, [("error", message)], status=409)
    return redirect(f"{org_base(actor.org_slug)}/questionnaire/{category}", "saved")


@router.post("/orgs/{org}/questionnaire/{category}/review", dependencies=[Depends(require_csrf)])
async def review(category: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """Accept or reject an answer's evidence from the questionnaire (the same service as the API)."""
    form = await request.form()
    find_category(models.model_for(session, actor), category)
    objective_id = str(form.get("objective_id", ""))
    version_text = str(form.get("version", "")).strip()
    decision = str(form.get("decision", ""))
    try:
        answers.review_evidence(
            session,
            actor,
            objective_id,
            decision,
            int(version_text) if version_text.isdigit() else 0,
            note=str(form.get("review_note", "")),
        )
    except Invalid as exc:
        message = f"The evidence of {objective_id} was not reviewed: {exc.message}"
        return _category_page(request, session, actor, category, [("error", message)], status=422)
    except StaleWrite:
        message = (
            f"The evidence of {objective_id} was not reviewed: the answer changed since you opened the page. "
            "Review it again as it is now."
        )
        return _category_page(request, session, actor, category, [("error", message)], status=409)
    return redirect(f"{org_base(actor.org_slug)}/questionnaire/{category}", f"evidence-{decision}")
