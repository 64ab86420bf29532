"""Server-rendered pages. ``build_router()`` is what ``create_app`` mounts; pages join it here.

The sign-in pages live in ``auth.py``; every other page module adds its router below.
"""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    from aisma.web.pages.auth import build_auth_router

    router = APIRouter()
    router.include_router(build_auth_router())
    return router
