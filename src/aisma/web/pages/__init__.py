"""Server-rendered pages. ``build_router()`` is what ``create_app`` mounts; pages join it here.

The sign-in pages live in ``auth.py``; every other page module adds its router below. Each page
module only parses the request, calls the services and renders a template (``templates/``); what a
page shows is computed by a ``*_view`` module that a test can call with plain data.
"""

from __future__ import annotations

from fastapi import APIRouter


def build_router() -> APIRouter:
    from aisma.web.pages.admin import build_admin_router
    from aisma.web.pages.auth import build_auth_router
    from aisma.web.pages.dashboard import build_dashboard_router
    from aisma.web.pages.home import build_home_router
    from aisma.web.pages.inventory import build_inventory_router
    from aisma.web.pages.questionnaire import build_questionnaire_router
    from aisma.web.pages.records import build_records_router
    from aisma.web.pages.workbook import build_workbook_router

    router = APIRouter()
    router.include_router(build_auth_router())
    router.include_router(build_home_router())
    router.include_router(build_dashboard_router())
    router.include_router(build_questionnaire_router())
    router.include_router(build_inventory_router())
    router.include_router(build_records_router())
    router.include_router(build_admin_router())
    router.include_router(build_workbook_router())
    return router
