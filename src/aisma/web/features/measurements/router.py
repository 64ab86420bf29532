"""What collectors running at the edge (``aisma push``) send: measurements and observed AI assets."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aisma.web.features.measurements import observed
from aisma.web.features.measurements import service as measurements
from aisma.web.features.measurements.schemas import (
    MeasurementOut,
    MeasurementPush,
    ObservedAssetOut,
    ObservedPush,
    PushAccepted,
)
from aisma.web.routing import WRITE_ERRORS
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}", tags=["measurements"], responses=WRITE_ERRORS)


@router.get("/measurements", response_model=list[MeasurementOut], summary="Stored measurements, newest first")
def list_measurements(
    session: DbSession, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
) -> list[MeasurementOut]:
    return measurements.list_measurements(session, actor, limit=limit)


@router.post("/measurements", response_model=PushAccepted, summary="Push measurements with their provenance")
def push_measurements(body: MeasurementPush, session: DbSession, actor: CurrentActor) -> PushAccepted:
    return PushAccepted(accepted=measurements.push(session, actor, body.measurements))


@router.get("/observed", response_model=list[ObservedAssetOut], summary="Observed AI assets (discovery input)")
def list_observed(
    session: DbSession, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
) -> list[ObservedAssetOut]:
    return observed.list_observed(session, actor, limit=limit)


@router.put("/observed", response_model=PushAccepted, summary="Replace the observed AI assets of one source")
def push_observed(body: ObservedPush, session: DbSession, actor: CurrentActor) -> PushAccepted:
    return PushAccepted(accepted=observed.replace_observed(session, actor, body.observed, body.source))
