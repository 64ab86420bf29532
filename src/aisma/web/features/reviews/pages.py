"""The reviews page: what waits for an assessor, what was returned and why, drafts to submit and what
was accepted; each list filtered (status, category, level, who, text) and paged, all of it exportable."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from aisma.maturity.schema import MaturityModel, Objective
from aisma.server import models
from aisma.server.auth import Permission
from aisma.server.errors import Forbidden, Invalid, StaleWrite
from aisma.web import listing
from aisma.web.features.answers.schemas import AnswerOut
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reviews import service as reviews
from aisma.web.render import org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, require_csrf

router = APIRouter()
SECTIONS = (("submitted", "submitted"), ("returned", "returned"), ("drafts", "draft"), ("accepted", "accepted"))
LIST_PARAMS = ("status", "category", "level", "who", "q", *(f"{key}_page" for key, _ in SECTIONS))
EXPORT_HEADER = (
    "objective", "category", "level", "title", "answer", "status", "answered_by", "answered_at",
    "status_by", "status_at", "reason", "note", "evidence", "version",
)  # fmt: skip


def _filters(request: Request, model: MaturityModel) -> dict[str, str]:
    return {
        "status": listing.choice(request, "status", reviews.STATUSES),
        "category": listing.choice(request, "category", [c.id for c in model.categories()]),
        "level": listing.choice(request, "level", [str(lv.level) for lv in model.levels]),
        "who": listing.text(request, "who", 320),
        "q": listing.text(request, "q", 100),
    }


def _matches(answer: AnswerOut, filters: dict[str, str], objectives: dict[str, Objective]) -> bool:
    objective = objectives.get(answer.objective_id)
    if filters["category"] and answer.objective_id.split("-")[0] != filters["category"]:
        return False
    if filters["level"] and (objective is None or str(objective.level) != filters["level"]):
        return False
    who = filters["who"].casefold()
    if who and who not in answer.answered_by.casefold() and who not in answer.status_by.casefold():
        return False
    q = filters["q"].casefold()
    title = objective.title if objective is not None else ""
    return not q or q in answer.objective_id.casefold() or q in title.casefold()


def _export_row(item: tuple[AnswerOut, Objective | None]) -> list[object]:
    a, o = item
    return [
        a.objective_id, a.objective_id.split("-")[0], o.level if o else "", o.title if o else "", a.answer, a.status,
        a.answered_by, a.answered_at, a.status_by, a.status_at, a.status_reason, a.note, len(a.evidence), a.version,
    ]  # fmt: skip


def _page(
    request: Request, session: DbSession, actor: CurrentActor, flashes: list[tuple[str, str]], status: int = 200
) -> Response:
    base = org_base(actor.org_slug)
    model = models.model_for(session, actor)
    objectives = {o.id: o for o in model.objectives()}
    filters = _filters(request, model)
    queue = reviews.review_queue(session, actor)
    chosen = {key: [a for a in getattr(queue, key) if _matches(a, filters, objectives)] for key, _ in SECTIONS}
    wanted = sorted(
        (a for key, word in SECTIONS if filters["status"] in ("", word) for a in chosen[key]),
        key=lambda a: a.objective_id,
    )
    fmt = listing.export_format(request)
    if fmt:
        rows = ((a, objectives.get(a.objective_id)) for a in wanted)
        return listing.export(fmt, f"{actor.org_slug}-reviews", EXPORT_HEADER, rows, _export_row)
    sections = {}
    for key, word in SECTIONS:
        pages = listing.pager(request, f"{base}/reviews", filters, len(chosen[key]), param=f"{key}_page")
        shown = filters["status"] in ("", word)
        sections[key] = {"pager": pages, "rows": listing.slice_rows(chosen[key], pages), "shown": shown}
    everything = listing.Pager(f"{base}/reviews", filters, 1, len(wanted))
    return render_page(
        request,
        actor,
        "reviews.html",
        active="reviews",
        title="Reviews",
        org_name=accounts.get_organization(session, actor).name,
        status_code=status,
        flashes=flashes,
        queue=queue,
        sections=sections,
        everything=everything,
        filters=filters,
        categories=model.categories(),
        levels=[lv.level for lv in model.levels],
        statuses=reviews.STATUSES,
        titles={o_id: o.title for o_id, o in objectives.items()},
        can_review=actor.can(Permission.REVIEW_EVIDENCE),
        can_answer=actor.can(Permission.ANSWER),
        can_configure=actor.can(Permission.MANAGE_MEMBERS),
        me=(actor.email or "").casefold(),
        action=f"{base}/reviews",
        questionnaire=f"{base}/questionnaire",
        back=listing.kept_query(request.url.query, LIST_PARAMS),
    )


@router.get("/orgs/{org}/reviews")
def reviews_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _page(request, session, actor, [])


@router.post("/orgs/{org}/reviews", dependencies=[Depends(require_csrf)])
def move(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    objective_id: str = Form(max_length=200),
    version: int = Form(ge=1, le=2**31 - 1),
    step: str = Form(max_length=20),
    reason: str = Form(default="", max_length=20_000),
    back: str = Form(default="", max_length=4000),
) -> Response:
    """Submit, accept or return one answer (the same services as the API), then show the same list again."""
    try:
        if step == "submit":
            reviews.submit_answer(session, actor, objective_id, version)
        else:
            reviews.decide_answer(session, actor, objective_id, step, version, reason)
    except (Invalid, Forbidden) as exc:
        status = 422 if isinstance(exc, Invalid) else 403
        return _page(request, session, actor, [("error", f"{objective_id}: {exc.message}")], status=status)
    except StaleWrite:
        message = f"{objective_id} changed since you opened the page; look at it again as it is now."
        return _page(request, session, actor, [("error", message)], status=409)
    kept = listing.kept_query(back, LIST_PARAMS)
    return redirect(f"{org_base(actor.org_slug)}/reviews" + (f"?{kept}" if kept else ""), f"answer-{step}")


@router.post("/orgs/{org}/reviews/setting", dependencies=[Depends(require_csrf)])
def setting(
    session: DbSession, actor: CurrentActor, review_required: str = Form(default="", max_length=10)
) -> Response:
    """Owners turn "review required" on or off (audited as an organization update)."""
    accounts.update_organization(session, actor, review_required=review_required == "on")
    return redirect(f"{org_base(actor.org_slug)}/reviews", "review-setting")
