"""Sign in, sign out and change password: the pages that open and close a login session.

The sign-in form has no session yet, so its CSRF token is a double-submit cookie; failures are
counted per account and per client address (in the database, so every worker sees them) and a
burst of them locks sign-in for the window the settings name. The first admin signs in with the
one-time password ``aisma serve`` printed and sets their own at ``/account/password``.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aisma.server.errors import ServiceError
from aisma.web.security import (
    SESSION_COOKIE,
    CurrentCaller,
    DbSession,
    DbWriteSession,
    app_settings,
    check_login_csrf,
    clear_session_cookie,
    login_rate_keys,
    require_csrf,
    safe_next,
    set_cookie,
    set_login_csrf_cookie,
    set_session_cookie,
)
from aisma.web.security import (
    csrf_token as form_csrf_token,
)


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    context.setdefault("csrf_token", form_csrf_token(request))
    context.setdefault("oidc_enabled", request.app.state.oidc is not None)
    response: HTMLResponse = request.app.state.templates.TemplateResponse(
        request, template, context, status_code=status
    )
    return response


router = APIRouter()


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> Response:
    response = render(request, "auth/login.html", next=safe_next(next), email="", error="")
    set_login_csrf_cookie(request, response)
    return response


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: DbSession,
    email: Annotated[str, Form(max_length=320)],
    password: Annotated[str, Form(max_length=1024)],
    csrf_token: Annotated[str, Form(max_length=200)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    from aisma.web.features.organizations import service as accounts
    from aisma.web.features.signin import ratelimit
    from aisma.web.features.signin import service as sessions

    check_login_csrf(request, csrf_token)
    settings = app_settings(request)
    keys = login_rate_keys(request, email)
    if not all(
        ratelimit.check_login_allowed(session, key, settings.login_max_failures, settings.login_window_seconds)
        for key in keys
    ):
        minutes = max(1, settings.login_window_seconds // 60)
        error = f"Too many failed sign-ins. Wait {minutes} minutes and try again."
        response = render(request, "auth/login.html", 429, next=safe_next(next), email=email, error=error)
        set_login_csrf_cookie(request, response)
        return response
    user = accounts.authenticate(session, email, password)
    if user is None:
        for key in keys:
            ratelimit.record_failure(session, key)
        response = render(
            request, "auth/login.html", 401, next=safe_next(next), email=email, error="Wrong email or password."
        )
        set_login_csrf_cookie(request, response)
        return response
    for key in keys:
        ratelimit.record_success(session, key)
    created = sessions.create_session(session, user, settings.session_max_age_seconds)
    redirect = RedirectResponse(safe_next(next), status_code=303)
    set_session_cookie(request, redirect, created.token)
    return redirect


@router.get("/auth/oidc/login", include_in_schema=False)
def oidc_login(request: Request, next: str = "/") -> Response:
    from aisma.web.oidc import FLOW_COOKIE, FLOW_MAX_AGE_SECONDS, sign_flow

    client = request.app.state.oidc
    if client is None:
        return render(request, "auth/login.html", 404, next="/", email="", error="Single sign-on is not set up.")
    url, flow = client.start(safe_next(next))
    redirect = RedirectResponse(url, status_code=303)
    # SameSite=Lax: the provider sends the browser back with a top-level GET, which carries it.
    set_cookie(request, redirect, FLOW_COOKIE, sign_flow(request.app.state.secret_key, flow), FLOW_MAX_AGE_SECONDS)
    return redirect


@router.get("/auth/oidc/callback", include_in_schema=False)
def oidc_callback(
    request: Request, session: DbWriteSession, code: str = "", state: str = "", error: str = ""
) -> Response:
    from aisma.web.features.organizations import service as accounts
    from aisma.web.features.signin import service as sessions
    from aisma.web.oidc import FLOW_COOKIE, OidcError, read_flow

    client = request.app.state.oidc
    if client is None:
        return render(request, "auth/login.html", 404, next="/", email="", error="Single sign-on is not set up.")
    try:
        if error:
            raise OidcError(f"the identity provider answered: {error[:100]}")
        flow = read_flow(request.app.state.secret_key, request.cookies.get(FLOW_COOKIE))
        identity = client.finish(flow, code, state)
    except OidcError as exc:
        response = render(request, "auth/login.html", 401, next="/", email="", error=f"Sign-in failed: {exc}")
        set_login_csrf_cookie(request, response)
        return response
    try:
        user = accounts.user_for_oidc(session, identity.subject, identity.email, identity.name)
    except ServiceError as exc:  # e.g. the email is linked to another identity
        return render(request, "auth/login.html", 409, next="/", email="", error=f"Sign-in failed: {exc}")
    if not user.is_active:
        return render(request, "auth/login.html", 403, next="/", email="", error="This account is disabled.")
    accounts.sync_oidc_memberships(session, user, identity.groups, app_settings(request).oidc_group_role_list)
    created = sessions.create_session(session, user, app_settings(request).session_max_age_seconds)
    redirect = RedirectResponse(safe_next(flow.get("next")), status_code=303)
    set_session_cookie(request, redirect, created.token)
    redirect.delete_cookie(FLOW_COOKIE, path="/")
    return redirect


@router.post("/logout", dependencies=[Depends(require_csrf)])
def logout(request: Request, session: DbSession) -> Response:
    from aisma.web.features.signin import service as sessions

    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        sessions.revoke(session, cookie)
    redirect = RedirectResponse("/login", status_code=303)
    clear_session_cookie(request, redirect)
    return redirect


@router.get("/account/password", response_class=HTMLResponse)
def password_form(request: Request, caller: CurrentCaller) -> Response:
    return render(request, "auth/password.html", error="", done=False, email=caller.user.email)


@router.post("/account/password", response_class=HTMLResponse, dependencies=[Depends(require_csrf)])
def change_password(
    request: Request,
    session: DbSession,
    caller: CurrentCaller,
    current_password: Annotated[str, Form(max_length=1024)],
    new_password: Annotated[str, Form(max_length=1024)],
    confirm_password: Annotated[str, Form(max_length=1024)],
) -> Response:
    from aisma.web.features.organizations import service as accounts
    from aisma.web.features.signin import service as sessions

    email = caller.user.email
    error = ""
    if accounts.authenticate(session, email, current_password) is None:
        error = "The current password is wrong."
    else:
        error = accounts.new_password_problem(new_password, confirm_password, "new password")
    if error:
        return render(request, "auth/password.html", 422, error=error, done=False, email=email)
    accounts.set_password(session, accounts.get_user(session, caller.user.id), new_password, by=email)
    sessions.revoke_all(session, caller.user.id)  # other devices signed in with the old password
    created = sessions.create_session(session, caller.user, app_settings(request).session_max_age_seconds)
    response = render(request, "auth/password.html", error="", done=True, email=email, csrf_token=created.csrf)
    set_session_cookie(request, response, created.token)
    return response
