"""Measurements and evidence, each with its provenance, and which answers cite each file."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.web.render import org_base, render_page
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


def citations(answers: Iterable[Any]) -> dict[str, list[str]]:
    """Evidence reference (``evidence/<file>`` or ``sha256:<hex>``) -> ids of the objectives citing it."""
    cited: dict[str, list[str]] = {}
    for answer in answers:
        for ref in answer.evidence:
            cited.setdefault(ref, []).append(answer.objective_id)
    return cited


def build_records_router() -> APIRouter:
    from aisma.web.features.answers import service as answers
    from aisma.web.features.evidence import service as evidence
    from aisma.web.features.measurements import service as measurements
    from aisma.web.features.organizations import service as accounts

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

    @router.get("/orgs/{org}/evidence")
    def evidence_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
        return render_page(
            request,
            actor,
            "evidence.html",
            active="evidence",
            title="Evidence",
            org_name=accounts.get_organization(session, actor).name,
            files=evidence.list_evidence(session, actor),
            cited=citations(answers.list_answers(session, actor)),
            questionnaire=f"{org_base(actor.org_slug)}/questionnaire",
            api_base=f"/api/v1/orgs/{actor.org_slug}",
        )

    return router
