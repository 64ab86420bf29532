"""The push form of the records that travel from ``aisma push`` to the server (JSON, one definition).

The client writes it; the server's measurement and observed-asset schemas read it back. Its limits
live here too, so both sides refuse the same push.
"""

from __future__ import annotations

from typing import Any

from aisma.scoring.inputs import Measurement, ObservedAsset

MAX_ASSETS = 10_000  # observed AI assets per source and push


def measurement_to_dict(measurement: Measurement) -> dict[str, Any]:
    """The push form of a collector's measurement (what ``aisma push`` sends)."""
    return {
        "metric": measurement.metric,
        "observed_at": measurement.observed_at.isoformat(),
        "numerator": measurement.numerator,
        "denominator": measurement.denominator,
        "value": measurement.value,
        "provenance": {
            "tool": measurement.source.tool,
            "version": measurement.source.version,
            "file": measurement.source.file,
            "sha256": measurement.source.sha256,
        },
        "details": list(measurement.details),
        "population": list(measurement.population) if measurement.population is not None else None,
        "covered": list(measurement.covered) if measurement.covered is not None else None,
    }


def asset_to_dict(asset: ObservedAsset) -> dict[str, Any]:
    """The push form of an observed asset (what ``aisma push`` sends)."""
    return {
        "kind": asset.kind,
        "identifier": asset.identifier,
        "tool": asset.tool,
        "file": asset.file,
        "count": asset.count,
        "seen_with": list(asset.seen_with),
        "last_seen": asset.last_seen.isoformat() if asset.last_seen else None,
    }
