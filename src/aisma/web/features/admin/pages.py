"""Administration: members and their roles, API tokens (owners only; the services check it too)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from aisma.server.auth import SCOPES, Permission, Role
from aisma.server.errors import Conflict, Invalid, NotFound
from aisma.web import listing
from aisma.web.features.admin import service as tokens
from aisma.web.features.invitations import service as invitations
from aisma.web.features.organizations import service as accounts
from aisma.web.features.organizations.schemas import MemberOut
from aisma.web.render import form_int, org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, app_database, app_settings, require_csrf


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
    base = f"{org_base(actor.org_slug)}/admin"
    filters = {
        "role": listing.choice(request, "role", [r.value for r in Role]),
        "who": listing.text(request, "who", 320),
    }
    who = filters["who"].casefold()
    members = [
        {"user_id": m.user_id, "email": m.email, "role": m.role}
        for m in accounts.list_members(session, actor)
        if filters["role"] in ("", Role(m.role).value) and (not who or who in m.email.casefold())
    ]
    pages = listing.pager(request, base, filters, len(members), param="members_page")
    invited = invitations.list_invitations(session, actor)
    invited_pages = listing.pager(request, base, {}, len(invited), param="invitations_page")
    return render_page(
        request,
        actor,
        "admin.html",
        active="admin",
        title="Administration",
        org_name=accounts.get_organization(session, actor).name,
        base=base,
        members=listing.slice_rows(members, pages),
        pager=pages,
        filters=filters,
        roles=[r.value for r in Role],
        tokens=tokens.list_tokens(session, actor),
        scopes=SCOPES,
        invitations=listing.slice_rows(invited, invited_pages),
        invitations_pager=invited_pages,
        **extra,
    )


def _member_row(member: MemberOut) -> list[object]:
    return [member.email, member.display_name, Role(member.role).value]


@router.get("/orgs/{org}/admin")
def admin(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    fmt = listing.export_format(request)
    if fmt:  # the members list (owners only, as the page)
        actor.require(Permission.MANAGE_MEMBERS)
        members = accounts.list_members(session, actor)
        header = ("email", "name", "role")
        return listing.export(fmt, f"{actor.org_slug}-members", header, members, _member_row)
    return _page(request, session, actor)


def _rejected(request: Request, session: DbSession, actor: CurrentActor, message: str, **typed: Any) -> Response:
    """The page again, with the one-line message and what was typed (nothing was stored)."""
    page = _page(request, session, actor, flashes=[("error", message)], **typed)
    page.status_code = 422
    return page


@router.post("/orgs/{org}/admin/members", dependencies=[Depends(require_csrf)])
async def add_member(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    typed = {"email": str(form.get("email", "")).strip()[:320], "role": str(form.get("role", ""))[:20]}
    try:
        accounts.add_member(session, actor, typed["email"], form_role(typed["role"]))
    except (Invalid, NotFound, Conflict) as exc:
        return _rejected(request, session, actor, f"Not added: {exc.message}", member_form=typed)
    return redirect(f"{org_base(actor.org_slug)}/admin", "member-added")


@router.post("/orgs/{org}/admin/invitations", dependencies=[Depends(require_csrf)])
async def invite(request: Request, actor: CurrentActor) -> Response:
    """Invite an address: the link is emailed (SMTP configured) or shown on this response, once."""
    form = await request.form()
    typed = {"email": str(form.get("email", "")).strip()[:320], "role": str(form.get("role", ""))[:20]}
    database = app_database(request)
    try:
        created = invitations.create_and_send(
            database, app_settings(request), actor, typed["email"], form_role(typed["role"]), str(request.base_url)
        )
    except (Invalid, Conflict) as exc:
        with database.transaction(readonly=True) as session:
            return _rejected(request, session, actor, f"Not invited: {exc.message}", invite_form=typed)
    with database.transaction(readonly=True) as session:
        return _page(request, session, actor, new_invitation=created)


@router.post("/orgs/{org}/admin/invitations/revoke", dependencies=[Depends(require_csrf)])
async def revoke_invitation(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    invitations.revoke(session, actor, form_int(form.get("invitation_id"), "invitation_id"))
    return redirect(f"{org_base(actor.org_slug)}/admin", "invitation-revoked")


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
    expires = str(form.get("expires", ""))
    try:
        _token, plaintext = tokens.create_token(session, actor, name, scopes, parse_expiry(expires))
    except Invalid as exc:
        typed = {"name": name[:100], "expires": expires[:20], "scopes": scopes}
        return _rejected(request, session, actor, f"No token created: {exc.message}", token_form=typed)
    # Shown once, in this response only; never put in a redirect URL or a log.
    return _page(request, session, actor, new_token={"name": name.strip(), "plaintext": plaintext})


@router.post("/orgs/{org}/admin/tokens/revoke", dependencies=[Depends(require_csrf)])
async def revoke_token(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    tokens.revoke_token(session, actor, form_int(form.get("token_id"), "token_id"))
    return redirect(f"{org_base(actor.org_slug)}/admin", "token-revoked")
