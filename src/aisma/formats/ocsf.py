"""Stream Prowler's OCSF output: Detection Finding objects, one small dataclass per finding.

Prowler writes ``-M json-ocsf`` as one JSON array of findings; pipelines that forward findings
often write JSON Lines, one finding per line. Both are read a bounded batch at a time, so a scan of
a whole organization (hundreds of thousands of findings) is read in constant memory. A batch is
decoded by msgspec into ``_Raw*`` structs that declare only the fields kept here (the other ~90% of
each finding is skipped in C, see ``jsonstream.array_batches``); whatever those structs refuse goes
the general way (``jsonstream.array_items``, ijson), and ``finding`` and ``_from_typed`` apply the
same rules, so both ways give the same findings. Muted findings are flagged, not dropped, because a
muted FAIL still shows that the resource exists.

Prowler's OCSF output changed with its versions, and every version is read:

- Prowler 3 (OCSF 1.0.0-rc.3 Security Finding, class 2001): the check in ``metadata.product.feature.uid``
  (and in ``finding.uid``, ``prowler-<provider>-<check>-...``), the result in ``status`` (Success,
  Failure; Other for a warning), the time in ``time`` (an ISO string, or epoch seconds with
  ``--unix-timestamp``) and ``metadata.original_time``;
- Prowler 4.0 (OCSF 1.1.0 Detection Finding, class 2004): ``status_code`` and ``event_time``, the check
  only in ``finding_info.uid``; Prowler 4.1 to 4.4 add ``metadata.event_code``;
- Prowler 4.5 and 5 (OCSF 1.2 to 1.5): ``metadata.event_code``, ``time`` (epoch) and ``time_dt``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import msgspec

from aisma.errors import AismaError
from aisma.formats.jsonstream import JsonLines, array_batches, open_json, shape_error, typed_or_plain, values

EXPECTED = "Prowler OCSF findings (a JSON array of Detection Findings, or JSON Lines of them)"
SUPPRESSED_STATUS_ID = 3  # OCSF status_id of a finding Prowler muted
MAX_CHECK_IDS = 4096


class Resource(msgspec.Struct, frozen=True, gc=False):
    uid: str
    type: str = ""
    region: str = ""
    name: str = ""


class Finding(msgspec.Struct, frozen=True, gc=False):
    """One Prowler check result on one or more resources (a frozen struct: cheap to build a million of)."""

    check_id: str
    status_code: str
    muted: bool
    resources: tuple[Resource, ...]
    account_uid: str = ""
    region: str = ""
    severity: str = ""
    status_detail: str = ""
    time: datetime | None = None
    product_version: str = ""  # metadata.product.version: the Prowler release that wrote the finding


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _time(raw: dict[str, Any]) -> datetime | None:
    """``time_dt`` (ISO 8601, naive in Prowler's output: UTC), else ``time`` (epoch seconds, or an ISO
    string in Prowler 3), else ``event_time`` (Prowler 4.0 to 4.4)."""
    return _parse_time(raw.get("time_dt"), raw.get("time"), raw.get("event_time"))


@lru_cache(maxsize=64, typed=True)  # Prowler stamps a whole scan with one time: most findings hit
def _cached_time(time_dt: object, epoch: object, event_time: object = None) -> datetime | None:
    return _parse_time(time_dt, epoch, event_time)


def _iso(value: object) -> datetime | None:
    text = _text(value)
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


MAX_EPOCH = 253402300799  # 9999-12-31T23:59:59Z: past it there is no datetime


def _parse_time(time_dt: object, epoch: object, event_time: object = None) -> datetime | None:
    parsed = _iso(time_dt)
    if parsed is not None:
        return parsed
    if isinstance(epoch, int | float) and not isinstance(epoch, bool) and epoch > 0:
        seconds = epoch / 1000 if epoch > 10**11 else epoch
        return datetime.fromtimestamp(seconds, tz=UTC) if seconds <= MAX_EPOCH else None
    return _iso(epoch) or _iso(event_time)


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


LEGACY_STATUS = {"success": "PASS", "failure": "FAIL"}  # Prowler 3: status of the Security Finding


def check_from_uid(uid: object) -> str:
    """The check of a finding uid ``prowler-<provider>-<check>-<account>-...`` (check ids have no '-')."""
    parts = _text(uid).split("-", 3)
    return parts[2] if len(parts) >= 3 and parts[0] == "prowler" and parts[1] else ""


def _legacy(raw: dict[str, Any], metadata: dict[str, Any]) -> tuple[str, str, datetime | None]:
    """(check id, status code, time) of a Prowler 3 or 4.0 finding, where ``finding`` finds none."""
    product = _dict(metadata.get("product"))
    check_id = (
        _text(_dict(product.get("feature")).get("uid"))
        or check_from_uid(_dict(raw.get("finding_info")).get("uid"))
        or check_from_uid(_dict(raw.get("finding")).get("uid"))
    )
    code = raw.get("status_code")
    legacy_status = LEGACY_STATUS.get(_text(raw.get("status")).casefold(), "")
    status = _text(code).upper() if isinstance(code, str) else legacy_status
    info = _dict(raw.get("finding_info"))
    created = _parse_time(info.get("created_time_dt"), info.get("created_time"), metadata.get("original_time"))
    when = _time(raw) or created
    return check_id, status, when


def finding(raw: object) -> Finding | None:
    """A Finding from one decoded OCSF object, or None when it is not a Prowler Detection Finding."""
    if not isinstance(raw, dict):
        return None
    if "CheckID" in raw and "Status" in raw and "metadata" not in raw:
        return _native_v3(raw)
    metadata = _dict(raw.get("metadata"))
    check_id = _text(metadata.get("event_code"))
    code = _text(raw.get("status_code")).upper()
    when = None
    if not check_id or "status_code" not in raw:
        if "finding_info" not in raw and "finding" not in raw:
            return None
        check_id, code, when = _legacy(raw, metadata)  # Prowler 3 or 4.0
        if not check_id:
            return None
    resources = tuple(
        Resource(
            uid=_text(r.get("uid")), type=_text(r.get("type")), region=_text(r.get("region")), name=_text(r.get("name"))
        )
        for r in raw.get("resources") or ()
        if isinstance(r, dict)
    )
    cloud = _dict(raw.get("cloud"))
    status = _text(raw.get("status")).casefold()
    return Finding(
        check_id=check_id,
        status_code=code,
        muted=status == "suppressed" or raw.get("status_id") == SUPPRESSED_STATUS_ID or raw.get("muted") is True,
        resources=resources,
        account_uid=_text(_dict(cloud.get("account")).get("uid")),
        region=_text(cloud.get("region")),
        severity=_text(raw.get("severity")),
        status_detail=_text(raw.get("status_detail")),
        time=when or _time(raw),
        product_version=_text(_dict(metadata.get("product")).get("version")),
    )


def _native_v3(raw: dict[str, Any]) -> Finding | None:
    """A finding of Prowler 3's own JSON output (``-M json``): CheckID, Status, ResourceArn, Region, ..."""
    check_id = _text(raw.get("CheckID"))
    if not check_id:
        return None
    status = _text(raw.get("Status")).upper()
    region = _text(raw.get("Region"))
    uid = _text(raw.get("ResourceArn")) or _text(raw.get("ResourceId"))
    return Finding(
        check_id=check_id,
        status_code="" if status == "WARNING" else status,  # WARNING: allowlisted (Prowler 3's muting)
        muted=status == "WARNING",
        resources=(Resource(uid=uid, type=_text(raw.get("ResourceType")), region=region),),
        account_uid=_text(raw.get("AccountId")),
        region=region,
        severity=_text(raw.get("Severity")),
        status_detail=_text(raw.get("StatusExtended")),
        time=_iso(raw.get("AssessmentStartTime")),
        product_version="",
    )


