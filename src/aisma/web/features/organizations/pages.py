"""The start page: a signed-in user goes to the dashboard of their first organization."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, page_environment
from aisma.web.security import CurrentCaller, DbSession, csrf_token
from aisma.web.templating import render_template

router = APIRouter()


@router.get("/")
def home(request: Request, session: DbSession, caller: CurrentCaller) -> Response:
    if caller.token_actor is not None:
        return RedirectResponse(org_base(caller.token_actor.org_slug), status_code=303)
    memberships = accounts.organizations_of(session, caller.user.id)
    if len(memberships) == 1:
        return RedirectResponse(org_base(memberships[0][0].slug), status_code=303)
    html = render_template(
        page_environment(request),
        "home.html",
        {
            "title": "Organizations",
            "user": {"email": caller.user.email},
            "csrf_token": csrf_token(request),
            "organizations": [{"slug": o.slug, "name": o.name, "role": r.value} for o, r in memberships],
        },
    )
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})
