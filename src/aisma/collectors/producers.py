"""Which metric producers exist in this installation, so the catalog can say what is measured today.

A producer is the inventory (metrics computed in ``aisma.inventory.metrics``) or a collector
registered under the ``aisma.collectors`` entry-point group. Catalog entries whose producers do not
exist yet are reported as planned.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata

from aisma.maturity.catalogs import MetricSpec, metric_catalog

COLLECTOR_GROUP = "aisma.collectors"


@dataclass(frozen=True)
class MetricStatus:
    spec: MetricSpec
    available_from: tuple[str, ...]

    @property
    def available(self) -> bool:
        return bool(self.available_from)


def installed_collectors() -> frozenset[str]:
    return frozenset(entry.name for entry in metadata.entry_points(group=COLLECTOR_GROUP))


def metric_statuses() -> list[MetricStatus]:
    from aisma.inventory.metrics import METRICS

    PROVIDER_METRICS = {
        "inventory.providers.approved_ratio",
        "inventory.providers.reassessed_ratio",
        "inventory.systems.data_use_conformance_ratio",
        # computed by discovery over evidence/ (inventory.discovery)
        "inventory.discovery.registered_ratio",
        "inventory.unregistered.count",
        "mcp.servers.inventoried_ratio",
        "otel.retired_systems.silent_ratio",
    }

    inventory_metrics = {m.metric for m in METRICS} | PROVIDER_METRICS
    collectors = installed_collectors()
    out = []
    for spec in metric_catalog().values():
        sources = [p for p in spec.producers if (p == "inventory" and spec.id in inventory_metrics) or p in collectors]
        out.append(MetricStatus(spec=spec, available_from=tuple(sources)))
    return out
