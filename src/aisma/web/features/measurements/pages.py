"""The measurements page: what the collectors pushed, newest first, each with its provenance."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.web.features.measurements import service as measurements
from aisma.web.features.organizations import service as accounts
from aisma.web.render import render_page
from aisma.web.security import CurrentActor, DbSession

MEASUREMENTS_SHOWN = 500


def provenance(measurement: Any) -> list[Mapping[str, Any]]:
    """The sources of a measurement, whether stored as one mapping or a list of them."""
    raw = (
        measurement.get("provenance") if isinstance(measurement, Mapping) else getattr(measurement, "provenance", None)
    )
    if not raw:
        return []
    if isinstance(raw, Mapping):
        sources = raw.get("sources")
        return list(sources) if isinstance(sources, list) else [raw]
    return [s for s in raw if isinstance(s, Mapping)]


router = APIRouter()


@router.get("/orgs/{org}/measurements")
def measurements_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    rows = measurements.list_measurements(session, actor, limit=MEASUREMENTS_SHOWN)
    return render_page(
        request,
        actor,
        "measurements.html",
        active="measurements",
        title="Measurements",
        org_name=accounts.get_organization(session, actor).name,
        measurements=rows,
        provenance=provenance,
    )
