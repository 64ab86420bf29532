"""The ``m365-copilot-api`` collector: Microsoft 365 Copilot's grounding content and use, read live from Graph.

Runs only when ``collectors.m365-copilot-api.tenant`` is set in aisma.yaml (an assessment must work
offline). It reads what Microsoft Graph serves of what the ``m365-copilot`` collector reads from files:
the Microsoft 365 groups with their sensitivity labels and visibility, the subscribed licences and, when
``audit_days`` asks for it, a Purview audit search for Copilot interactions; the same rules judge them.
DLP policies, the audit configuration and Restricted SharePoint Search are not in Graph (they are
Security & Compliance and SharePoint Online PowerShell), so they stay with the file collector.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.live import LiveCollector, canonical_sha256
from aisma.collectors.m365_copilot import TOOL, measure
from aisma.collectors.m365_copilot.resources import Resource, place
from aisma.collectors.m365_copilot_api.client import (
    POLL_SECONDS,
    Graph,
    Sdk,
    Settings,
    graph_time,
    load_sdk,
    parse_settings,
)
from aisma.collectors.snapshots import Seen
from aisma.errors import AismaError
from aisma.scoring.inputs import Source

GROUPS = "/groups"
GROUP_QUERY = {
    "$filter": "groupTypes/any(c:c eq 'Unified')",
    "$select": "id,displayName,groupTypes,visibility,assignedLabels",
    "$top": "999",
}
SKUS = "/subscribedSkus"
QUERIES = "/security/auditLog/queries"


class M365CopilotApiCollector(LiveCollector[Sdk]):
    def __init__(
        self,
        sdk: Callable[[], Sdk] | None = None,
        clock: Callable[[], datetime] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        super().__init__(__name__, load_sdk, sdk, clock)
        self._sleep = sleep or time.sleep

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        settings = parse_settings(context.settings)
        sdk, observed_at, warnings = self.start(paths, "Microsoft Graph")
        graph = Graph(sdk, settings, sleep=self._sleep)
        seen: list[Seen[Resource]] = []
        size = 0
        reads: list[tuple[str, list[Any]]] = []
        try:
            reads.append((GROUPS, graph.pages("groups", GROUPS, GROUP_QUERY)))
            reads.append((SKUS, graph.pages("subscribedSkus", SKUS)))
            if settings.audit_days:
                found = self._audit_records(graph, settings, observed_at, warnings)
                if found is not None:
                    reads.append(found)
            else:
                warnings.append(
                    f"{settings.tenant}: no audit search (set audit_days to search for Copilot interactions); "
                    "save Get-AdminAuditLogConfig for the m365-copilot collector instead"
                )
        finally:
            graph.close()
        for path, pages in reads:
            source = Source(
                tool=TOOL,
                version=sdk.version,
                file=f"graph:tenants/{settings.tenant}{path}",
                sha256=canonical_sha256(item for page in pages for item in page["value"]),
            )
            for page in pages:
                for item in page["value"]:
                    resource = place(item, settings.tenant)
                    if resource is not None:
                        seen.append(Seen(resource, source, observed_at))
                size += len(page["value"])
        measurements, sightings, more = measure(seen)
        if context.progress:
            context.progress(size)
        return CollectionResult(
            measurements=tuple(measurements), observed=sightings.assets(), warnings=(*warnings, *more)
        )

    def _audit_records(
        self, graph: Graph, settings: Settings, now: datetime, warnings: list[str]
    ) -> tuple[str, list[Any]] | None:
        """Start an audit search for Copilot interactions, wait for it, and read its records (None: not done)."""
        days = settings.audit_days or 0
        query = graph.post(
            "audit",
            QUERIES,
            {
                "@odata.type": "#microsoft.graph.security.auditLogQuery",
                "displayName": f"aisma: Copilot interactions, {days} days to {graph_time(now)}",
                "filterStartDateTime": graph_time(now - timedelta(days=days)),
                "filterEndDateTime": graph_time(now),
                "recordTypeFilters": ["copilotInteraction"],
            },
        )
        query_id = _query(query).get("id")
        if not isinstance(query_id, str) or not query_id or "/" in query_id:
            raise AismaError(f"m365-copilot-api {settings.tenant}: POST {QUERIES}: the response names no query id")
        status = str(_query(query).get("status") or "notStarted")
        waited = 0.0
        while status in ("notStarted", "running"):
            if waited >= settings.audit_wait_seconds:
                warnings.append(
                    f"{settings.tenant}: the audit search {query_id} was still {status} after "
                    f"{settings.audit_wait_seconds} s (audit_wait_seconds); Copilot interactions not checked"
                )
                return None
            self._sleep(POLL_SECONDS)
            waited += POLL_SECONDS
            status = str(_query(graph.get("audit", f"{QUERIES}/{query_id}")).get("status") or "")
        if status != "succeeded":
            warnings.append(f"{settings.tenant}: the audit search {query_id} ended {status or 'without a status'}")
            return None
        path = f"{QUERIES}/{query_id}/records"
        pages = graph.pages("audit", path)
        if not any(page["value"] for page in pages):
            warnings.append(
                f"{settings.tenant}: no Copilot interaction in the audit log of the last {days} days: "
                "auditing may be off, or nobody used Copilot; save Get-AdminAuditLogConfig to tell"
            )
        return path, pages


def _query(body: Any) -> dict[str, Any]:
    """An auditLogQuery as Graph returns it (the reference's example wraps it in ``value``)."""
    inner = body.get("value") if isinstance(body, dict) else None
    found = inner if isinstance(inner, dict) else body
    return dict(found) if isinstance(found, dict) else {}


def collector() -> M365CopilotApiCollector:
    return M365CopilotApiCollector()
