"""The inventory of AI systems: one document per system, each with a version for safe concurrent edits."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, status
from fastapi.responses import Response

from aisma.web.features.inventory import service as inventory
from aisma.web.features.inventory.schemas import StaleSystem, SystemCreate, SystemOut, SystemUpdate
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response
from aisma.web.routing import WRITE_ERRORS, ObjectId, stale_as
from aisma.web.schemas import MAX_INT
from aisma.web.security import CurrentActor, DbSession

STALE: dict[int | str, dict[str, Any]] = {
    409: {"model": StaleSystem, "description": "Stale version: the current record is returned."}
}

router = APIRouter(prefix="/orgs/{org}/inventory", tags=["inventory"], responses=WRITE_ERRORS)


@router.get("", response_model=list[SystemOut], summary="The AI systems, a page at a time", responses=LIST_RESPONSES)
def list_systems(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, inventory.systems_page(session, actor, page), SystemOut)


@router.post(
    "",
    response_model=SystemOut,
    status_code=status.HTTP_201_CREATED,
    summary="Add an AI system",
    responses={409: {"description": "A system with this id exists."}},
)
def create_system(body: SystemCreate, session: DbSession, actor: CurrentActor) -> SystemOut:
    return inventory.create_system(session, actor, body.document)


@router.get("/{system_id}", response_model=SystemOut, summary="One AI system")
def get_system(system_id: ObjectId, session: DbSession, actor: CurrentActor) -> SystemOut:
    return inventory.get_system(session, actor, system_id)


@router.put("/{system_id}", response_model=SystemOut, summary="Replace an AI system", responses=STALE)
def update_system(system_id: ObjectId, body: SystemUpdate, session: DbSession, actor: CurrentActor) -> SystemOut:
    with stale_as(SystemOut):
        return inventory.update_system(session, actor, system_id, body.document, body.version)


@router.delete("/{system_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Remove an AI system", responses=STALE)
def delete_system(
    system_id: ObjectId,
    version: Annotated[int, Query(ge=1, le=MAX_INT, description="The version you read.")],
    session: DbSession,
    actor: CurrentActor,
) -> None:
    with stale_as(SystemOut):
        inventory.delete_system(session, actor, system_id, version)
