"""A third-party collector written against ``aisma.plugin`` alone, with a metric of its own.

It reads ``{"scanned_at": ISO time, "findings": [{"id": ..., "triaged": bool}, ...]}`` and measures the
share of findings triaged, ``acme.findings.triaged_ratio``, which its folder's ``metrics.yaml`` defines.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from aisma.plugin import (
    AismaError,
    CollectContext,
    CollectionResult,
    CollectorMeta,
    Measurement,
    file_source,
    parse_time,
    ratio,
    read_meta,
)

METRIC = "acme.findings.triaged_ratio"


class AcmeScanner:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        out: list[Measurement] = []
        for path in paths:
            data = json.loads(path.read_text(encoding="utf-8"))
            findings = data["findings"]
            triaged = sum(1 for f in findings if f.get("triaged") is True)
            scanned_at = parse_time(data["scanned_at"])
            if scanned_at is None:
                raise AismaError(f"{context.display_name(path)}: scanned_at is missing")
            source = file_source(path, "acme-scanner", "1", context)
            out.append(ratio(METRIC, triaged, len(findings), scanned_at, source))
        return CollectionResult(measurements=tuple(out))


def collector() -> AcmeScanner:
    return AcmeScanner()
