"""The ``sarif`` collector: findings per rule from SARIF 2.1.0 logs, streamed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import ijson  # type: ignore[import-untyped]

from aisma.collectors.base import (
    CollectContext,
    CollectionResult,
    CollectorMeta,
    file_source,
    file_time,
    parse_time,
)
from aisma.collectors.registry import read_meta
from aisma.errors import AismaError
from aisma.formats.jsonstream import open_json, shape_error
from aisma.scoring.inputs import Measurement


class SarifCollector:
    """Counts results by rule; the newest invocation end time (or the file time) is the observation."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        out: list[Measurement] = []
        for path in paths:
            rules, tool, version, ended = self._read(path)
            when = ended or file_time(path)
            total = sum(rules.values())
            details = tuple(f"{rule}: {n}" for rule, n in sorted(rules.items(), key=lambda kv: (-kv[1], kv[0])))
            out.append(
                Measurement(
                    metric="sarif.findings.count",
                    observed_at=when,
                    numerator=float(total),
                    denominator=None,
                    value=float(total),
                    source=file_source(path, tool or "sarif", version, context),
                    details=details[:20],
                )
            )
            if context.progress:
                context.progress(path.stat().st_size)
        return CollectionResult(measurements=tuple(out))

    def _read(self, path: Path) -> tuple[Counter[str], str, str, datetime | None]:
        rules: Counter[str] = Counter()
        tool = version = ""
        ended: datetime | None = None
        saw_version = False
        expected = "a SARIF 2.1.0 log"
        with open_json(path, expected) as (handle, first):
            if first != b"{":
                raise shape_error(path, "not a JSON object", expected)
            for prefix, event, value in ijson.parse(handle):
                if prefix == "version" and event == "string":
                    saw_version = True
                    if not str(value).startswith("2.1"):
                        raise shape_error(path, f"SARIF version {value} is not supported", expected)
                elif prefix == "runs.item.tool.driver.name" and not tool:
                    tool = str(value)
                elif prefix == "runs.item.tool.driver.version" and not version:
                    version = str(value)
                elif prefix == "runs.item.invocations.item.endTimeUtc":
                    parsed = parse_time(value)
                    if parsed and (ended is None or parsed > ended):
                        ended = parsed
                elif prefix == "runs.item.results.item.ruleId":
                    rules[str(value)] += 1
        if not saw_version:
            raise AismaError(f"{path}: no SARIF version field; expected a SARIF 2.1.0 log")
        return rules, tool, version, ended


def collector() -> SarifCollector:
    return SarifCollector()
