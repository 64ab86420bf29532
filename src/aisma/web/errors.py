"""Service errors to HTTP answers, in one place so every route maps them the same way.

NotFound -> 404 (also for other organizations' objects), Forbidden -> 403, Conflict and StaleWrite ->
409 (a stale write carries the stored record so the client can merge and retry; edit conflicts of a
workbook list each one under ``conflicts``), Invalid and any
other user error -> 422, too large -> 413, not signed in -> 401 for the API and a redirect to the
login form for pages; a busy or unreachable database -> 503 with ``Retry-After`` (never a 500); a
request that fails validation -> 422 whose body always renders (NaN, Infinity, lone surrogates in
the rejected input are escaped); an unexpected error -> 500 without a traceback. API answers are JSON
``{"detail": ...}``; pages (any other path) get an error page in the site's layout that says what
happened and where to go next (``error.html``).
"""

from __future__ import annotations

import html
import logging
import math
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as SqlTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from aisma.errors import AismaError
from aisma.server.errors import Conflict, EditConflicts, Forbidden, Invalid, NotFound, StaleWrite, TooLarge
from aisma.web.security import CsrfRejected, NotAuthenticated

API_PATH = "/api/"
log = logging.getLogger("aisma.web")


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PATH)


# What a person reading an error page is told, per status: a heading and what to do next.
FRIENDLY: dict[int, tuple[str, str]] = {
    400: ("Bad request", "The browser sent something this server could not read. Go back and try again."),
    403: (
        "Not allowed",
        "Your role in this organization does not allow this. An owner of the organization can change your role.",
    ),
    404: (
        "Page not found",
        "There is nothing at this address, or it belongs to an organization you are not a member of.",
    ),
    405: ("Not possible here", "This address does not accept that kind of request."),
    409: ("Changed meanwhile", "Someone changed this since you opened the page. Open it again and redo your change."),
    413: ("Too large", "What you sent is larger than this server accepts."),
    422: (
        "That was not accepted",
        "Something in what you sent was not accepted. Go back, correct it and send it again.",
    ),
    500: (
        "Something went wrong",
        "The server met an unexpected error and logged it. Try again; if it happens again, tell your administrator.",
    ),
    503: ("Busy", "The server is busy. Try again in a moment."),
}
INTERNAL_ERROR = "internal server error"


def _back_url(request: Request) -> str:
    """The page the person came from, when it is one of ours (never another site, never this page)."""
    referer = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}/"
    if not referer.startswith(origin) or len(referer) > 2000:
        return ""
    path = "/" + referer[len(origin) :]
    return "" if path.split("?")[0] == request.url.path else path


def error_page(request: Request, status: int, detail: str) -> HTMLResponse:
    """A page in the site's layout that says what happened and where to go; the tiny page if even that fails."""
    heading, explanation = FRIENDLY.get(status, ("Error", "The request could not be completed."))
    try:
        from aisma.web.render import page_environment
        from aisma.web.templating import render_template

        body = render_template(
            page_environment(request),
            "error.html",
            {
                "title": heading,
                "status": status,
                "heading": heading,
                "explanation": explanation,
                "detail": detail,
                "back_url": _back_url(request),
            },
        )
    except Exception:  # the error page must never fail: fall back to plain HTML
        log.exception("the error page did not render")
        body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{html.escape(detail)}</p>"
    return HTMLResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def error_response(request: Request, status: int, detail: str, **extra: Any) -> Response:
    if is_api(request):
        return JSONResponse({"detail": detail, **jsonable_encoder(extra)}, status_code=status)
    return error_page(request, status, detail)


RETRY_AFTER_SECONDS = 2
MAX_ECHO = 200  # characters of a rejected input echoed back in a 422