# ----------------------------------------------------------------------------------------- typed
# Only the fields ``finding`` reads. Leaves are ``Any`` so every value decodes as the json module
# would and ``_from_typed`` applies ``finding``'s rules to it; an object where these expect one that is
# not an object (or a list that is not a list of objects) is refused, and the batch goes the general way.
class _RawProduct(msgspec.Struct, gc=False):
    version: Any = None


class _RawMetadata(msgspec.Struct, gc=False):
    # Required: a finding without it (Prowler 3 and 4.0) is refused here and read by ``finding``, which
    # finds its check elsewhere (``_legacy``); a file of such findings costs the typed path nothing.
    event_code: Any
    product: _RawProduct | None = None


class _RawResource(msgspec.Struct, gc=False):
    uid: Any = None
    type: Any = None
    region: Any = None
    name: Any = None


class _RawAccount(msgspec.Struct, gc=False):
    uid: Any = None


class _RawCloud(msgspec.Struct, gc=False):
    account: _RawAccount | None = None
    region: Any = None


_ABSENT: Any = msgspec.UNSET  # status_code missing (not null): what ``"status_code" not in raw`` tells


class _RawFinding(msgspec.Struct, gc=False):
    metadata: _RawMetadata  # required: a Prowler 3 native JSON finding (no metadata) is read by ``finding``
    status_code: Any = _ABSENT
    status: Any = None
    status_id: Any = None
    muted: Any = None
    resources: list[_RawResource] | None = None
    cloud: _RawCloud | None = None
    severity: Any = None
    status_detail: Any = None
    time_dt: Any = None
    time: Any = None
    event_time: Any = None  # Prowler 4.0 to 4.4
    resourceSpans: msgspec.Raw | None = None


