"""Per-resource results of the measured checks, over one or many Prowler scans, in little memory.

The catalog counts resources, not findings: a resource that fails any finding of a check fails that
check, and each resource counts once per check. Evidence folders also collect scans over time, and
two scans of one account name the same resources; counting both would weigh old results like new
ones, so the newest scan's result for a resource replaces an older one (scans with the same newest
timestamp are one scan split in files: FAIL still wins).

A whole organization's scan holds hundreds of thousands of resources, so a resource is kept as an
8-byte digest of its identifier and its result as one small int, ``scan index << 2 | status``
(Python shares the ints up to 256, so for the first 64 files a result costs no object of its own):
about 100 bytes per measured (check, resource); findings of other checks cost nothing.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from aisma.collectors.base import MAX_DETAILS
from aisma.formats.ocsf import Finding

MUTED, PASS, FAIL = 0, 1, 2  # precedence inside one scan: a FAIL beats a PASS beats a muted result
STATUS_BITS = 2
STATUS_MASK = (1 << STATUS_BITS) - 1


def resource_key(identifier: str) -> int:
    """A stable 64-bit digest (unlike ``hash``, the same in every run; collisions are negligible)."""
    return int.from_bytes(hashlib.blake2b(identifier.encode("utf-8"), digest_size=8).digest(), "big")


def resource_ids(finding: Finding) -> set[tuple[str, str]]:
    """What a finding is about, as (uid, region): the region too, because Prowler reports some regional
    results under one account-wide ARN (invocation logging on ``arn:aws:iam::<account>:root``).

    A resource without a uid is named by account and name; a finding without resources by its account.
    A bare uid (no ``/`` or ``:``, so not an ARN, an Azure resource id or a Google resource name) is
    qualified by its account: Google Cloud checks name a service per project by the service alone
    (``gemini_api_disabled`` reports ``generativelanguage.googleapis.com`` for every project), and
    counting those as one resource would let one project's result stand for all of them.
    """
    out = set()
    for r in finding.resources:
        region = r.region or finding.region
        uid = r.uid or "/".join(part for part in (finding.account_uid, r.name) if part)
        if uid and finding.account_uid and r.uid and not any(c in uid for c in "/:") and uid != finding.account_uid:
            uid = f"{finding.account_uid}/{uid}"
        if uid:
            out.add((uid, region))
    return out or {(finding.account_uid or finding.check_id, finding.region)}


def label(uid: str, region: str) -> str:
    """How a resource is named in details: its uid, with the region when the uid does not say it."""
    parts = uid.split(":", 4)
    regionless = len(parts) == 5 and parts[0] == "arn" and not parts[3]
    return f"{uid} ({region})" if region and (regionless or not uid.startswith("arn:")) else uid


@dataclass
class Scan:
    """What one file says about the measured checks, plus what the provenance needs."""

    index: int
    version: str = ""
    newest: datetime | None = None
    findings: int = 0
    measured: int = 0
    muted: int = 0
    statuses: dict[str, dict[int, int]] = field(default_factory=dict)  # check -> resource -> result
    failing: dict[str, dict[int, tuple[str, str]]] = field(default_factory=dict)  # check -> resource -> (uid, region)

    def record(self, check_id: str, uid: str, region: str, status: int) -> None:
        key = resource_key(f"{region}\n{uid}")
        results = self.statuses.setdefault(check_id, {})
        code = self.index << STATUS_BITS | status
        results[key] = max(results.get(key, code), code)
        if status == FAIL:
            names = self.failing.setdefault(check_id, {})
            if len(names) < MAX_DETAILS:
                names.setdefault(key, (uid, region))


@dataclass
class Ledger:
    """The final result of every (check, resource) over all scans read so far: the newest scan wins."""

    times: dict[int, datetime] = field(default_factory=dict)
    results: dict[str, dict[int, int]] = field(default_factory=dict)
    failing: dict[tuple[int, str], dict[int, tuple[str, str]]] = field(default_factory=dict)
    superseded: Counter[int] = field(default_factory=Counter)

    def add(self, scan: Scan, observed_at: datetime) -> None:
        """Move a scan's results into the ledger (the scan keeps only its counts and failing names)."""
        self.times[scan.index] = observed_at
        for check_id, names in scan.failing.items():
            self.failing[(scan.index, check_id)] = names
        for check_id, incoming in scan.statuses.items():
            current = self.results.get(check_id)
            if current is None:
                self.results[check_id] = incoming  # the common case: taken over, not copied
                continue
            for key, code in incoming.items():
                old = current.get(key)
                current[key] = code if old is None else self._newer(old, code)
        scan.statuses = {}

    def _newer(self, old: int, new: int) -> int:
        old_time, new_time = self.times[old >> STATUS_BITS], self.times[new >> STATUS_BITS]
        if new_time > old_time:
            self.superseded[old >> STATUS_BITS] += 1
            return new
        if new_time < old_time:
            self.superseded[new >> STATUS_BITS] += 1
            return old
        return new if (new & STATUS_MASK) >= (old & STATUS_MASK) else old  # one scan in two files: FAIL wins

    def counts(self) -> Counter[tuple[int, str, int]]:
        """(scan index, check, status) -> resources whose final result comes from that scan."""
        tally: Counter[tuple[int, str, int]] = Counter()
        for check_id, results in self.results.items():
            for code, n in Counter(results.values()).items():
                tally[(code >> STATUS_BITS, check_id, code & STATUS_MASK)] += n
        return tally

    def failing_ids(self, index: int, check_id: str) -> list[tuple[str, str]]:
        """(uid, region) of resources (capped) that fail ``check_id`` in the final result from scan ``index``."""
        final = self.results.get(check_id, {})
        want = index << STATUS_BITS | FAIL
        return [name for key, name in self.failing.get((index, check_id), {}).items() if final.get(key) == want]
