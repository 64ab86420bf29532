"""What collectors running at the edge (``aisma push``) send: measurements and observed AI assets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aisma.web.features.measurements import observed
from aisma.web.features.measurements import service as measurements
from aisma.web.features.measurements.schemas import (
    MeasurementOut,
    MeasurementPush,
    ObservedAssetOut,
    ObservedPush,
    PushAccepted,
)
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response
from aisma.web.routing import WRITE_ERRORS
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}", tags=["measurements"], responses=WRITE_ERRORS)


@router.get(
    "/measurements",
    response_model=list[MeasurementOut],
    summary="Stored measurements, newest first",
    responses=LIST_RESPONSES,
)
def list_measurements(
    request: Request,
    page: PageParams,
    session: DbSession,
    actor: CurrentActor,
    metric: Annotated[str | None, Query(max_length=200, description="Only this metric's measurements.")] = None,
) -> Response:
    return list_response(request, measurements.measurements_page(session, actor, page, metric or None), MeasurementOut)


@router.post("/measurements", response_model=PushAccepted, summary="Push measurements with their provenance")
def push_measurements(body: MeasurementPush, session: DbSession, actor: CurrentActor) -> PushAccepted:
    return PushAccepted(accepted=measurements.push(session, actor, body.measurements))


@router.get(
    "/observed",
    response_model=list[ObservedAssetOut],
    summary="Observed AI assets (discovery input)",
    responses=LIST_RESPONSES,
)
def list_observed(request: Request, page: PageParams, session: DbSession, actor: CurrentActor) -> Response:
    return list_response(request, observed.observed_page(session, actor, page), ObservedAssetOut)


@router.put("/observed", response_model=PushAccepted, summary="Replace the observed AI assets of one source")
def push_observed(body: ObservedPush, session: DbSession, actor: CurrentActor) -> PushAccepted:
    return PushAccepted(accepted=observed.replace_observed(session, actor, body.observed, body.source))
