"""Administration of one organization: members and their roles, API tokens (owners only)."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from aisma.server.auth import Role
from aisma.web.features.admin import service as tokens
from aisma.web.features.admin.schemas import TokenCreate, TokenCreated, TokenOut
from aisma.web.features.organizations import service as accounts
from aisma.web.features.organizations.schemas import MemberAdd, MemberOut, MemberRole
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS, RowId
from aisma.web.schemas import ErrorOut
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}", tags=["administration"], responses=WRITE_ERRORS)


@router.get("/members", response_model=list[MemberOut], summary="Members and their roles", responses=LIST_RESPONSES)
def list_members(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(accounts.list_members(session, actor), page), MemberOut)


@router.post(
    "/members",
    response_model=MemberOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add an existing user as a member",
    responses={409: {"model": ErrorOut, "description": "The user is a member already."}},
)
def add_member(body: MemberAdd, session: DbSession, actor: CurrentActor) -> MemberOut:
    return accounts.add_member(session, actor, body.email, Role(body.role))


@router.put("/members/{user_id}", response_model=MemberOut, summary="Change a member's role")
def set_role(user_id: RowId, body: MemberRole, session: DbSession, actor: CurrentActor) -> MemberOut:
    return accounts.set_role(session, actor, user_id, Role(body.role))


@router.delete("/members/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove a member")
def remove_member(user_id: RowId, session: DbSession, actor: CurrentActor) -> None:
    accounts.remove_member(session, actor, user_id)


@router.get(
    "/tokens", response_model=list[TokenOut], summary="API tokens of the organization", responses=LIST_RESPONSES
)
def list_tokens(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(tokens.list_tokens(session, actor), page), TokenOut)


@router.post(
    "/tokens",
    response_model=TokenCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Create an API token (the token is shown once)",
)
def create_token(body: TokenCreate, session: DbSession, actor: CurrentActor) -> TokenCreated:
    token, plaintext = tokens.create_token(session, actor, body.name, list(body.scopes), body.expires_at)
    return TokenCreated(**token.model_dump(), token=plaintext)


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke an API token")
def revoke_token(token_id: RowId, session: DbSession, actor: CurrentActor) -> None:
    tokens.revoke_token(session, actor, token_id)
