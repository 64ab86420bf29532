"""The ``prowler`` collector: AI security posture from Prowler's OCSF findings, per resource, streamed.

Prowler runs hundreds of checks; about forty look at Bedrock, SageMaker and the IAM, logging and
organization settings around them (``checks.METRIC_CHECKS``). Each metric is PASS / (PASS + FAIL)
over the distinct resources of its checks: a resource failing any finding of a check fails it, so a
check that reports one finding per problem does not weigh a resource twice. Muted findings (Prowler's
mutelist, OCSF status ``Suppressed``) are accepted exceptions: excluded and counted in a warning.
MANUAL results say nothing about the resource and are ignored.

One measurement per metric and file, so every file keeps its own sha256 and Prowler version;
they merge by summing. When two files report the same resource (two scans of one account kept in
the evidence folder), the newer scan's result is the one counted.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from aisma.collectors.base import (
    MAX_DETAILS,
    CollectContext,
    CollectionResult,
    CollectorMeta,
    FileReads,
    file_source,
    file_time,
    hashing_in_background,
    ratio,
)
from aisma.collectors.prowler.checks import METRIC_CHECKS, metrics_for
from aisma.collectors.prowler.exports import prowler_findings
from aisma.collectors.prowler.ledger import FAIL, MUTED, PASS, Ledger, Scan, label, resource_ids
from aisma.collectors.prowler.sightings import AI_CHECK_PREFIXES, finding_sightings
from aisma.collectors.registry import read_meta
from aisma.errors import AismaError
from aisma.formats.ocsf import ScanTally
from aisma.inventory.discovery import PROWLER_TOOL, Sightings
from aisma.inventory.matching import SystemIndex, index_for
from aisma.scoring.inputs import Measurement, Source

TOOL = "prowler"
MEASURED_STATUS = {"PASS": PASS, "FAIL": FAIL}  # MANUAL (and anything else) is no result


def count_muted_setting(settings: Mapping[str, Any]) -> bool:
    """``collectors.prowler.count_muted``: count muted findings by their status instead of excluding them."""
    value = settings.get("count_muted", False)
    if not isinstance(value, bool):
        raise AismaError("aisma.yaml: collectors.prowler.count_muted must be true or false")
    return value


def read_scan(path: Path, index: int, count_muted: bool, sightings: Sightings | None = None, name: str = "") -> Scan:
    """Stream one file of findings into a Scan: the per-resource result of every measured check.

    ``sightings`` (under the file ``name``) also gets the AI resources the findings show, for discovery.
    Only the findings of measured and AI checks come out of the reader; it counts and dates the others.
    """
    scan = Scan(index=index)
    tally = ScanTally()
    for finding in prowler_findings(path, _detailed, tally):
        if sightings is not None:
            for sighting in finding_sightings(finding):
                sightings.add(sighting, name, finding.time)
        status = MEASURED_STATUS.get(finding.status_code)
        if status is None or not metrics_for(finding.check_id):
            continue
        scan.measured += 1
        if finding.muted:
            scan.muted += 1
            if not count_muted:
                status = MUTED
        for uid, region in resource_ids(finding):
            scan.record(finding.check_id, uid, region, status)
    scan.findings, scan.version, scan.newest = tally.findings, tally.version, tally.newest
    return scan


def _detailed(check_id: str) -> bool:
    """The findings read whole: those of measured checks, and of AI checks (their resources are assets)."""
    return bool(metrics_for(check_id)) or check_id.startswith(AI_CHECK_PREFIXES)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _detail(check_id: str, uid: str, region: str, systems: SystemIndex) -> str:
    """``check: resource``, with the inventory system the resource belongs to when one matches."""
    system = systems.first(uid)
    return f"{check_id}: {label(uid, region)}" + (f" [{system.id}]" if system else "")


def _file_measurements(
    index: int,
    ledger: Ledger,
    counts: Counter[tuple[int, str, int]],
    source: Source,
    systems: SystemIndex,
) -> Iterator[Measurement]:
    """One ratio per metric over the resources whose final result came from scan ``index``."""
    for metric in sorted(METRIC_CHECKS):
        checks = sorted({c for (i, c, _status) in counts if i == index and metric in metrics_for(c)})
        passed = sum(counts[(index, c, PASS)] for c in checks)
        failed = sum(counts[(index, c, FAIL)] for c in checks)
        if passed + failed == 0:
            continue
        failing = sorted(_detail(c, *resource, systems) for c in checks for resource in ledger.failing_ids(index, c))
        yield ratio(metric, passed, passed + failed, ledger.times[index], source, failing[:MAX_DETAILS])


class ProwlerCollector:
    """Bedrock and SageMaker posture metrics from Prowler ``-M json-ocsf`` output (JSON or JSON Lines)."""

    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        count_muted = count_muted_setting(context.settings)
        ledger = Ledger()
        scans: list[tuple[Path, Scan]] = []
        warnings: list[str] = []
        with hashing_in_background(paths) as digests:
            return self._collect(paths, context, count_muted, ledger, scans, warnings, digests)

    def _collect(
        self,
        paths: Sequence[Path],
        context: CollectContext,
        count_muted: bool,
        ledger: Ledger,
        scans: list[tuple[Path, Scan]],
        warnings: list[str],
        digests: Mapping[Path, Future[str]],
    ) -> CollectionResult:
        sightings = Sightings(PROWLER_TOOL)
        reads = FileReads(context)
        for index, path in enumerate(paths):
            name = context.display_name(path)

            def read(path: Path, index: int = index, name: str = name) -> Scan:
                try:
                    return read_scan(path, index, count_muted, sightings, name)
                except BaseException:
                    sightings.forget(name)  # a file read halfway shows nothing
                    raise

            for _, scan in reads.each([path], read):
                when = scan.newest
                if when is None:
                    when = file_time(path)
                    if scan.findings:
                        warnings.append(f"{name}: its findings carry no time; dated by the file's modification time")
                ledger.add(scan, when)
                scans.append((path, scan))
                if scan.findings == 0:
                    warnings.append(f"{name}: holds no finding; nothing measured")
                elif scan.measured == 0:
                    warnings.append(
                        f"{name}: none of its {scan.findings} findings is a PASS or FAIL of a measured check"
                    )
                elif scan.muted:
                    what = "counted by their status (count_muted)" if count_muted else "excluded"
                    warnings.append(f"{name}: {_count(scan.muted, 'muted finding')} of measured checks {what}")
            if context.progress:
                context.progress(path.stat().st_size)
        systems = index_for(context.inventory.systems).active
        counts = ledger.counts()
        measurements: list[Measurement] = []
        for path, scan in scans:
            source = file_source(path, TOOL, scan.version, context, digests.get(path))
            measurements.extend(_file_measurements(scan.index, ledger, counts, source, systems))
            if ledger.superseded[scan.index]:
                replaced = _count(ledger.superseded[scan.index], "resource result")
                warnings.append(f"{context.display_name(path)}: {replaced} also in a newer file, counted there")
        return CollectionResult(
            measurements=tuple(measurements),
            observed=sightings.assets(),
            warnings=tuple(warnings),
            unreadable=tuple(reads.unreadable),
        )


def collector() -> ProwlerCollector:
    return ProwlerCollector()
