"""The application factory: everything the server needs is built here, from settings, never at import.

``create_app(settings)`` wires the database, the REST API under ``/api/v1`` (its OpenAPI document at
``/api/v1/openapi.json``), the server-rendered pages and ``/static``. Service errors become HTTP
answers in one place (``errors.py``), so every route maps them the same way.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from aisma.server.settings import ServerSettings
from aisma.server.storage import store_for
from aisma.store.db import Database
from aisma.web import openapi
from aisma.web.concurrency import ConcurrencyLimit, pool_capacity
from aisma.web.errors import install_error_handlers
from aisma.web.features.admin.service import TokenUsage
from aisma.web.jobs import load_handlers, make_queue
from aisma.web.limits import BodySizeLimit, SecurityHeaders
from aisma.web.maintenance import Maintenance
from aisma.web.options import OptionsHandler
from aisma.web.routing import API_PREFIX

if TYPE_CHECKING:
    from aisma.web.oidc import OidcClient

WEB_DIR = Path(__file__).parent
# A multipart upload carries headers and boundaries besides the file itself.
MULTIPART_OVERHEAD_BYTES = 64 * 1024


def create_app(settings: ServerSettings) -> FastAPI:
    """A ready ASGI app; the caller owns the settings (and runs migrations before serving)."""
    from aisma.web.features import api_router, pages_router

    secret_key = settings.resolved_secret_key()
    database = Database(settings.database_url, signing_key=secret_key)
    oidc = _oidc_client(settings)
    token_usage = TokenUsage()
    maintenance = Maintenance(database, settings, token_usage)
    load_handlers(settings)
    job_queue = make_queue(settings, database)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        maintenance.start()
        job_queue.start()
        yield
        job_queue.stop()
        maintenance.stop()
        database.dispose()
        if oidc is not None:
            oidc.http.close()

    app = FastAPI(
        title="aisma",
        version=_version(),
        summary="AI Security Maturity Assessment: team server API",
        openapi_url=f"{API_PREFIX}/openapi.json",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN: the server works offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.database = database
    app.state.templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
    app.state.templates.env.auto_reload = settings.development  # no stat() of every template per render
    app.state.secret_key = secret_key
    app.state.oidc = oidc  # None unless AISMA_OIDC_* are set
    app.state.token_usage = token_usage
    app.state.job_queue = job_queue
    app.state.evidence_store = store_for(settings.evidence_path, settings.evidence_url)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_upload_bytes + MULTIPART_OVERHEAD_BYTES)
    app.add_middleware(ConcurrencyLimit, max_requests=pool_capacity(database.engine))
    app.add_middleware(OptionsHandler, routes=lambda: app.routes)
    if settings.trusted_proxy_list:  # the client address and scheme from X-Forwarded-* of these proxies only
        from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=settings.trusted_proxy_list)
    install_error_handlers(app)
    openapi.install(app)
    app.include_router(api_router(), prefix=API_PREFIX)
    app.include_router(pages_router(), include_in_schema=False)
    app.mount("/static", StaticFiles(directory=WEB_DIR / "static", check_dir=False), name="static")
    app.add_api_route("/favicon.ico", favicon, methods=["GET"], include_in_schema=False)
    return app


def favicon() -> FileResponse:
    """Browsers ask for /favicon.ico whatever the page says; served from the package, never a CDN."""
    return FileResponse(
        WEB_DIR / "static" / "favicon.ico",
        media_type="image/x-icon",
        headers={"Cache-Control": "public, max-age=86400"},
    )


def _oidc_client(settings: ServerSettings) -> OidcClient | None:
    from aisma.web import oidc

    if not oidc.enabled(settings):
        return None
    import httpx

    return oidc.OidcClient(settings, httpx.Client(timeout=10.0))


def _version() -> str:
    try:
        return metadata.version("aisma")
    except metadata.PackageNotFoundError:  # a source tree that was never installed
        return "0"