def json_safe(value: Any) -> Any:
    """What a 422 echoes back, made renderable: NaN/Infinity as text, lone surrogates escaped, long text cut.

    The request that carried them was refused for exactly these values; the answer must still be
    valid JSON (and valid UTF-8), or the refusal itself becomes a 500.
    """
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, str):
        text = value if len(value) <= MAX_ECHO else value[:MAX_ECHO] + "..."
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, bytes):
        return json_safe(value.decode("utf-8", "backslashreplace"))
    if isinstance(value, dict):
        return {str(json_safe(k)): json_safe(v) for k, v in list(value.items())[:50]}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in list(value)[:50]]
    if value is None or isinstance(value, bool | int):
        return value
    return json_safe(str(value))


def is_busy(exc: BaseException) -> bool:
    """The database could not serve the request now (locked, busy, pool exhausted, unreachable)."""
    return isinstance(exc, OperationalError | SqlTimeoutError | InterfaceError)


def install_error_handlers(app: FastAPI) -> None:
    async def validation_failed(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errors = [{k: json_safe(v) for k, v in error.items() if k != "url"} for error in exc.errors()]
        if is_api(request):
            return JSONResponse({"detail": errors}, status_code=422)
        first = errors[0] if errors else {}
        where = ".".join(str(part) for part in first.get("loc", ()) if part != "body")
        return error_response(request, 422, f"{where}: {first.get('msg', 'invalid input')}")

    async def database_busy(request: Request, exc: Exception) -> Response:
        log.warning("database busy on %s %s: %s", request.method, request.url.path, type(exc).__name__)
        response = error_response(request, 503, "the database is busy; try again in a moment")
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    async def not_authenticated(request: Request, exc: Exception) -> Response:
        if is_api(request):
            return JSONResponse({"detail": str(exc)}, status_code=401, headers={"WWW-Authenticate": "Bearer"})
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    async def csrf_rejected(request: Request, exc: Exception) -> Response:
        return error_response(request, 403, str(exc))

    async def not_found(request: Request, exc: Exception) -> Response:
        return error_response(request, 404, str(exc))

    async def forbidden(request: Request, exc: Exception) -> Response:
        return error_response(request, 403, str(exc))

    async def conflict(request: Request, exc: Exception) -> Response:
        return error_response(request, 409, str(exc))

    async def edit_conflicts(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EditConflicts)
        return error_response(request, 409, str(exc), conflicts=exc.conflicts)

    async def stale_write(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StaleWrite)
        from aisma.web.schemas import stale_current

        return error_response(request, 409, str(exc), current=stale_current(exc.current))

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, Invalid)
        return error_response(request, 422, str(exc), field=exc.field)

    async def too_large(request: Request, exc: Exception) -> Response:
        return error_response(request, 413, str(exc))

    async def user_error(request: Request, exc: Exception) -> Response:
        return error_response(request, 422, str(exc))

    async def http_error(request: Request, exc: Exception) -> Response:
        """Starlette's own errors (no such route 404, wrong method 405, a body cut off 413)."""
        assert isinstance(exc, StarletteHTTPException)
        if is_api(request) or exc.status_code < 400:
            return await http_exception_handler(request, exc)
        response = error_page(request, exc.status_code, str(exc.detail))
        response.headers.update(exc.headers or {})
        return response

    async def unexpected(request: Request, exc: Exception) -> Response:
        """A bug: Starlette re-raises it after this answer, so the server logs its traceback; the person
        sees no traceback, only what to do."""
        return error_response(request, 500, INTERNAL_ERROR)

    # Most specific first: Starlette looks handlers up along the exception's MRO anyway.
    app.add_exception_handler(NotAuthenticated, not_authenticated)
    app.add_exception_handler(CsrfRejected, csrf_rejected)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(StaleWrite, stale_write)
    app.add_exception_handler(EditConflicts, edit_conflicts)
    app.add_exception_handler(Conflict, conflict)
    app.add_exception_handler(Invalid, invalid)
    app.add_exception_handler(TooLarge, too_large)  # an Invalid, but 413
    app.add_exception_handler(AismaError, user_error)
    app.add_exception_handler(RequestValidationError, validation_failed)
    for busy in (OperationalError, SqlTimeoutError, InterfaceError):
        app.add_exception_handler(busy, database_busy)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected)  # Starlette answers with it, then re-raises for the log
