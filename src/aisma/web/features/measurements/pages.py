"""The measurements page: what the collectors pushed, newest first, each with its provenance; filtered by
metric, paged, and exported as CSV or XLSX."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.web import listing
from aisma.web.features.measurements import service as measurements
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession


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


EXPORT_HEADER = (
    "metric", "value", "numerator", "denominator", "observed_at", "tools", "files", "sha256", "pushed_by", "pushed_at",
)  # fmt: skip


def _export_row(m: Any) -> list[object]:
    sources = provenance(m)
    return [
        m.metric, m.value, m.numerator, m.denominator, m.observed_at,
        "; ".join(str(s.get("tool") or "") for s in sources), "; ".join(str(s.get("file") or "") for s in sources),
        "; ".join(str(s.get("sha256") or "") for s in sources), m.pushed_by, m.pushed_at,
    ]  # fmt: skip


@router.get("/orgs/{org}/measurements")
def measurements_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    metrics = measurements.metric_names(session, actor)
    filters = {"metric": listing.choice(request, "metric", metrics)}
    metric = filters["metric"] or None
    fmt = listing.export_format(request)
    if fmt:
        every = measurements.measurements_window(session, actor, 0, listing.MAX_EXPORT_ROWS, metric)
        return listing.export(fmt, f"{actor.org_slug}-measurements", EXPORT_HEADER, every, _export_row)
    total = measurements.count_measurements(session, actor, metric)
    pages = listing.pager(request, f"{org_base(actor.org_slug)}/measurements", filters, total)
    rows = measurements.measurements_window(session, actor, pages.offset, pages.per_page, metric)
    return render_page(
        request,
        actor,
        "measurements.html",
        active="measurements",
        title="Measurements",
        org_name=accounts.get_organization(session, actor).name,
        measurements=rows,
        provenance=provenance,
        pager=pages,
        filters=filters,
        metrics=metrics,
        base=f"{org_base(actor.org_slug)}/measurements",
    )
