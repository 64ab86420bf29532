"""Who is calling, and may they: login sessions, API tokens, CSRF and login rate limiting.

Two ways in, never mixed in one request:
- a browser holds a server-side session (cookie ``aisma_session``: HttpOnly, SameSite=Lax, Secure when
  served over TLS). Because a browser sends cookies on its own, every state-changing request made with
  that cookie must also carry the session's CSRF token (form field ``csrf_token`` or header
  ``X-CSRF-Token``), which a page of another site cannot read;
- a program sends ``Authorization: Bearer <token>``. Browsers never attach that header by themselves,
  so token calls need no CSRF token. A token is scoped to one organization.
Permissions (roles, token scopes) are decided by the services, never here: this module only says who
the actor is, so the API, the pages and the CLI cannot disagree about what an actor may do.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from aisma.server.auth import Actor
from aisma.server.errors import NotFound
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.tables import User

SESSION_COOKIE = "aisma_session"
LOGIN_CSRF_COOKIE = "aisma_login_csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class NotAuthenticated(Exception):
    """No valid session or token: the API answers 401, a page redirects to the login form."""


class CsrfRejected(Exception):
    """A cookie-authenticated state change without the session's CSRF token: answered 403."""


@dataclass(frozen=True)
class Caller:
    """The authenticated user behind a request, before an organization is chosen."""

    user: User  # the signed-in user (for a token: the user who made it)
    via: str  # "session" or "token"
    csrf: str = ""  # the session's CSRF secret; empty for tokens
    token_actor: Actor | None = None  # set for API tokens, which belong to one organization


def app_settings(request: Request) -> ServerSettings:
    settings: ServerSettings = request.app.state.settings
    return settings


def app_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def db_session(request: Request) -> Iterator[Session]:
    """One transaction per request, committed before the response is sent (rolled back on error).

    Reads (GET, HEAD, OPTIONS), with a session cookie or an API token, use a read-only transaction:
    on SQLite they never queue behind writers. A token's last use is recorded out of band
    (``TokenUsage``), never in the request's transaction.
    """
    readonly = request.method in SAFE_METHODS
    with app_database(request).transaction(readonly=readonly) as session:
        yield session


def db_write_session(request: Request) -> Iterator[Session]:
    """A write transaction whatever the method: for the rare GET that must write (the OIDC callback)."""
    with app_database(request).transaction() as session:
        yield session


# scope="function": the transaction ends when the endpoint returns, so a 2xx means committed.
DbSession = Annotated[Session, Depends(db_session, scope="function")]
DbWriteSession = Annotated[Session, Depends(db_write_session, scope="function")]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return value.strip() or None


# Declared so the OpenAPI document names both ways in; the values are read from the request below.
_BEARER_SCHEME = HTTPBearer(auto_error=False, description="An API token: Authorization: Bearer aisma_...")
_COOKIE_SCHEME = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="A browser session (state changes also need X-CSRF-Token)."
)


def current_caller(
    request: Request,
    _bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER_SCHEME)] = None,
    _cookie: Annotated[str | None, Depends(_COOKIE_SCHEME)] = None,
) -> Caller:
    """The user behind the session cookie or the bearer token; ``NotAuthenticated`` when neither is valid.

    Resolved in a short read-only transaction of its own, apart from the request's: a write request
    takes its write lock only when its endpoint starts writing, never while the caller is looked up.
    """
    cached: Caller | None = getattr(request.state, "aisma_caller", None)
    if cached is not None:
        return cached
    with app_database(request).transaction(readonly=True) as session:
        caller = _resolve_caller(request, session)
    request.state.aisma_caller = caller
    return caller


def _resolve_caller(request: Request, session: Session) -> Caller:
    from aisma.web.features.admin import service as tokens
    from aisma.web.features.organizations import service as accounts
    from aisma.web.features.signin import service as sessions

    token = bearer_token(request)
    if token is not None:
        actor = tokens.resolve_token(session, token, request.app.state.token_usage)
        if actor is None:
            raise NotAuthenticated("invalid, expired or revoked API token")
        caller = Caller(user=accounts.get_user(session, actor.user_id), via="token", token_actor=actor)
    else:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise NotAuthenticated("not signed in")
        resolved = sessions.resolve_session(session, cookie)
        if resolved is None:
            raise NotAuthenticated("session expired; sign in again")
        user, csrf = resolved
        caller = Caller(user=user, via="session", csrf=csrf)
    return caller


