"""Invitations of an organization (owners): invite an email address with a role, list, revoke."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from aisma.server.auth import Role
from aisma.web.features.invitations import service as invitations
from aisma.web.features.invitations.schemas import InvitationCreate, InvitationCreated, InvitationOut
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS, RowId
from aisma.web.schemas import ErrorOut
from aisma.web.security import CurrentActor, DbSession, app_database, app_settings

router = APIRouter(prefix="/orgs/{org}", tags=["administration"], responses=WRITE_ERRORS)


@router.get(
    "/invitations",
    response_model=list[InvitationOut],
    summary="Invitations, newest first, with their status (owners)",
    responses=LIST_RESPONSES,
)
def list_invitations(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(invitations.list_invitations(session, actor), page), InvitationOut)


@router.post(
    "/invitations",
    response_model=InvitationCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Invite an email address with a role (the link is emailed, else returned once)",
    responses={409: {"model": ErrorOut, "description": "The address is a member already."}},
)
def create_invitation(body: InvitationCreate, request: Request, actor: CurrentActor) -> InvitationCreated:
    return invitations.create_and_send(
        app_database(request), app_settings(request), actor, body.email, Role(body.role), str(request.base_url)
    )


@router.delete(
    "/invitations/{invitation_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an open invitation (its link stops working)",
)
def revoke_invitation(invitation_id: RowId, session: DbSession, actor: CurrentActor) -> None:
    invitations.revoke(session, actor, invitation_id)
