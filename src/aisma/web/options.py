"""``OPTIONS`` for every path the app serves: 204 with the ``Allow`` header of that path's methods.

Starlette answers OPTIONS with 405 (and an ``Allow`` header naming only the one route it tried).
aisma serves no cross-origin callers (no CORS), so OPTIONS only tells a client which methods a
path has; an unknown path is 404. The table of paths is built from the app's routes on first use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from starlette.responses import JSONResponse, Response
from starlette.routing import compile_path
from starlette.types import ASGIApp, Receive, Scope, Send

STATIC_PREFIX = "/static/"


def route_table(routes: Sequence[Any]) -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """(path regex, methods) of every endpoint, included routers flattened."""
    from fastapi.routing import iter_route_contexts

    table: dict[str, set[str]] = {}
    for context in iter_route_contexts(routes):
        path = context.path or ""
        if path and context.methods:
            table.setdefault(path, set()).update(context.methods)
    return [(compile_path(path)[0], frozenset(methods)) for path, methods in table.items()]


class OptionsHandler:
    def __init__(self, app: ASGIApp, routes: Callable[[], Sequence[Any]]) -> None:
        self.app = app
        self.routes = routes
        self._table: list[tuple[re.Pattern[str], frozenset[str]]] | None = None

    def allowed(self, path: str) -> set[str]:
        if self._table is None:
            self._table = route_table(self.routes())
        if path.startswith(STATIC_PREFIX):
            return {"GET", "HEAD"}
        methods: set[str] = set()
        for regex, route_methods in self._table:
            if regex.match(path):
                methods.update(route_methods)
        return methods

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "OPTIONS":
            await self.app(scope, receive, send)
            return
        methods = self.allowed(scope["path"])
        if not methods:
            await JSONResponse({"detail": "not found"}, status_code=404)(scope, receive, send)
            return
        if "GET" in methods:
            methods.add("HEAD")
        allow = ", ".join(sorted(methods | {"OPTIONS"}))
        await Response(status_code=204, headers={"Allow": allow})(scope, receive, send)
