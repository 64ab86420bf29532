"""Measurements pushed by collectors running at the edge (``aisma push``), and their listing."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from aisma.web.api.common import WRITE_ERRORS
from aisma.web.api.schemas import MeasurementOut, MeasurementPush, PushAccepted
from aisma.web.security import CurrentActor, DbSession


def build_router() -> APIRouter:
    router = APIRouter(prefix="/orgs/{org}/measurements", tags=["measurements"], responses=WRITE_ERRORS)

    @router.get("", response_model=list[MeasurementOut], summary="Stored measurements, newest first")
    def list_measurements(
        session: DbSession, actor: CurrentActor, limit: Annotated[int, Query(ge=1, le=10_000)] = 1000
    ) -> list[MeasurementOut]:
        from aisma.server.services import measurements

        rows = measurements.list_measurements(session, actor, limit=limit)
        return [MeasurementOut.model_validate(row) for row in rows]

    @router.post("", response_model=PushAccepted, summary="Push measurements with their provenance")
    def push_measurements(body: MeasurementPush, session: DbSession, actor: CurrentActor) -> PushAccepted:
        from aisma.server.services import measurements

        items = [m.model_dump(mode="python") for m in body.measurements]
        return PushAccepted(accepted=measurements.push(session, actor, items))

    return router
