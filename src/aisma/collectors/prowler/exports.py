"""Prowler's other outputs as OCSF ``Finding`` objects: JSON-ASFF (``-M json-asff``) and CSV (``-M csv``).

Teams that send Prowler to AWS Security Hub keep its ASFF file, and many keep the CSV, so both are
read into the same findings as the OCSF output (``ocsf.scan_findings``), with the same tally:

- ASFF: one AWS Security Finding Format object per finding; the check is ``GeneratorId``
  (``prowler-<check>``), the result ``Compliance.Status`` (PASSED, FAILED; WARNING is what Prowler
  writes for a muted finding, NOT_AVAILABLE for a manual one), the resources ``Resources[].Id`` and
  ``.Region``, the time ``UpdatedAt`` (else ``CreatedAt``), the version ``ProductFields.ProviderVersion``;
- CSV (semicolon-separated, a header row): ``CHECK_ID``, ``STATUS``, ``MUTED``, ``RESOURCE_UID`` /
  ``RESOURCE_NAME`` / ``REGION`` / ``ACCOUNT_UID`` and ``TIMESTAMP`` in Prowler 4 and 5;
  ``RESOURCE_ARN`` / ``RESOURCE_ID``, ``ACCOUNT_ID`` and ``ASSESSMENT_START_TIME`` in Prowler 3, whose
  WARNING status marks an allowlisted (muted) finding.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aisma.formats import ocsf
from aisma.formats.csvstream import header, rows
from aisma.formats.jsonstream import UTF8_BOM, WHITESPACE, array_items, open_json, shape_error
from aisma.formats.ocsf import Finding, Resource, ScanTally

EXPECTED_ASFF = "Prowler JSON-ASFF findings (-M json-asff: a JSON array of AWS Security Finding Format objects)"
EXPECTED_CSV = "Prowler CSV findings (-M csv: semicolon-separated, with CHECK_ID and STATUS columns)"
ASFF_STATUS = {"PASSED": "PASS", "FAILED": "FAIL", "NOT_AVAILABLE": "MANUAL", "WARNING": ""}
SNIFF_BYTES = 256 << 10


def kind_of(path: Path) -> str:
    """``ocsf``, ``asff`` or ``csv``: what the first bytes of a Prowler output look like."""
    try:
        with path.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError:
        return "ocsf"  # the reader names the file in its error
    text = head.removeprefix(UTF8_BOM).lstrip(WHITESPACE)
    if text[:1] in (b"[", b"{"):
        return "asff" if b'"GeneratorId"' in text and b'"SchemaVersion"' in text else "ocsf"
    if path.suffix.casefold() == ".csv" or b";CHECK_ID;" in head.split(b"\n", 1)[0]:
        return "csv"
    return "ocsf"


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _when(*values: object) -> datetime | None:
    for value in values:
        text = _text(value)
        if not text:
            continue
        try:
            parsed = datetime.fromisoformat(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        except ValueError:
            continue
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return None


def asff_finding(raw: object) -> Finding | None:
    """One ASFF object written by Prowler as a Finding; None when it is not one."""
    fields = _dict(raw)
    generator = _text(fields.get("GeneratorId"))
    if not generator.startswith("prowler-") or "Compliance" not in fields:
        return None
    status = _text(_dict(fields.get("Compliance")).get("Status")).upper()
    resources = tuple(
        Resource(uid=_text(r.get("Id")), type=_text(r.get("Type")), region=_text(r.get("Region")))
        for r in fields.get("Resources") or ()
        if isinstance(r, dict)
    )
    return Finding(
        check_id=generator.removeprefix("prowler-"),
        status_code=ASFF_STATUS.get(status, ""),
        muted=status == "WARNING",
        resources=resources,
        account_uid=_text(fields.get("AwsAccountId")),
        region=_text(fields.get("Region")) or (resources[0].region if resources else ""),
        severity=_text(_dict(fields.get("Severity")).get("Label")),
        status_detail=_text(fields.get("Description")),
        time=_when(fields.get("UpdatedAt"), fields.get("CreatedAt"), fields.get("FirstObservedAt")),
        product_version=_text(_dict(fields.get("ProductFields")).get("ProviderVersion")),
    )


def _asff(path: Path) -> Iterator[Finding]:
    with open_json(path, EXPECTED_ASFF) as (handle, first):
        if first != b"[":
            raise shape_error(path, "not a JSON array", EXPECTED_ASFF)
        for index, raw in enumerate(array_items(handle), start=1):
            found = asff_finding(raw)
            if found is None:
                problem = f"item {index} is not a Prowler ASFF finding (GeneratorId prowler-<check>, Compliance)"
                raise shape_error(path, problem, EXPECTED_ASFF)
            yield found


def _field(columns: dict[str, int], fields: list[str], names: tuple[str, ...]) -> str:
    """The first of the named columns that is filled in this row."""
    for name in names:
        at = columns.get(name)
        if at is not None and at < len(fields) and fields[at].strip():
            return fields[at].strip()
    return ""


def _csv(path: Path) -> Iterator[Finding]:
    columns: dict[str, int] = {}
    for line, fields in rows(path, EXPECTED_CSV, ";"):
        if not columns:
            columns = header(fields)
            if "CHECK_ID" not in columns or "STATUS" not in columns:
                raise shape_error(path, "no CHECK_ID and STATUS columns in the first line", EXPECTED_CSV)
            continue
        if not any(field.strip() for field in fields):
            continue

        def get(*names: str, fields: list[str] = fields, columns: dict[str, int] = columns) -> str:
            return _field(columns, fields, names)

        check_id, status = get("CHECK_ID"), get("STATUS").upper()
        if not check_id:
            raise shape_error(path, f"line {line} has no CHECK_ID", EXPECTED_CSV)
        region = get("REGION")
        uid = get("RESOURCE_UID", "RESOURCE_ARN", "RESOURCE_ID")
        yield Finding(
            check_id=check_id,
            status_code="" if status == "WARNING" else status,
            muted=get("MUTED").casefold() == "true" or status == "WARNING",
            resources=(Resource(uid=uid, type=get("RESOURCE_TYPE"), region=region, name=get("RESOURCE_NAME")),),
            account_uid=get("ACCOUNT_UID", "ACCOUNT_ID"),
            region=region,
            severity=get("SEVERITY"),
            status_detail=get("STATUS_EXTENDED"),
            time=_when(get("TIMESTAMP", "ASSESSMENT_START_TIME")),
            product_version=get("PROWLER_VERSION"),
        )


def prowler_findings(path: Path, detailed: Callable[[str], bool], tally: ScanTally) -> Iterator[Finding]:
    """``ocsf.scan_findings`` for any Prowler output: OCSF (JSON or JSON Lines), ASFF or CSV."""
    kind = kind_of(path)
    if kind == "ocsf":
        yield from ocsf.scan_findings(path, detailed, tally)
        return
    for found in _asff(path) if kind == "asff" else _csv(path):
        tally.see(found.time, found.product_version)
        if detailed(found.check_id):
            yield found
