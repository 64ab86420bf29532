"""Administration: members and their roles, API tokens (owners only; the services check it too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from aisma.server.auth import SCOPES, Permission, Role
from aisma.server.errors import Invalid
from aisma.web.features.admin import service as tokens
from aisma.web.features.organizations import service as accounts
from aisma.web.render import form_int, org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, require_csrf


def parse_expiry(text: str) -> datetime | None:
    """A date from the form means 'valid through that day' (UTC)."""
    text = text.strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise Invalid("expires", "expected a date like 2027-01-31") from None
    return datetime.combine(day, time.max, tzinfo=UTC)


def form_role(value: object) -> Role:
    try:
        return Role(str(value))
    except ValueError:
        raise Invalid("role", f"choose one of {', '.join(r.value for r in Role)}") from None


router = APIRouter()


def _page(request: Request, session: DbSession, actor: CurrentActor, **extra: Any) -> Response:
    actor.require(Permission.MANAGE_MEMBERS)
    return render_page(
        request,
        actor,
        "admin.html",
        active="admin",
        title="Administration",
        org_name=accounts.get_organization(session, actor).name,
        base=f"{org_base(actor.org_slug)}/admin",
        members=[
            {"user_id": m.user_id, "email": m.email, "role": m.role} for m in accounts.list_members(session, actor)
        ],
        roles=[r.value for r in Role],
        tokens=tokens.list_tokens(session, actor),
        scopes=SCOPES,
        **extra,
    )


@router.get("/orgs/{org}/admin")
def admin(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _page(request, session, actor)


@router.post("/orgs/{org}/admin/members", dependencies=[Depends(require_csrf)])
async def add_member(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    accounts.add_member(session, actor, str(form.get("email", "")), form_role(form.get("role")))
    return redirect(f"{org_base(actor.org_slug)}/admin", "member-added")


@router.post("/orgs/{org}/admin/members/role", dependencies=[Depends(require_csrf)])
async def change_role(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    accounts.set_role(session, actor, form_int(form.get("user_id"), "user_id"), Role(str(form.get("role", "viewer"))))
    return redirect(f"{org_base(actor.org_slug)}/admin", "role-changed")


@router.post("/orgs/{org}/admin/members/remove", dependencies=[Depends(require_csrf)])
async def remove_member(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    accounts.remove_member(session, actor, form_int(form.get("user_id"), "user_id"))
    return redirect(f"{org_base(actor.org_slug)}/admin", "member-removed")


@router.post("/orgs/{org}/admin/tokens", dependencies=[Depends(require_csrf)])
async def create_token(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    name = str(form.get("name", ""))
    scopes = [str(s) for s in form.getlist("scopes")]
    _token, plaintext = tokens.create_token(session, actor, name, scopes, parse_expiry(str(form.get("expires", ""))))
    # Shown once, in this response only; never put in a redirect URL or a log.
    return _page(request, session, actor, new_token={"name": name.strip(), "plaintext": plaintext})


@router.post("/orgs/{org}/admin/tokens/revoke", dependencies=[Depends(require_csrf)])
async def revoke_token(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    tokens.revoke_token(session, actor, form_int(form.get("token_id"), "token_id"))
    return redirect(f"{org_base(actor.org_slug)}/admin", "token-revoked")
