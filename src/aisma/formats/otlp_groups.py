"""OTLP spans folded into groups that agree on every fact a collector reads: the fast way through traces.

A trace export of a million spans holds a few thousand different spans as far as the collectors are
concerned: the same service calls the same model with the same agent identity, again and again; only
ids, timings and token counts change. ``span_groups`` reads every span once and counts it in the group
of its facts (the ``FACTS`` attributes, resource ones overlaid by the span's own, its instrumentation
scope, and whether it carries an evaluation result), keeping per group the counts and times the
collectors need. Each group carries one ``Span`` holding those facts, so the collectors' rules, which
read ``Span`` objects, run once per group instead of once per span.

Lines of JSON Lines are decoded by msgspec into the structs below, which declare only what the groups
need (the rest of each span is skipped in C); a line those structs refuse (a value of an unexpected
type) is decoded plainly and read by ``otlp``'s own rules, and a document too big for a line goes to
``otlp``'s ijson path: every way yields the same groups (a test holds them together).

Memory is bounded by the number of groups, not by the number of spans: past ``MAX_GROUPS`` the groups
read so far are handed over and a new set begins.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any

import msgspec

from aisma.formats import otlp
from aisma.formats.jsonstream import JsonLines, decode_line, open_json, shape_error, typed_or_plain
from aisma.formats.otlp import EPOCH, EVALUATION_EVENT, EXPECTED, MAX_MICROS, ReadStats, Span, SpanEvent, unix_micros

# The attributes the collectors and discovery read; a new reader of another attribute adds it here.
FACTS = frozenset(
    {
        "gen_ai.operation.name",
        "gen_ai.provider.name",
        "gen_ai.system",
        "gen_ai.agent.id",
        "gen_ai.agent.name",
        "gen_ai.tool.name",
        "gen_ai.request.model",
        "gen_ai.response.model",
        "gen_ai.request.max_tokens",
        "gen_ai.data_source.id",
        "service.name",
        "server.address",
        "url.full",
        "telemetry.sdk.version",
    }
)
MAX_GROUPS = 50_000
MAX_PICKERS = 4096
_EVALUATED = (SpanEvent(name=EVALUATION_EVENT, time=None),)


# ----------------------------------------------------------------------------------------- typed
# An attribute's value stays raw JSON (msgspec keeps a view of the line: no object is built for the
# values of the ~10 attributes per span that are not facts); a group decodes its facts' values once, as
# the json module would, and ``otlp.any_value`` reads them. A group key holds the raw bytes of the facts.
_NULL = msgspec.Raw(b"null")  # "value" missing: otlp.attributes reads it as None too


class _KeyValue(msgspec.Struct, gc=False):
    key: str
    value: msgspec.Raw = _NULL


class _Event(msgspec.Struct, gc=False):
    name: Any = None


class _Span(msgspec.Struct, gc=False):
    startTimeUnixNano: Any = None
    endTimeUnixNano: Any = None
    attributes: list[_KeyValue] | None = None
    events: list[_Event] | None = None


class _Scope(msgspec.Struct, gc=False):
    name: Any = None
    version: Any = None


class _ScopeSpans(msgspec.Struct, gc=False):
    scope: _Scope | None = None
    spans: list[_Span] | None = None


class _Resource(msgspec.Struct, gc=False):
    attributes: list[_KeyValue] | None = None


class _ResourceSpans(msgspec.Struct, gc=False):
    resource: _Resource | None = None
    scopeSpans: list[_ScopeSpans] | None = None


class _Document(msgspec.Struct, gc=False):
    resourceSpans: list[_ResourceSpans] | msgspec.UnsetType | None = msgspec.UNSET
    resourceLogs: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET
    resourceMetrics: msgspec.Raw | msgspec.UnsetType = msgspec.UNSET


_DOCUMENT = msgspec.json.Decoder(_Document)
_KEY = attrgetter("key")
_VALUE = attrgetter("value")


def _value(value: msgspec.Raw) -> object:
    """What ``otlp.attributes`` makes of this raw value."""
    return otlp.any_value(decode_line(bytes(value)))


def _nothing(attributes: Sequence[_KeyValue]) -> tuple[_KeyValue, ...]:
    return ()


def _scope(scope: _Scope | None) -> tuple[str, str]:
    if scope is None:
        return ("", "")
    name, version = scope.name, scope.version
    return (name.strip() if isinstance(name, str) else "", version.strip() if isinstance(version, str) else "")


# ----------------------------------------------------------------------------------------- groups
@dataclass(slots=True)
class SpanGroup:
    """Spans alike in every fact: how many, and what their times say against the window."""

    span: Span  # the facts: attributes (FACTS only), scope, an evaluation event when there was one
    count: int = 0
    untimed: int = 0
    in_window: int = 0
    outside: int = 0
    last_start: int | None = None  # microseconds since the epoch: the latest start of any span
    newest_end: int | None = None  # the latest min(end or start, window end) of a span in the window
    newest_order: int = 0  # when that span was read (ties: the first one read wins)

    @property
    def last_seen(self) -> datetime | None:
        return None if self.last_start is None else EPOCH + timedelta(microseconds=self.last_start)

    @property
    def newest(self) -> datetime | None:
        return None if self.newest_end is None else EPOCH + timedelta(microseconds=self.newest_end)


def _micros(when: datetime) -> int:
    return (when - EPOCH) // timedelta(microseconds=1)


def _span_of(facts: dict[str, object], scope: tuple[str, str], evaluated: bool) -> Span:
    return Span(
        name="",
        start_time=None,
        attributes=facts,
        scope_name=scope[0],
        scope_version=scope[1],
        events=_EVALUATED if evaluated else (),
    )


class SpanGrouper:
    """Groups the spans of trace files, a file at a time; ``order`` runs on across files, so a tie
    between two spans' times resolves to the first one read, as a single pass over all files would."""

    def __init__(self, window: tuple[datetime, datetime]) -> None:
        self.low, self.high = _micros(window[0]), _micros(window[1])
        self.order = 0
        self.groups: dict[object, SpanGroup] = {}
        self.ready: list[list[SpanGroup]] = []
        # Resource facts and scopes by small ids, so a group key holds an int, not a tuple to hash.
        self.resources: dict[str, int] = {}
        self.resource_pairs: list[tuple[tuple[str, object], ...]] = []
        self.scopes: dict[tuple[str, str], int] = {}
        self.scope_names: list[tuple[str, str]] = []
        self.pickers: dict[tuple[str, ...], Callable[[Sequence[_KeyValue]], tuple[_KeyValue, ...]]] = {}

    def read(self, path: Path, stats: ReadStats | None = None) -> Iterator[list[SpanGroup]]:
        """The groups of one file, in sets of at most about ``MAX_GROUPS``; errors as ``otlp.read_spans``."""
        with open_json(path, EXPECTED) as (handle, first):
            if first != b"{":
                found = "a JSON array (Prowler OCSF output?)" if first == b"[" else "no JSON object"
                raise shape_error(path, f"found {found}", EXPECTED)
            lines = JsonLines(handle, decode=typed_or_plain(_DOCUMENT))
            documents = 0
            for document in lines:
                if type(document) is _Document:
                    _check(path, document, documents, stats)
                    self._typed(document)
                else:
                    self._plain(otlp._document_spans(path, document, documents, stats))
                documents += 1
                del document
                yield from self._full()
            if lines.rest is not None:
                for span in otlp._stream_spans(path, lines.rest, documents, stats):
                    self._plain((span,))
                    yield from self._full()
        yield self._take()

    def discard(self) -> None:
        """Forget the groups of a file that failed halfway (its spans must not count with the next file's)."""
        self._take()

    def _full(self) -> Iterator[list[SpanGroup]]:
        if len(self.groups) > MAX_GROUPS:
            yield self._take()

    def _take(self) -> list[SpanGroup]:
        out = list(self.groups.values())
        self.groups.clear()
        self.resources.clear()
        self.resource_pairs.clear()
        self.scopes.clear()
        self.scope_names.clear()
        return out

    def _resource_id(self, pairs: tuple[tuple[str, object], ...]) -> int:
        key = repr(pairs)  # values may be lists or dicts; their repr tells equal facts apart
        found = self.resources.get(key)
        if found is None:
            found = self.resources[key] = len(self.resource_pairs)
            self.resource_pairs.append(pairs)
        return found

    def _scope_id(self, scope: tuple[str, str]) -> int:
        found = self.scopes.get(scope)
        if found is None:
            found = self.scopes[scope] = len(self.scope_names)
            self.scope_names.append(scope)
        return found

    def _group(self, resource: int, scope: int, pairs: tuple[tuple[str, object], ...], evaluated: bool) -> SpanGroup:
        facts = dict(self.resource_pairs[resource])
        facts.update(pairs)
        return SpanGroup(_span_of(facts, self.scope_names[scope], evaluated))

    def _picker(self, names: tuple[str, ...]) -> Callable[[Sequence[_KeyValue]], tuple[_KeyValue, ...]]:
        """What takes the fact attributes (in order) out of an attribute list with these names."""
        positions = [i for i, name in enumerate(names) if name in FACTS]
        pick: Callable[[Sequence[_KeyValue]], tuple[_KeyValue, ...]]
        if len(positions) > 1:
            pick = itemgetter(*positions)
        elif positions:
            only = positions[0]
            pick = lambda attributes: (attributes[only],)  # noqa: E731
        else:
            pick = _nothing
        if len(self.pickers) < MAX_PICKERS:  # bounded: made-up attribute names could vary without end
            self.pickers[names] = pick
        return pick

    def _typed(self, document: _Document) -> None:
        """Every span of a typed document: the hot loop, a few Python operations per span."""
        low, high, groups, pickers, order = self.low, self.high, self.groups, self.pickers, self.order
        for resource_spans in document.resourceSpans or ():
            resource = resource_spans.resource
            facts = resource.attributes or () if resource is not None else ()
            resource_id = self._resource_id(tuple((kv.key, _value(kv.value)) for kv in facts if kv.key in FACTS))
            for scope_spans in resource_spans.scopeSpans or ():
                scope_id = self._scope_id(_scope(scope_spans.scope))
                for span in scope_spans.spans or ():
                    attributes = span.attributes or ()
                    events = span.events
                    evaluated = any(e.name == EVALUATION_EVENT for e in events) if events else False
                    # Spans of one instrumentation list their attributes in the same order: the positions of
                    # the facts are worked out once per list of names (``_picker``) and taken in C.
                    names = tuple(map(_KEY, attributes))
                    pick = pickers.get(names) or self._picker(names)
                    kept = pick(attributes)
                    key = (resource_id, scope_id, names, tuple(map(bytes, map(_VALUE, kept))), evaluated)
                    group = groups.get(key)
                    if group is None:
                        pairs = tuple((kv.key, _value(kv.value)) for kv in kept)
                        group = groups[key] = self._group(resource_id, scope_id, pairs, evaluated)
                    # What _count does, inlined: this runs once per span.
                    order += 1
                    group.count += 1
                    raw = span.startTimeUnixNano
                    if type(raw) is str:
                        try:
                            start: int | None = int(raw) // 1000
                        except ValueError:
                            start = None
                        else:
                            if not 0 < start <= MAX_MICROS:  # type: ignore[operator]
                                start = unix_micros(raw)  # 1 to 999 ns is 0 us: a time, not unset
                    else:
                        start = unix_micros(raw)
                    if start is None:
                        group.untimed += 1
                        continue
                    if group.last_start is None or start > group.last_start:
                        group.last_start = start
                    if not low <= start <= high:
                        group.outside += 1
                        continue
                    group.in_window += 1
                    end = unix_micros(span.endTimeUnixNano)
                    ended = start if end is None else end
                    if ended > high:
                        ended = high
                    if group.newest_end is None or ended > group.newest_end:
                        group.newest_end, group.newest_order = ended, order
        self.order = order

    def _plain(self, spans: Iterable[Span]) -> None:
        """Spans read by ``otlp``'s general path (their attributes already merged)."""
        for span in spans:
            evaluated = any(event.name == EVALUATION_EVENT for event in span.events)
            pairs = tuple((name, value) for name, value in span.attributes.items() if name in FACTS)
            scope = (span.scope_name, span.scope_version)
            key = ("plain", repr(pairs), scope, evaluated)
            group = self.groups.get(key)
            if group is None:
                group = self.groups[key] = SpanGroup(_span_of(dict(pairs), scope, evaluated))
            start = None if span.start_time is None else _micros(span.start_time)
            end = None if span.end_time is None else _micros(span.end_time)
            self._count(group, start, end)

    def _count(self, group: SpanGroup, start: int | None, end: int | None) -> None:
        """One span's times (``_typed`` inlines the same)."""
        self.order += 1
        group.count += 1
        if start is None:
            group.untimed += 1
            return
        if group.last_start is None or start > group.last_start:
            group.last_start = start
        if not self.low <= start <= self.high:
            group.outside += 1
            return
        group.in_window += 1
        ended = min(start if end is None else end, self.high)
        if group.newest_end is None or ended > group.newest_end:
            group.newest_end, group.newest_order = ended, self.order


def _check(path: Path, document: _Document, documents: int, stats: ReadStats | None) -> None:
    """What ``otlp._document_spans`` checks and counts besides the spans, for a typed document."""
    if document.resourceSpans is None:
        raise shape_error(path, "resourceSpans is not a list", EXPECTED)
    if isinstance(document.resourceLogs, msgspec.Raw) and stats is not None:
        try:
            logs = decode_line(bytes(document.resourceLogs))
        except ValueError:  # more log records than are decoded whole: they are not read, only counted
            logs = None
        if isinstance(logs, list):
            otlp._count_log_records(stats, logs)
    if all(part is msgspec.UNSET for part in (document.resourceSpans, document.resourceLogs, document.resourceMetrics)):
        raise shape_error(path, f"JSON object {documents + 1} has no resourceSpans", EXPECTED)
