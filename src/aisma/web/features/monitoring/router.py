"""Continuous assurance in the API: schedules (cron), alert channels (signed webhooks, email), the
delivery log and the freshness monitor."""

from __future__ import annotations

from fastapi import APIRouter, Request, status
from fastapi.responses import Response

from aisma.web.features.monitoring import service as monitoring
from aisma.web.features.monitoring.schemas import (
    ChannelCreated,
    ChannelIn,
    ChannelOut,
    DeliveryOut,
    FreshnessOut,
    ScheduleIn,
    ScheduleOut,
)
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS, RowId
from aisma.web.security import CurrentActor, DbSession, app_settings

router = APIRouter(prefix="/orgs/{org}", tags=["monitoring"], responses=WRITE_ERRORS)


@router.get("/schedules", response_model=list[ScheduleOut], summary="Schedules (cron, UTC)", responses=LIST_RESPONSES)
def list_schedules(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(monitoring.list_schedules(session, actor), page), ScheduleOut)


@router.post(
    "/schedules",
    response_model=ScheduleOut,
    status_code=status.HTTP_201_CREATED,
    summary="Schedule a recurring job: assess, collect, live (refresh live collectors) or freshness",
)
def create_schedule(body: ScheduleIn, session: DbSession, actor: CurrentActor) -> ScheduleOut:
    return monitoring.create_schedule(session, actor, body)


@router.delete("/schedules/{schedule_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a schedule")
def delete_schedule(schedule_id: RowId, session: DbSession, actor: CurrentActor) -> Response:
    monitoring.delete_schedule(session, actor, schedule_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/alerts/channels", response_model=list[ChannelOut], summary="Alert channels (owners)", responses=LIST_RESPONSES
)
def list_channels(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(monitoring.list_channels(session, actor), page), ChannelOut)


@router.post(
    "/alerts/channels",
    response_model=ChannelCreated,
    status_code=status.HTTP_201_CREATED,
    summary="Add a webhook (its signing secret is in the answer, once) or an email channel (owners)",
)
def create_channel(body: ChannelIn, session: DbSession, actor: CurrentActor) -> ChannelCreated:
    return monitoring.create_channel(session, actor, body)


@router.delete(
    "/alerts/channels/{channel_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete an alert channel"
)
def delete_channel(channel_id: RowId, session: DbSession, actor: CurrentActor) -> Response:
    monitoring.delete_channel(session, actor, channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/alerts/deliveries",
    response_model=list[DeliveryOut],
    summary="The delivery log, newest first: every alert, its attempts and their outcome (owners)",
    responses=LIST_RESPONSES,
)
def list_deliveries(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, slice_page(monitoring.list_deliveries(session, actor), page), DeliveryOut)


@router.get(
    "/freshness",
    response_model=list[FreshnessOut],
    summary="Measurements near their objective's maximum age (AISMA_FRESHNESS_WARN_DAYS) or past it",
    responses=LIST_RESPONSES,
)
def freshness(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    found = monitoring.freshness_report(session, actor, app_settings(request).freshness_warn_days)
    return list_response(request, slice_page(found, page), FreshnessOut)
