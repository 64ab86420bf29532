"""The organization's hash-chained audit trail, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aisma.web.features.audit import service as audit
from aisma.web.features.audit.schemas import AuditOut
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response
from aisma.web.routing import ERRORS
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(tags=["organizations"], responses=ERRORS)


@router.get(
    "/orgs/{org}/audit",
    response_model=list[AuditOut],
    summary="The organization's audit trail, newest first",
    responses=LIST_RESPONSES,
)
def audit_trail(
    request: Request,
    page: PageParams,
    session: DbSession,
    actor: CurrentActor,
    action: Annotated[str, Query(max_length=100, description="Only this action, e.g. answer.accept.")] = "",
    entity: Annotated[str, Query(max_length=100, description="Only this kind of entity, e.g. answer.")] = "",
    who: Annotated[str, Query(max_length=400, description="Only actors whose label contains this.")] = "",
) -> Response:
    where = audit.AuditFilter(action=action, entity=entity, actor=who)
    return list_response(request, audit.audit_page(session, actor, page, where), AuditOut)
