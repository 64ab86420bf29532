"""Stream spans out of OpenTelemetry traces exported as OTLP/JSON.

Accepts the shape the OTLP file exporter writes (``{"resourceSpans": [{"resource": {...},
"scopeSpans": [{"spans": [...]}]}]}``), as one document or as JSON Lines with one such object per
line. Trace exports run to gigabytes, so the file is read one bounded piece at a time: a line of
JSON Lines (one export batch) is decoded whole by the json module, and a document too long for that
(``jsonstream.DECODE_LIMIT``, such as a single-document export of gigabytes) or not on one line is
parsed as ijson events holding only one span at a time. Each span is yielded with its resource's
attributes merged under its own, because ``service.name`` lives on the resource while the
``gen_ai.*`` attributes live on the span. The span's ids, end time, events and instrumentation
scope come along for the collectors that need them (a ``scopeSpans`` item's scope applies to all
its spans, whichever key comes first: spans met before their scope or resource wait for it). Log
records in the same file are not spans; ``ReadStats`` counts them so a caller can say what it did
not read. Collectors that only count read the same files through ``otlp_groups``, which decodes
with msgspec and folds identical spans together; both apply the rules of this module.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, BinaryIO

from aisma.formats.jsonstream import JsonLines, object_builder, open_json, parse, shape_error
from aisma.formats.limits import LimitExceeded

EXPECTED = "OTLP JSON traces (an object with resourceSpans, or JSON Lines of such objects)"
# An OTLP file exporter may write logs and metrics into the same file; those documents carry no spans.
OTLP_KEYS = frozenset({"resourceSpans", "resourceLogs", "resourceMetrics"})
RESOURCE_SPAN = "resourceSpans.item"
RESOURCE = "resourceSpans.item.resource"
SCOPE_SPANS = "resourceSpans.item.scopeSpans.item"
SCOPE = "resourceSpans.item.scopeSpans.item.scope"
SPAN = "resourceSpans.item.scopeSpans.item.spans.item"
LOG_RECORD = "resourceLogs.item.scopeLogs.item.logRecords.item"
EVALUATION_EVENT = "gen_ai.evaluation.result"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MAX_BUILD_EVENTS = 1_000_000  # JSON values in one span, resource or scope built from the event stream
MAX_MICROS = (datetime.max.replace(tzinfo=UTC) - EPOCH) // timedelta(microseconds=1)


@dataclass(frozen=True)
class SpanEvent:
    """An event recorded on a span (for example ``gen_ai.evaluation.result``)."""

    name: str
    time: datetime | None
    attributes: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Span:
    """One span: its name, start time and attributes (resource attributes overlaid by the span's)."""

    name: str
    start_time: datetime | None
    attributes: Mapping[str, object] = field(default_factory=dict)
    end_time: datetime | None = None
    trace_id: str = ""
    span_id: str = ""
    parent_span_id: str = ""
    scope_name: str = ""
    scope_version: str = ""
    events: tuple[SpanEvent, ...] = ()

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
    return _add_attributes({}, items)


def _add_attributes(out: dict[str, object], items: object) -> dict[str, object]:
    """``out`` with the attributes of ``items`` added (over any of the same name); the string case inline."""
    if not isinstance(items, list):
        return out
    for item in items:
        if isinstance(item, dict):
            key = item.get("key")
            if isinstance(key, str):
                value = item.get("value")
                if type(value) is dict and "stringValue" in value:
                    text = value["stringValue"]
                    out[key] = text if type(text) is str else str(text)
                else:
                    out[key] = any_value(value)
    return out


@dataclass
class ReadStats:
    """What a read met besides spans: log records, and how many of them are GenAI evaluation results."""

    log_records: int = 0
    evaluation_log_records: int = 0
    _record_is_evaluation: bool = False


def unix_micros(raw: object) -> int | None:
    """``*TimeUnixNano`` (a uint64, written as a string by protobuf JSON) in microseconds; 0 means unset.

    None too past year 9999, where a datetime ends.
    """
    try:
        nanos = int(raw if type(raw) is str else str(raw))
    except (TypeError, ValueError):
        return None
    if nanos <= 0 or nanos // 1000 > MAX_MICROS:
        return None
    return nanos // 1000


def _unix_nanos(raw: object) -> datetime | None:
    micros = unix_micros(raw)
    return None if micros is None else EPOCH + timedelta(0, 0, micros)


def _id(value: object) -> str:
    return value.strip().lower() if isinstance(value, str) else ""


def _events(raw: object) -> tuple[SpanEvent, ...]:
    if not isinstance(raw, list):
        return ()
    return tuple(
        SpanEvent(
            name=str(item.get("name") or ""),
            time=_unix_nanos(item.get("timeUnixNano")),
            attributes=attributes(item.get("attributes")),
        )
        for item in raw
        if isinstance(item, dict)
    )


def _span(raw: dict[str, Any], resource: Mapping[str, object], scope: tuple[str, str] = ("", "")) -> Span:
    merged = _add_attributes(dict(resource), raw.get("attributes"))
    name = raw.get("name")
    return Span(
        name=name if isinstance(name, str) else "",
        start_time=_unix_nanos(raw.get("startTimeUnixNano")),
        attributes=merged,
        end_time=_unix_nanos(raw.get("endTimeUnixNano")),
        trace_id=_id(raw.get("traceId")),
        span_id=_id(raw.get("spanId")),
        parent_span_id=_id(raw.get("parentSpanId")),
        scope_name=scope[0],
        scope_version=scope[1],
        events=_events(raw.get("events")),
    )


def _scope(raw: object) -> tuple[str, str]:
    if not isinstance(raw, dict):
        return ("", "")
    name, version = raw.get("name"), raw.get("version")
    return (name.strip() if isinstance(name, str) else "", version.strip() if isinstance(version, str) else "")


def _count_log_record(stats: ReadStats | None, prefix: str, event: str, value: object) -> None:
    """Log records are not read, only counted; evaluation results by ``eventName`` or an attribute value."""
    if stats is None:
        return
    if prefix == LOG_RECORD and event == "start_map":
        stats.log_records += 1
        stats._record_is_evaluation = False
    elif (
        value == EVALUATION_EVENT
        and not stats._record_is_evaluation
        and prefix in (f"{LOG_RECORD}.eventName", f"{LOG_RECORD}.attributes.item.value.stringValue")
    ):
        stats.evaluation_log_records += 1
        stats._record_is_evaluation = True


def read_spans(path: Path, stats: ReadStats | None = None) -> Iterator[Span]:
    """Yield every span of an OTLP/JSON trace file; a file of another shape is a one-line AismaError.

    ``stats``, when given, counts the log records met on the way (they are not yielded).
    """
    with open_json(path, EXPECTED) as (handle, first):
        if first != b"{":
            found = "a JSON array (Prowler OCSF output?)" if first == b"[" else "no JSON object"
            raise shape_error(path, f"found {found}", EXPECTED)
        lines = JsonLines(handle)
        documents = 0
        for document in lines:
            yield from _document_spans(path, document, documents, stats)
            documents += 1
            del document  # not alive while the next line is decoded: the garbage collector would walk it
        if lines.rest is not None:
            yield from _stream_spans(path, lines.rest, documents, stats)


def _document_spans(path: Path, document: object, documents: int, stats: ReadStats | None) -> Iterator[Span]:
    """The spans of one decoded document (the ``documents``-th before it): what ``_stream_spans`` does."""
    if not isinstance(document, dict):
        raise shape_error(path, f"JSON value {documents + 1} is not an object", EXPECTED)
    for key, value in document.items():
        if key == "resourceSpans":
            if not isinstance(value, list):
                raise shape_error(path, "resourceSpans is not a list", EXPECTED)
            for resource_spans in value:
                if isinstance(resource_spans, dict):
                    yield from _resource_spans(resource_spans)
        elif key == "resourceLogs" and stats is not None and isinstance(value, list):
            _count_log_records(stats, value)
    if OTLP_KEYS.isdisjoint(document):
        raise shape_error(path, f"JSON object {documents + 1} has no resourceSpans", EXPECTED)


def _resource_spans(raw: dict[str, Any]) -> Iterator[Span]:
    """The spans of one ``resourceSpans`` item; a scope applies to the spans after it, as when streaming."""
    resource = raw.get("resource")
    merged = attributes(resource.get("attributes")) if isinstance(resource, dict) else {}
    scope_spans = raw.get("scopeSpans")
    if not isinstance(scope_spans, list):
        return
    for item in scope_spans:
        if not isinstance(item, dict):
            continue
        scope = _scope(item.get("scope"))
        spans = item.get("spans")
        if isinstance(spans, list):
            for span in spans:
                if isinstance(span, dict):
                    yield _span(span, merged, scope)


def _count_log_records(stats: ReadStats, resource_logs: list[Any]) -> None:
    """What ``_count_log_record`` counts, from a decoded ``resourceLogs`` list."""
    for resource in resource_logs:
        for scope in _dicts(resource, "scopeLogs"):
            for record in _dicts(scope, "logRecords"):
                stats.log_records += 1
                values = [a.get("value") for a in _dicts(record, "attributes")]
                if record.get("eventName") == EVALUATION_EVENT or any(
                    isinstance(v, dict) and v.get("stringValue") == EVALUATION_EVENT for v in values
                ):
                    stats.evaluation_log_records += 1  # once per record, as when streaming


def _dicts(parent: object, key: str) -> Iterator[dict[str, Any]]:
    """The objects in the list ``parent[key]``."""
    items = parent.get(key) if isinstance(parent, dict) else None
    if isinstance(items, list):
        yield from (item for item in items if isinstance(item, dict))


def _stream_spans(path: Path, handle: BinaryIO, documents: int, stats: ReadStats | None) -> Iterator[Span]:
    """The spans of the documents from ``handle``'s position on, from ijson events: one span held at a time."""
    builder: Any = None
    building = ""
    resource: dict[str, object] = {}
    resource_known = scope_known = False
    scope: list[str] = ["", ""]  # of the current scopeSpans item, filled in when its scope is read
    # Spans met before their resource or their scope (unusual key order) wait here until both are read.
    waiting: list[tuple[dict[str, Any], list[str]]] = []
    otlp_document = False
    built = 0
    for prefix, event, value in parse(handle, multiple_values=True):
        if builder is not None:
            built += 1
            if built > MAX_BUILD_EVENTS:
                raise LimitExceeded(f"a span, resource or scope of more than {MAX_BUILD_EVENTS} JSON values")
            builder.event(event, value)
            if prefix == building and event == "end_map":
                built, builder = builder.value, None
                if building == RESOURCE:
                    resource, resource_known = attributes(built.get("attributes")), True
                elif building == SCOPE:
                    scope[:] = _scope(built)
                    scope_known = True
                else:
                    waiting.append((built, scope))
                if resource_known and scope_known:
                    yield from (_span(raw, resource, (held[0], held[1])) for raw, held in waiting)
                    waiting.clear()
            continue
        if prefix in (SPAN, RESOURCE, SCOPE) and event == "start_map":
            builder, building, built = object_builder(), prefix, 0
            builder.event(event, value)
        elif prefix == SCOPE_SPANS and event in ("start_map", "end_map"):
            scope, scope_known = ["", ""], event == "end_map"  # a new item's spans wait for its scope
            if resource_known and scope_known:
                yield from (_span(raw, resource, (held[0], held[1])) for raw, held in waiting)
                waiting.clear()
        elif prefix == RESOURCE_SPAN:
            if event == "start_map":
                resource, resource_known, scope_known = {}, False, True
            elif event == "end_map":
                yield from (_span(raw, resource, (held[0], held[1])) for raw, held in waiting)
                waiting.clear()
        elif prefix.startswith("resourceLogs."):
            _count_log_record(stats, prefix, event, value)
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