CurrentCaller = Annotated[Caller, Depends(current_caller)]


def check_csrf(caller: Caller, submitted: str) -> None:
    """Token calls pass; a session call must echo the session's CSRF secret."""
    if caller.via == "token":
        return
    if not caller.csrf or not submitted or not hmac.compare_digest(submitted.encode(), caller.csrf.encode()):
        raise CsrfRejected("missing or wrong CSRF token; reload the page and try again")


async def require_csrf(request: Request, caller: CurrentCaller) -> None:
    """Dependency for form POSTs and cookie-authenticated state changes (token calls are exempt).

    The token comes from the ``X-CSRF-Token`` header or the form field ``csrf_token`` (the form is
    parsed once; the endpoint gets the same parsed form).
    """
    if request.method in SAFE_METHODS or caller.via == "token":
        return
    submitted = request.headers.get(CSRF_HEADER)
    if not submitted and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    check_csrf(caller, submitted or "")


CsrfChecked = Annotated[None, Depends(require_csrf)]


def current_actor(org: str, request: Request, caller: CurrentCaller, _csrf: CsrfChecked) -> Actor:
    """The caller acting in organization ``org`` (the path parameter).

    Not a member, or a token of another organization: ``NotFound``, so nobody learns which
    organizations exist. A cookie-authenticated state change must carry the CSRF token.
    """
    from aisma.web.features.organizations import service as accounts

    if caller.token_actor is not None:
        if caller.token_actor.org_slug != org:
            raise NotFound(f"organization {org!r} not found")
        return caller.token_actor
    with app_database(request).transaction(readonly=True) as session:
        actor = accounts.actor_for(session, caller.user, org)
        if not request.url.path.startswith("/api/"):  # a page: its header's organization switcher
            request.state.aisma_orgs = [
                {"slug": o.slug, "name": o.name, "role": r.value}
                for o, r in accounts.organizations_of(session, actor.user_id)
            ]
        return actor


CurrentActor = Annotated[Actor, Depends(current_actor)]


def csrf_token(request: Request) -> str:
    """The CSRF token a template puts into its forms: the session's, else the login form's."""
    caller: Caller | None = getattr(request.state, "aisma_caller", None)
    if caller is not None and caller.csrf:
        return caller.csrf
    token: str | None = getattr(request.state, "aisma_login_csrf", None)
    if token is None:
        token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
        request.state.aisma_login_csrf = token
    return token


def set_login_csrf_cookie(request: Request, response: Response) -> None:
    """The pre-login form has no session yet: its CSRF token is a double-submit cookie."""
    token: str | None = getattr(request.state, "aisma_login_csrf", None)
    if token is not None:
        set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)


def check_login_csrf(request: Request, submitted: str) -> None:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not submitted or not hmac.compare_digest(submitted.encode(), expected.encode()):
        raise CsrfRejected("the sign-in form expired; reload the page and try again")


def set_session_cookie(request: Request, response: Response, token: str) -> None:
    set_cookie(request, response, SESSION_COOKIE, token, max_age=app_settings(request).session_max_age_seconds)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/")


def clear_session_cookie(request: Request, response: Response) -> None:
    settings = app_settings(request)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=settings.secure_cookies, httponly=True, samesite="lax")


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int) -> None:
    """Every cookie the server sets: HttpOnly, SameSite=Lax, Secure when served over TLS."""
    response.set_cookie(
        name,
        value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=app_settings(request).secure_cookies,
    )


def login_rate_keys(request: Request, email: str) -> tuple[str, ...]:
    """Failures count per account and per client address, so neither guessing style gets far."""
    client = request.client.host if request.client else "unknown"
    return (f"email:{email.strip().lower()}", f"ip:{client}")


def safe_next(target: str | None) -> str:
    """Only a local path may follow a login (no open redirect to another site)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target
