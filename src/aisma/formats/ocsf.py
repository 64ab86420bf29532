"""Stream Prowler's OCSF output: Detection Finding objects, one small dataclass per finding.

Prowler writes ``-M json-ocsf`` as one JSON array of findings; pipelines that forward findings
often write JSON Lines, one finding per line. Both are read one finding at a time (each decoded
whole by the json module, see ``jsonstream.array_items``), so a scan of a whole organization
(hundreds of thousands of findings) is read in constant memory. Only the fields the collectors and
discovery need are kept; muted findings are flagged, not dropped, because a muted FAIL still shows
that the resource exists.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aisma.formats.jsonstream import array_items, open_json, shape_error, values

EXPECTED = "Prowler OCSF findings (a JSON array of Detection Findings, or JSON Lines of them)"
SUPPRESSED_STATUS_ID = 3  # OCSF status_id of a finding Prowler muted


@dataclass(frozen=True)
class Resource:
    uid: str
    type: str = ""
    region: str = ""
    name: str = ""


@dataclass(frozen=True)
class Finding:
    """One Prowler check result on one or more resources."""

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
    """``time_dt`` (ISO 8601, naive in Prowler's output: UTC), else ``time`` (epoch seconds)."""
    text = _text(raw.get("time_dt"))
    if text:
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            parsed = None
        if parsed is not None:
            return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    epoch = raw.get("time")
    if isinstance(epoch, int | float) and not isinstance(epoch, bool) and epoch > 0:
        return datetime.fromtimestamp(epoch / 1000 if epoch > 10**11 else epoch, tz=UTC)
    return None


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def finding(raw: object) -> Finding | None:
    """A Finding from one decoded OCSF object, or None when it is not a Prowler Detection Finding."""
    if not isinstance(raw, dict):
        return None
    metadata = _dict(raw.get("metadata"))
    check_id = _text(metadata.get("event_code"))
    if not check_id or "status_code" not in raw:
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
        status_code=_text(raw.get("status_code")).upper(),
        muted=status == "suppressed" or raw.get("status_id") == SUPPRESSED_STATUS_ID or raw.get("muted") is True,
        resources=resources,
        account_uid=_text(_dict(cloud.get("account")).get("uid")),
        region=_text(cloud.get("region")),
        severity=_text(raw.get("severity")),
        status_detail=_text(raw.get("status_detail")),
        time=_time(raw),
        product_version=_text(_dict(metadata.get("product")).get("version")),
    )


def read_findings(path: Path) -> Iterator[Finding]:
    """Yield every finding of a Prowler OCSF file; a file of another shape is a one-line AismaError."""
    with open_json(path, EXPECTED) as (handle, first):
        if first == b"[":
            items = array_items(handle)
        elif first == b"{":
            items = values(handle)
        else:
            raise shape_error(path, "found no JSON array or object", EXPECTED)
        for index, raw in enumerate(items, start=1):
            parsed = finding(raw)
            if parsed is None:
                hint = " (OTLP traces?)" if isinstance(raw, dict) and "resourceSpans" in raw else ""
                raise shape_error(
                    path, f"item {index} is not a Detection Finding with metadata.event_code{hint}", EXPECTED
                )
            yield parsed
