"""The invitation link: ``/invite/<token>`` shows who invites whom to what, then joins the signed-in
invitee (``/accept``) or signs a newcomer up with a password (``/signup``), who is then signed in.

The sign-up form has no session yet, so its CSRF token is the login form's double-submit cookie;
the join form is a signed-in form with the session's token. The pages never put the token anywhere
but the path they were opened at (the Referrer-Policy keeps it off other sites)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from aisma.server.errors import Conflict, Forbidden, Invalid, NotFound
from aisma.web.features.invitations import service as invitations
from aisma.web.features.invitations.schemas import InvitationView
from aisma.web.features.organizations import service as accounts
from aisma.web.features.signin import service as sessions
from aisma.web.render import org_base, page_environment, redirect
from aisma.web.security import (
    Caller,
    CurrentCaller,
    DbSession,
    NotAuthenticated,
    app_settings,
    check_login_csrf,
    csrf_token,
    current_caller,
    require_csrf,
    set_login_csrf_cookie,
    set_session_cookie,
)
from aisma.web.templating import render_template

router = APIRouter()
Token = Annotated[str, Path(min_length=16, max_length=100, pattern=r"^[A-Za-z0-9_-]+$")]


def _status(exc: Exception) -> int:
    for kind, status in ((NotFound, 404), (Forbidden, 403), (Conflict, 409), (Invalid, 422)):
        if isinstance(exc, kind):
            return status
    return 400


def _caller(request: Request) -> Caller | None:
    try:
        return current_caller(request)
    except NotAuthenticated:
        return None


def _render(
    request: Request, token: str, invitation: InvitationView | None, status: int = 200, **extra: Any
) -> HTMLResponse:
    caller = _caller(request)
    context = {
        "title": f"Invitation to {invitation.organization}" if invitation else "Invitation",
        "user": {"email": caller.user.email} if caller is not None and caller.token_actor is None else None,
        "csrf_token": csrf_token(request),
        "invitation": invitation,
        "action": f"{invitations.PATH}{token}",
        "signed_in_as": caller.user.email if caller is not None else "",
        "oidc_enabled": request.app.state.oidc is not None,
        "error": "",
        "name": "",
        **extra,
    }
    html = render_template(page_environment(request), "invitation.html", context)
    response = HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store"})
    if caller is None:
        set_login_csrf_cookie(request, response)
    return response


def _view(session: DbSession, token: str) -> InvitationView | None:
    try:
        return invitations.view(session, token)
    except NotFound:
        return None


@router.get("/invite/{token}", response_class=HTMLResponse)
def show(request: Request, session: DbSession, token: Token) -> Response:
    invitation = _view(session, token)
    status = 404 if invitation is None else 410 if invitation.status != "pending" else 200
    return _render(request, token, invitation, status)


@router.post("/invite/{token}/accept", dependencies=[Depends(require_csrf)])
def accept(request: Request, session: DbSession, caller: CurrentCaller, token: Token) -> Response:
    try:
        slug = invitations.accept(session, token, accounts.get_user(session, caller.user.id))
    except (NotFound, Conflict, Forbidden) as exc:
        return _render(request, token, _view(session, token), _status(exc), error=exc.message)
    return redirect(org_base(slug), "joined")


@router.post("/invite/{token}/signup")
def sign_up(
    request: Request,
    session: DbSession,
    token: Token,
    password: Annotated[str, Form(max_length=1024)],
    confirm_password: Annotated[str, Form(max_length=1024)],
    name: Annotated[str, Form(max_length=200)] = "",
    csrf_token: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    check_login_csrf(request, csrf_token)
    error = accounts.new_password_problem(password, confirm_password)
    if error:
        return _render(request, token, _view(session, token), 422, error=error, name=name)
    try:
        user, slug = invitations.sign_up(session, token, password, name)
    except (NotFound, Conflict, Invalid) as exc:
        return _render(request, token, _view(session, token), _status(exc), error=exc.message, name=name)
    created = sessions.create_session(session, user, app_settings(request).session_max_age_seconds)
    response = redirect(org_base(slug), "joined")
    set_session_cookie(request, response, created.token)
    return response
