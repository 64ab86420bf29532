"""The organization's hash-chained audit trail, newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aisma.web.features.audit import service as audit
from aisma.web.features.audit.schemas import AuditOut
from aisma.web.routing import ERRORS
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(tags=["organizations"], responses=ERRORS)


@router.get("/orgs/{org}/audit", response_model=list[AuditOut], summary="The organization's audit trail, newest first")
def audit_trail(
    session: DbSession, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[AuditOut]:
    return audit.recent(session, actor, limit)