_BATCH = msgspec.json.Decoder(list[_RawFinding])
_ONE = msgspec.json.Decoder(_RawFinding)


def _from_typed(raw: _RawFinding) -> Finding | None:
    """What ``finding`` makes of the same object, from its typed form (``_text`` inlined: a million calls)."""
    metadata = raw.metadata
    check_id = metadata.event_code
    check_id = check_id.strip() if type(check_id) is str else ""
    code = raw.status_code
    if not check_id or code is _ABSENT:
        return None
    status, cloud, product = raw.status, raw.cloud, metadata.product
    account = cloud.account if cloud is not None else None
    uid = account.uid if account is not None else None
    region = cloud.region if cloud is not None else None
    version = product.version if product is not None else None
    severity, detail = raw.severity, raw.status_detail
    time_dt, epoch, event_time = raw.time_dt, raw.time, raw.event_time
    return Finding(
        check_id,
        code.strip().upper() if type(code) is str else "",
        (type(status) is str and status.strip().casefold() == "suppressed")
        or raw.status_id == SUPPRESSED_STATUS_ID
        or raw.muted is True,
        tuple([_resource(r) for r in raw.resources]) if raw.resources else (),
        uid.strip() if type(uid) is str else "",
        region.strip() if type(region) is str else "",
        severity.strip() if type(severity) is str else "",
        detail.strip() if type(detail) is str else "",
        _cached_time(time_dt, epoch, event_time)
        if type(time_dt) in _SCALARS and type(epoch) in _SCALARS and type(event_time) in _SCALARS
        else None,
        version.strip() if type(version) is str else "",
    )


_SCALARS = frozenset({str, int, float, bool, type(None)})  # times are cached by their raw values


def _resource(r: _RawResource) -> Resource:
    uid, kind, region, name = r.uid, r.type, r.region, r.name
    return Resource(
        uid.strip() if type(uid) is str else "",
        kind.strip() if type(kind) is str else "",
        region.strip() if type(region) is str else "",
        name.strip() if type(name) is str else "",
    )


