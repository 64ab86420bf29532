"""Stream spans out of OpenTelemetry traces exported as OTLP/JSON.

Accepts the shape the OTLP file exporter writes (``{"resourceSpans": [{"resource": {...},
"scopeSpans": [{"spans": [...]}]}]}``), as one document or as JSON Lines with one such object per
line. Trace exports run to gigabytes, so the file is parsed as ijson events and only one span is
held at a time; each span is yielded with its resource's attributes merged under its own, because
``service.name`` lives on the resource while the ``gen_ai.*`` attributes live on the span.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import ijson  # type: ignore[import-untyped]

from aisma.formats.jsonstream import open_json, shape_error

EXPECTED = "OTLP JSON traces (an object with resourceSpans, or JSON Lines of such objects)"
# An OTLP file exporter may write logs and metrics into the same file; those documents carry no spans.
OTLP_KEYS = frozenset({"resourceSpans", "resourceLogs", "resourceMetrics"})
RESOURCE_SPAN = "resourceSpans.item"
RESOURCE = "resourceSpans.item.resource"
SPAN = "resourceSpans.item.scopeSpans.item.spans.item"
NANOS = 1_000_000_000


@dataclass(frozen=True)
class Span:
    """One span: its name, start time and attributes (resource attributes overlaid by the span's)."""

    name: str
    start_time: datetime | None
    attributes: Mapping[str, object] = field(default_factory=dict)

    def text(self, key: str) -> str:
        """A string attribute, or "" when it is missing or not a string."""
        value = self.attributes.get(key)
        return value.strip() if isinstance(value, str) else ""


def any_value(value: object) -> object:
    """Decode an OTLP AnyValue (``{"stringValue": ...}``, ``{"intValue": "42"}``, arrays, kvlists)."""
    if not isinstance(value, dict):
        return None
    if "stringValue" in value:
        return str(value["stringValue"])
    if "intValue" in value:
        try:
            return int(value["intValue"])
        except (TypeError, ValueError):
            return None
    if "doubleValue" in value:
        try:
            return float(value["doubleValue"])
        except (TypeError, ValueError):
            return None
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "arrayValue" in value:
        items = (value["arrayValue"] or {}).get("values") or []
        return tuple(any_value(item) for item in items)
    if "kvlistValue" in value:
        return attributes((value["kvlistValue"] or {}).get("values"))
    if "bytesValue" in value:
        return str(value["bytesValue"])
    return None


def attributes(items: object) -> dict[str, object]:
    """Flatten an OTLP attribute list (``[{"key": ..., "value": AnyValue}]``) to a dict."""
    if not isinstance(items, list):
        return {}
    out: dict[str, object] = {}
    for item in items:
        if isinstance(item, dict) and isinstance(item.get("key"), str):
            out[item["key"]] = any_value(item.get("value"))
    return out


def _start_time(raw: object) -> datetime | None:
    """``startTimeUnixNano`` is a uint64, written as a string by protobuf JSON; 0 means unset."""
    try:
        nanos = int(str(raw))
    except (TypeError, ValueError):
        return None
    if nanos <= 0:
        return None
    seconds, rest = divmod(nanos, NANOS)
    return datetime.fromtimestamp(seconds, tz=UTC) + timedelta(microseconds=rest // 1000)


def _span(raw: dict[str, Any], resource: Mapping[str, object]) -> Span:
    merged = dict(resource)
    merged.update(attributes(raw.get("attributes")))
    name = raw.get("name")
    return Span(
        name=name if isinstance(name, str) else "",
        start_time=_start_time(raw.get("startTimeUnixNano")),
        attributes=merged,
    )


def read_spans(path: Path) -> Iterator[Span]:
    """Yield every span of an OTLP/JSON trace file; a file of another shape is a one-line AismaError."""
    with open_json(path, EXPECTED) as (handle, first):
        if first != b"{":
            found = "a JSON array (Prowler OCSF output?)" if first == b"[" else "no JSON object"
            raise shape_error(path, f"found {found}", EXPECTED)
        builder: Any = None
        building = ""
        resource: dict[str, object] = {}
        resource_known = False
        # Spans met before their resource (unusual key order) wait here until it is read.
        waiting: list[dict[str, Any]] = []
        documents = 0
        otlp_document = False
        for prefix, event, value in ijson.parse(handle, use_float=True, multiple_values=True):
            if builder is not None:
                builder.event(event, value)
                if prefix == building and event == "end_map":
                    built, builder = builder.value, None
                    if building == RESOURCE:
                        resource, resource_known = attributes(built.get("attributes")), True
                        yield from (_span(raw, resource) for raw in waiting)
                        waiting.clear()
                    elif resource_known:
                        yield _span(built, resource)
                    else:
                        waiting.append(built)
                continue
            if prefix in (SPAN, RESOURCE) and event == "start_map":
                builder, building = ijson.ObjectBuilder(), prefix
                builder.event(event, value)
            elif prefix == RESOURCE_SPAN:
                if event == "start_map":
                    resource, resource_known = {}, False
                elif event == "end_map":
                    yield from (_span(raw, {}) for raw in waiting)
                    waiting.clear()
            elif prefix == "resourceSpans" and event not in ("start_array", "end_array"):
                raise shape_error(path, "resourceSpans is not a list", EXPECTED)
            elif prefix == "":
                if event == "start_map":
                    documents += 1
                    otlp_document = False
                elif event == "map_key":
                    otlp_document = otlp_document or value in OTLP_KEYS
                elif event == "end_map":
                    if not otlp_document:
                        raise shape_error(path, f"JSON object {documents} has no resourceSpans", EXPECTED)
                else:
                    raise shape_error(path, f"JSON value {documents + 1} is not an object", EXPECTED)
