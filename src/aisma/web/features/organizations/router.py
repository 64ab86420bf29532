"""Installed maturity models, the caller's organizations, and one organization with its model."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from aisma.web.features.organizations import service as accounts
from aisma.web.features.organizations.schemas import (
    MeOut,
    ModelInfo,
    OrganizationCreate,
    OrganizationDetail,
    OrganizationOut,
    OrganizationUpdate,
)
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import ERRORS, WRITE_ERRORS
from aisma.web.schemas import ErrorOut
from aisma.web.security import CsrfChecked, CurrentActor, CurrentCaller, DbSession

router = APIRouter(tags=["organizations"], responses=ERRORS)


@router.get(
    "/models",
    response_model=list[ModelInfo],
    summary="Maturity models installed on the server",
    responses=LIST_RESPONSES,
)
def list_models(request: Request, page: PageParams, caller: CurrentCaller) -> Response:
    return list_response(request, slice_page(accounts.installed_models(), page), ModelInfo)


@router.get("/me", response_model=MeOut, summary="Who you are; a signed-in browser's CSRF token")
def me(caller: CurrentCaller) -> MeOut:
    if caller.token_actor is not None:
        actor = caller.token_actor
        return MeOut(email=actor.email, via="token", organization=actor.org_slug, scopes=list(actor.scopes))
    return MeOut(email=caller.user.email, via="session", csrf_token=caller.csrf)


@router.get(
    "/orgs", response_model=list[OrganizationOut], summary="Organizations you can act in", responses=LIST_RESPONSES
)
def list_organizations(request: Request, page: PageParams, session: DbSession, caller: CurrentCaller) -> Response:
    if caller.token_actor is not None:  # a token belongs to exactly one organization
        actor = caller.token_actor
        mine = [o for o in accounts.my_organizations(session, actor.user_id) if o.slug == actor.org_slug]
    else:
        mine = accounts.my_organizations(session, caller.user.id)
    return list_response(request, slice_page(mine, page), OrganizationOut)


@router.post(
    "/orgs",
    response_model=OrganizationOut,
    status_code=status.HTTP_201_CREATED,
    summary="Create an organization; you become its owner (server admins and owners)",
    responses={**WRITE_ERRORS, 409: {"model": ErrorOut, "description": "The slug is taken."}},
)
def create_organization(
    body: OrganizationCreate, session: DbSession, caller: CurrentCaller, _csrf: CsrfChecked
) -> OrganizationOut:
    return accounts.create_organization_as(
        session, caller.user, body.slug, body.name, body.model_id, token_actor=caller.token_actor
    )


@router.get("/orgs/{org}", response_model=OrganizationDetail, summary="One organization and its settings")
def get_organization(session: DbSession, actor: CurrentActor) -> OrganizationDetail:
    return accounts.organization_detail(session, actor)


@router.put(
    "/orgs/{org}",
    response_model=OrganizationDetail,
    summary="Rename the organization or replace its settings (owners)",
    responses=WRITE_ERRORS,
)
def update_organization(body: OrganizationUpdate, session: DbSession, actor: CurrentActor) -> OrganizationDetail:
    return accounts.update_organization(session, actor, body.name, body.settings, body.review_required)


@router.get("/orgs/{org}/model", summary="The organization's maturity model (categories, objectives)")
def get_model(session: DbSession, actor: CurrentActor) -> dict[str, Any]:
    return accounts.model_document(session, actor)