def read_findings(path: Path) -> Iterator[Finding]:
    """Yield every finding of a Prowler OCSF file; a file of another shape is a one-line AismaError."""
    with open_json(path, EXPECTED) as (handle, first):
        for index, raw in enumerate(_raw_findings(handle, first, path), start=1):
            parsed = _from_typed(raw) if type(raw) is _RawFinding else finding(raw)
            if parsed is None:
                raise _not_a_finding(path, index, raw)
            yield parsed


@dataclass
class ScanTally:
    """What every finding of a file says, read or not: how many, the Prowler version, the newest time."""

    findings: int = 0
    version: str = ""  # the first non-empty metadata.product.version
    newest: datetime | None = None

    def see(self, when: datetime | None, version: str) -> None:
        self.findings += 1
        if not self.version and version:
            self.version = version
        if when is not None and (self.newest is None or when > self.newest):
            self.newest = when


def scan_findings(path: Path, detailed: Callable[[str], bool], tally: ScanTally) -> Iterator[Finding]:
    """The findings of the checks ``detailed`` names; every finding is counted and dated in ``tally``.

    For a collector that measures a few checks out of hundreds: with typed decoding, building the
    Finding is most of what a finding costs, and the others need only counting and dating, which is
    done here without handing them over. The same findings, errors and values as ``read_findings``.
    """
    last: tuple[object, object, type, object] | None = None
    when: datetime | None = None
    decided: dict[str, bool] = {}
    with open_json(path, EXPECTED) as (handle, first):
        for index, raw in enumerate(_raw_findings(handle, first, path), start=1):
            if type(raw) is not _RawFinding:
                parsed = finding(raw)
                if parsed is None:
                    raise _not_a_finding(path, index, raw)
                tally.see(parsed.time, parsed.product_version)
                if detailed(parsed.check_id):
                    yield parsed
                continue
            metadata = raw.metadata
            check_id = metadata.event_code
            check_id = check_id.strip() if type(check_id) is str else ""
            if not check_id or raw.status_code is _ABSENT:
                raise _not_a_finding(path, index, raw)
            wanted = decided.get(check_id)
            if wanted is None:
                wanted = detailed(check_id)
                if len(decided) < MAX_CHECK_IDS:  # bounded: a file may carry any number of made-up ids
                    decided[check_id] = wanted
            if wanted:
                parsed = _from_typed(raw)
                if parsed is not None:  # always: the same test passed above
                    tally.see(parsed.time, parsed.product_version)
                    yield parsed
                continue
            key = (raw.time_dt, raw.time, type(raw.time), raw.event_time)  # the type: 1 and True are equal keys
            if key != last:
                last, when = key, _parse_time(raw.time_dt, raw.time, raw.event_time)
            tally.findings += 1
            if when is not None and (tally.newest is None or when > tally.newest):
                tally.newest = when
            if not tally.version:
                product = metadata.product
                version = product.version if product is not None else None
                tally.version = version.strip() if type(version) is str else ""


def _not_a_finding(path: Path, index: int, raw: object) -> AismaError:
    traces = "resourceSpans" in raw if isinstance(raw, dict) else getattr(raw, "resourceSpans", None)
    hint = " (OTLP traces?)" if traces else ""
    return shape_error(path, f"item {index} is not a Detection Finding with metadata.event_code{hint}", EXPECTED)


def _raw_findings(handle: Any, first: bytes, path: Path) -> Iterator[Any]:
    """Every item of the file: typed ``_RawFinding`` where msgspec took it, else the decoded value."""
    if first == b"[":
        for _typed, batch in array_batches(handle, _BATCH):
            yield from batch
    elif first == b"{":
        lines = JsonLines(handle, decode=typed_or_plain(_ONE))
        yield from lines
        if lines.rest is not None:
            yield from values(lines.rest)
    else:
        raise shape_error(path, "found no JSON array or object", EXPECTED)
