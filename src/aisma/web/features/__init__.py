"""The team server, one folder per feature, each with the same file names.

``router.py``: the feature's REST API (one module-level ``router``, mounted under ``/api/v1``);
``pages.py``: its server-rendered pages (one module-level ``router``, kept out of the OpenAPI document);
``schemas.py``: its request and read schemas (the one definition of each type: services return them);
``service.py``: what it does. Every service function takes ``(session, actor, ...)``, checks the
actor's role and organization, writes its audit entry in the same transaction and raises
``aisma.server.errors`` exceptions; the caller chooses the transaction. ``view.py``: what a page shows,
computed from plain data so a test can call it. Imports point down: pages and router import the
service and the schemas; a service never imports a router or a page.
"""

from __future__ import annotations

from importlib import import_module

from fastapi import APIRouter

# The features in the order their routes are matched (a feature missing here serves nothing).
API_FEATURES = (
    "organizations",
    "audit",
    "inventory",
    "answers",
    "reviews",
    "workbook",
    "evidence",
    "measurements",
    "assessments",
    "reports",
    "frameworks",
    "jobs",
    "monitoring",
    "findings",
    "invitations",
    "work",
    "comments",
    "notifications",
    "admin",
)
PAGE_FEATURES = (
    "signin",
    "organizations",
    "assessments",
    "answers",
    "reviews",
    "inventory",
    "measurements",
    "evidence",
    "admin",
    "workbook",
    "reports",
    "frameworks",
    "monitoring",
    "findings",
    "work",
    "comments",
    "audit",
    "search",
    "invitations",
)


def _routers(module_name: str, features: tuple[str, ...]) -> APIRouter:
    combined = APIRouter()
    for feature in features:
        module = import_module(f"{__name__}.{feature}.{module_name}")
        combined.include_router(module.router)
    return combined


def api_router() -> APIRouter:
    """Every feature's ``router.py`` (``create_app`` mounts them under ``/api/v1``)."""
    return _routers("router", API_FEATURES)


def pages_router() -> APIRouter:
    """Every feature's ``pages.py``."""
    return _routers("pages", PAGE_FEATURES)
