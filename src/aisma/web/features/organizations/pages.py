"""The start page and the organization list: a member of one organization goes straight to its
dashboard; members of several (or none) choose here. Server admins and owners create organizations
here too (they become the new one's owner)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisma.server.errors import Conflict, Invalid
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, page_environment, redirect
from aisma.web.security import Caller, CurrentCaller, DbSession, csrf_token, require_csrf
from aisma.web.templating import render_template

router = APIRouter()


def _list_page(request: Request, session: DbSession, caller: Caller, status: int = 200, **extra: Any) -> Response:
    memberships = accounts.organizations_of(session, caller.user.id)
    may_create = accounts.may_create_organizations(session, caller.user, caller.token_actor)
    html = render_template(
        page_environment(request),
        "home.html",
        {
            "title": "Organizations",
            "user": {"email": caller.user.email},
            "csrf_token": csrf_token(request),
            "organizations": [{"slug": o.slug, "name": o.name, "role": r.value} for o, r in memberships],
            "may_create": may_create,
            "models": [m.id for m in accounts.installed_models()] if may_create else [],
            "form": {"slug": "", "name": "", "model_id": "aisma-core"},
            **extra,
        },
    )
    return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})


@router.get("/")
def home(request: Request, session: DbSession, caller: CurrentCaller) -> Response:
    if caller.token_actor is not None:
        return RedirectResponse(org_base(caller.token_actor.org_slug), status_code=303)
    memberships = accounts.organizations_of(session, caller.user.id)
    if len(memberships) == 1:
        return RedirectResponse(org_base(memberships[0][0].slug), status_code=303)
    return _list_page(request, session, caller)


@router.get("/orgs")
def organizations(request: Request, session: DbSession, caller: CurrentCaller) -> Response:
    return _list_page(request, session, caller)


@router.post("/orgs", dependencies=[Depends(require_csrf)])
def create(
    request: Request,
    session: DbSession,
    caller: CurrentCaller,
    slug: Annotated[str, Form(max_length=100)] = "",
    name: Annotated[str, Form(max_length=300)] = "",
    model_id: Annotated[str, Form(max_length=200)] = "aisma-core",
) -> Response:
    typed = {"slug": slug.strip(), "name": name.strip(), "model_id": model_id}
    try:
        created = accounts.create_organization_as(
            session, caller.user, typed["slug"], typed["name"], model_id, token_actor=caller.token_actor
        )
    except (Invalid, Conflict) as exc:
        return _list_page(request, session, caller, 422, form=typed, flashes=[("error", f"Not created: {exc.message}")])
    return redirect(org_base(created.slug), "org-created")
