"""Installed maturity models, the caller's organizations, and one organization's model."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query

from aisma.server.auth import Actor
from aisma.server.errors import NotFound
from aisma.web.routing import ERRORS, WRITE_ERRORS
from aisma.web.schemas import AuditOut, MeOut, ModelInfo, OrganizationDetail, OrganizationOut, OrganizationUpdate
from aisma.web.security import CurrentActor, CurrentCaller, DbSession


@lru_cache(maxsize=8)
def _model_document(model_id: str, path: str, mtime: float) -> dict[str, Any]:
    """A model as JSON; parsed once per file version (the built-in model is large)."""
    from aisma.maturity.loader import load_model_file

    return load_model_file(path).model_dump(mode="json")


def model_document(model_id: str) -> dict[str, Any]:
    from aisma.maturity.loader import available_models

    for source in available_models():
        if source.id == model_id:
            return _model_document(source.id, str(source.path), source.path.stat().st_mtime)
    raise NotFound(f"model {model_id} is not installed on this server")


def detail(org: Any, actor: Actor) -> OrganizationDetail:
    return OrganizationDetail(
        slug=org.slug, name=org.name, model_id=org.model_id, role=actor.role.value, settings=org.settings
    )


def build_router() -> APIRouter:
    router = APIRouter(tags=["organizations"], responses=ERRORS)

    @router.get("/models", response_model=list[ModelInfo], summary="Maturity models installed on the server")
    def list_models(caller: CurrentCaller) -> list[ModelInfo]:
        from aisma.maturity.loader import available_models

        return [ModelInfo(id=m.id, origin=m.origin) for m in available_models()]

    @router.get("/me", response_model=MeOut, summary="Who you are; a signed-in browser's CSRF token")
    def me(caller: CurrentCaller) -> MeOut:
        if caller.token_actor is not None:
            actor = caller.token_actor
            return MeOut(email=actor.email, via="token", organization=actor.org_slug, scopes=list(actor.scopes))
        return MeOut(email=caller.user.email, via="session", csrf_token=caller.csrf)

    @router.get("/orgs", response_model=list[OrganizationOut], summary="Organizations you can act in")
    def list_organizations(session: DbSession, caller: CurrentCaller) -> list[OrganizationOut]:
        from aisma.web.features.organizations import service as accounts

        if caller.token_actor is not None:  # a token belongs to exactly one organization
            actor = caller.token_actor
            mine = accounts.organizations_of(session, actor.user_id)
            return [
                OrganizationOut(slug=org.slug, name=org.name, model_id=org.model_id, role=actor.role.value)
                for org, _role in mine
                if org.id == actor.org_id
            ]
        return [
            OrganizationOut(slug=org.slug, name=org.name, model_id=org.model_id, role=role.value)
            for org, role in accounts.organizations_of(session, caller.user.id)
        ]

    @router.get("/orgs/{org}", response_model=OrganizationDetail, summary="One organization and its settings")
    def get_organization(session: DbSession, actor: CurrentActor) -> OrganizationDetail:
        from aisma.web.features.organizations import service as accounts

        return detail(accounts.get_organization(session, actor), actor)

    @router.put(
        "/orgs/{org}",
        response_model=OrganizationDetail,
        summary="Rename the organization or replace its settings (owners)",
        responses=WRITE_ERRORS,
    )
    def update_organization(body: OrganizationUpdate, session: DbSession, actor: CurrentActor) -> OrganizationDetail:
        from aisma.web.features.organizations import service as accounts

        return detail(accounts.update_organization(session, actor, body.name, body.settings), actor)

    @router.get(
        "/orgs/{org}/audit", response_model=list[AuditOut], summary="The organization's audit trail, newest first"
    )
    def audit_trail(
        session: DbSession, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = 100
    ) -> list[AuditOut]:
        from aisma.web.features.audit import service as audit

        return [AuditOut.model_validate(entry) for entry in audit.recent(session, actor, limit)]

    @router.get("/orgs/{org}/model", summary="The organization's maturity model (categories, objectives)")
    def get_model(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
        from aisma.web.features.organizations import service as accounts

        org = accounts.get_organization(session, actor)
        return model_document(org.model_id)

    return router
