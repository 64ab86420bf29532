"""The REST API under ``/api/v1``: one router per noun, all scoped to an organization in the path.

Every route below ``/orgs/{org}`` resolves the actor first (``security.current_actor``): a caller who
is not a member of ``org`` gets 404, exactly as for an object that does not exist, and the services
check roles, token scopes and that every object id belongs to the actor's organization.
"""

from __future__ import annotations

from fastapi import APIRouter


def build_api_router() -> APIRouter:
    from aisma.web.api import admin, answers, assessments, evidence, inventory, measurements, orgs

    router = APIRouter()
    for module in (orgs, inventory, answers, evidence, measurements, assessments, admin):
        router.include_router(module.build_router())
    return router
