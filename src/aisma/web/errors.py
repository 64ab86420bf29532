"""Service errors to HTTP answers, in one place so every route maps them the same way.

NotFound -> 404 (also for other organizations' objects), Forbidden -> 403, Conflict and StaleWrite ->
409 (a stale write carries the stored record so the client can merge and retry), Invalid and any
other user error -> 422, too large -> 413, not signed in -> 401 for the API and a redirect to the
login form for pages. API answers are JSON ``{"detail": ...}``; pages get a small HTML page.
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from aisma.errors import AismaError
from aisma.server.errors import Conflict, Forbidden, Invalid, NotFound, StaleWrite, TooLarge
from aisma.web.security import CsrfRejected, NotAuthenticated

API_PATH = "/api/"


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PATH)


def error_response(request: Request, status: int, detail: str, **extra: Any) -> Response:
    if is_api(request):
        return JSONResponse({"detail": detail, **jsonable_encoder(extra)}, status_code=status)
    body = f"<!doctype html><title>{status}</title><h1>{status}</h1><p>{html.escape(detail)}</p>"
    return HTMLResponse(body, status_code=status)


def install_error_handlers(app: FastAPI) -> None:
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

    # Most specific first: Starlette looks handlers up along the exception's MRO anyway.
    app.add_exception_handler(NotAuthenticated, not_authenticated)
    app.add_exception_handler(CsrfRejected, csrf_rejected)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(Forbidden, forbidden)
    app.add_exception_handler(StaleWrite, stale_write)
    app.add_exception_handler(Conflict, conflict)
    app.add_exception_handler(Invalid, invalid)
    app.add_exception_handler(TooLarge, too_large)  # an Invalid, but 413
    app.add_exception_handler(AismaError, user_error)
