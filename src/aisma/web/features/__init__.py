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

from fastapi import APIRouter


def api_router() -> APIRouter:
    """Every feature's API routes (``create_app`` mounts them under ``/api/v1``)."""
    from aisma.web.features.admin import router as admin
    from aisma.web.features.answers import router as answers
    from aisma.web.features.assessments import router as assessments
    from aisma.web.features.evidence import router as evidence
    from aisma.web.features.inventory import router as inventory
    from aisma.web.features.measurements import router as measurements
    from aisma.web.features.organizations import router as organizations

    router = APIRouter()
    for module in (organizations, inventory, answers, evidence, measurements, assessments, admin):
        router.include_router(module.build_router())
    return router


def pages_router() -> APIRouter:
    """Every feature's pages."""
    from aisma.web.features.admin.pages import build_admin_router
    from aisma.web.features.answers.pages import build_questionnaire_router
    from aisma.web.features.assessments.pages import build_dashboard_router
    from aisma.web.features.evidence.pages import build_records_router
    from aisma.web.features.inventory.pages import build_inventory_router
    from aisma.web.features.organizations.pages import build_home_router
    from aisma.web.features.signin.pages import build_auth_router
    from aisma.web.features.workbook.pages import build_workbook_router

    router = APIRouter()
    for build in (
        build_auth_router,
        build_home_router,
        build_dashboard_router,
        build_questionnaire_router,
        build_inventory_router,
        build_records_router,
        build_admin_router,
        build_workbook_router,
    ):
        router.include_router(build())
    return router
