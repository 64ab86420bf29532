"""The reviews page: what waits for an assessor, what was returned and why, and drafts to submit."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from aisma.server.auth import Permission
from aisma.server.errors import Forbidden, Invalid, StaleWrite
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reviews import service as reviews
from aisma.web.render import org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, require_csrf

router = APIRouter()


def _page(
    request: Request, session: DbSession, actor: CurrentActor, flashes: list[tuple[str, str]], status: int = 200
) -> Response:
    base = org_base(actor.org_slug)
    return render_page(
        request,
        actor,
        "reviews.html",
        active="reviews",
        title="Reviews",
        org_name=accounts.get_organization(session, actor).name,
        status_code=status,
        flashes=flashes,
        queue=reviews.review_queue(session, actor),
        can_review=actor.can(Permission.REVIEW_EVIDENCE),
        can_answer=actor.can(Permission.ANSWER),
        can_configure=actor.can(Permission.MANAGE_MEMBERS),
        me=(actor.email or "").casefold(),
        action=f"{base}/reviews",
        questionnaire=f"{base}/questionnaire",
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
) -> Response:
    """Submit, accept or return one answer (the same services as the API)."""
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
    return redirect(f"{org_base(actor.org_slug)}/reviews", f"answer-{step}")


@router.post("/orgs/{org}/reviews/setting", dependencies=[Depends(require_csrf)])
def setting(
    session: DbSession, actor: CurrentActor, review_required: str = Form(default="", max_length=10)
) -> Response:
    """Owners turn "review required" on or off (audited as an organization update)."""
    accounts.update_organization(session, actor, review_required=review_required == "on")
    return redirect(f"{org_base(actor.org_slug)}/reviews", "review-setting")
