"""Request and response guards: a ceiling on request bodies, enforced while they stream in (not after
they are buffered), and the security headers every response carries.

A declared ``Content-Length`` over the limit is refused before a byte is read; a chunked body is
counted as it arrives and cut off with 413 the moment it passes the limit, so an upload can never
fill the disk or memory of a worker. The evidence service still checks each file's own size.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodySizeLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _detail(self) -> str:
        return f"request body over the limit of {self.max_bytes} bytes"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > self.max_bytes:
                    await JSONResponse({"detail": self._detail()}, status_code=413)(scope, receive, send)
                    return
        received = 0

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(status_code=413, detail=self._detail())
            return message

        await self.app(scope, counting_receive, send)


# No inline script or style anywhere (aisma.js and aisma.css are files); charts are inline SVG
# elements, which need no style source; data: images only for SVGs embedded in reports.
CONTENT_SECURITY_POLICY = (
    b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    b"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),  # no page of ours inside another site's frame (clickjacking)
    (b"referrer-policy", b"same-origin"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY),
)
# API answers carry CSRF tokens (/me), new API tokens, evidence and assessments: no shared cache, no
# disk copy, unless a route says otherwise (the lists revalidate with their ETag).
API_CACHE_CONTROL = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Headers every response carries, unless a route set its own value; API answers are ``no-store``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        api = scope.get("path", "").startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                wanted = (*SECURITY_HEADERS, API_CACHE_CONTROL) if api else SECURITY_HEADERS
                headers.extend((name, value) for name, value in wanted if name not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
