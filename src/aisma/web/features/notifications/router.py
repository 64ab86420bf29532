"""The caller's own notification log in one organization."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aisma.web.features.notifications import service as notifications
from aisma.web.features.notifications.schemas import NotificationKind, NotificationOut, NotificationStatus
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import ERRORS
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}/notifications", tags=["notifications"], responses=ERRORS)


@router.get(
    "",
    response_model=list[NotificationOut],
    summary="The emails sent to you in this organization (assigned, returned, mentioned, overdue), newest first",
    responses=LIST_RESPONSES,
)
def my_notifications(
    request: Request,
    page: PageParams,
    session: DbSession,
    actor: CurrentActor,
    kind: Annotated[NotificationKind | None, Query(description="Only this kind.")] = None,
    status: Annotated[NotificationStatus | None, Query(description="Only this status.")] = None,
) -> Response:
    listed = [
        n
        for n in notifications.mine(session, actor)
        if (not kind or n.kind == kind) and (not status or n.status == status)
    ]
    return list_response(request, slice_page(listed, page), NotificationOut)
