"""The typed (msgspec) fast paths must read exactly what the general json/ijson paths read.

Prowler findings: ``read_findings`` and ``scan_findings`` (typed batches cut without parsing) against
``ocsf.finding`` applied to ijson's items. OTLP spans: ``SpanGrouper`` (typed lines folded into groups)
against the groups of the spans ``otlp.read_spans`` yields through the general path. Both on the real
files and on generated ones with values of every JSON type where the readers expect one, in every
layout, with batches shrunk so that cuts fall everywhere.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import ijson  # type: ignore[import-untyped]
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisma.errors import AismaError
from aisma.formats import jsonstream, ocsf, otlp
from aisma.formats.otlp_groups import SpanGroup, SpanGrouper

DATA = Path(__file__).parent / "data"
BANK = Path(__file__).parents[1] / "src" / "aisma" / "examples" / "bank" / "evidence"
WINDOW = (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 16, tzinfo=UTC))


@contextmanager
def small_batches(size: int) -> Iterator[None]:
    """Batches of ``size`` bytes: a small file is cut in many places (hypothesis reruns, so no monkeypatch)."""
    saved = jsonstream.BATCH_BYTES, jsonstream.DECODE_LIMIT
    jsonstream.BATCH_BYTES, jsonstream.DECODE_LIMIT = size, max(size, 4096)
    try:
        yield
    finally:
        jsonstream.BATCH_BYTES, jsonstream.DECODE_LIMIT = saved


# ----------------------------------------------------------------------------------------- OCSF
def reference_findings(path: Path) -> list[ocsf.Finding] | str:
    """The general path: every item through ijson and ``ocsf.finding``; an error as its message."""
    try:
        with ocsf.open_json(path, ocsf.EXPECTED) as (handle, first):
            items = ijson.items(handle, "item" if first == b"[" else "", use_float=True, multiple_values=True)
            out = []
            for raw in items:
                parsed = ocsf.finding(raw)
                if parsed is None:
                    return "not a finding"
                out.append(parsed)
            return out
    except AismaError as exc:
        return "error" if "JSON" in str(exc) else str(exc)


def fast_findings(path: Path) -> list[ocsf.Finding] | str:
    tally = ocsf.ScanTally()
    try:
        found = list(ocsf.read_findings(path))
        detailed = list(ocsf.scan_findings(path, lambda check: len(check) % 2 == 0, tally))
    except AismaError as exc:
        return "not a finding" if "not a Detection Finding" in str(exc) else "error" if "JSON" in str(exc) else str(exc)
    assert detailed == [f for f in found if len(f.check_id) % 2 == 0]
    times = [f.time for f in found if f.time is not None]
    version = next((f.product_version for f in found if f.product_version), "")
    assert (tally.findings, tally.version, tally.newest) == (len(found), version, max(times, default=None))
    return found


@pytest.mark.parametrize(
    "path", [*sorted((DATA / "prowler").glob("*.ocsf.json")), *sorted((BANK / "prowler").glob("*.ocsf.json*"))]
)
def test_real_prowler_files_read_the_same_both_ways(path: Path) -> None:
    for size in (jsonstream.BATCH_BYTES, 2048):
        with small_batches(size):
            assert fast_findings(path) == reference_findings(path)


anything = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(-2, 2), st.text(" aPSF", max_size=4))
text = st.one_of(st.text(" abPASFILUMNEDsupre_", max_size=10), anything)
times = st.one_of(anything, st.sampled_from(["2026-11-02T03:04:59.997000", "2026-11-02T03:04:59+01:00", "x"]))
epochs = st.one_of(anything, st.sampled_from([1793000000, 1793000000123, 1.7e9, 0, -1]))
resource = st.fixed_dictionaries(
    {}, optional={"uid": text, "type": text, "region": text, "name": text, "data": anything}
)
finding_rows = st.fixed_dictionaries(
    {},
    optional={
        "metadata": st.one_of(
            st.fixed_dictionaries(
                {"event_code": st.one_of(st.sampled_from(["bedrock_x", " s3_y ", ""]), anything)},
                optional={"product": st.one_of(st.fixed_dictionaries({}, optional={"version": text}), st.none())},
            ),
            st.none(),
            st.text(max_size=2),
        ),
        "status_code": text,
        "status": st.one_of(st.sampled_from(["Suppressed", " suppressed", "New"]), anything),
        "status_id": st.one_of(st.sampled_from([3, 3.0, "3", 1]), anything),
        "muted": anything,
        "resources": st.one_of(st.lists(resource, max_size=2), st.none(), st.lists(anything, max_size=1)),
        "cloud": st.one_of(
            st.fixed_dictionaries(
                {}, optional={"account": st.one_of(st.fixed_dictionaries({"uid": text}), st.none()), "region": text}
            ),
            st.none(),
        ),
        "time_dt": times,
        "time": epochs,
        "message": st.text(max_size=30),
    },
)
layouts = st.sampled_from(["prowler", "indent2", "blank-comma", "compact", "spaced", "lines"])


def write_rows(path: Path, rows: list[Any], layout: str) -> Path:
    if layout == "lines":
        path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    elif layout == "prowler":  # Prowler's own: indent 4, joined by "," so items meet as "\n},{"
        path.write_text("[" + ",".join(json.dumps(row, indent=4) for row in rows) + "]")
    elif layout == "blank-comma":  # a blank between an item's "}" and the comma: "\n} ,\n{"
        path.write_text("[" + " ,\n".join(json.dumps(row, indent=1) for row in rows) + "]")
    elif layout == "indent2":
        path.write_text(json.dumps(rows, indent=2))
    else:
        path.write_text(json.dumps(rows, separators=(",", ":") if layout == "compact" else (", ", ": ")))
    return path


@settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(finding_rows, max_size=12), layouts, st.sampled_from([64, 512, 1 << 20]))
def test_generated_findings_read_the_same_both_ways(tmp_path: Path, rows: list[Any], layout: str, size: int) -> None:
    path = write_rows(tmp_path / "findings.json", rows, layout)
    with small_batches(size):
        assert fast_findings(path) == reference_findings(path)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(finding_rows, min_size=1, max_size=6), layouts, st.integers(0, 400), st.sampled_from([64, 1 << 20]))
def test_truncated_and_damaged_findings_fail_or_agree(
    tmp_path: Path, rows: list[Any], layout: str, cut: int, size: int
) -> None:
    """A damaged file gives the general path's findings, or an error where the general path has one."""
    text = write_rows(tmp_path / "whole.json", rows, layout).read_bytes()
    path = tmp_path / "damaged.json"
    path.write_bytes(text[: len(text) - cut % max(len(text), 1)])
    with small_batches(size):
        assert fast_findings(path) == reference_findings(path)


# ----------------------------------------------------------------------------------------- OTLP
def summary(groups: list[SpanGroup]) -> dict[str, list[Any]]:
    """Groups by their facts (however the spans were partitioned): counts summed, times at their latest."""
    out: dict[str, list[Any]] = {}
    for group in groups:
        span = group.span
        key = repr((sorted(span.attributes.items(), key=repr), span.scope_name, span.scope_version, span.events))
        entry = out.setdefault(key, [0, 0, 0, 0, None, None])
        for i, n in enumerate((group.count, group.untimed, group.in_window, group.outside)):
            entry[i] += n
        for i, when in ((4, group.last_start), (5, group.newest_end)):
            if when is not None and (entry[i] is None or when > entry[i]):
                entry[i] = when
    return out


def reference_groups(path: Path) -> dict[str, list[Any]] | str:
    """The general path: ``otlp.read_spans`` (json lines, then ijson) into a grouper, span by span."""
    grouper = SpanGrouper(WINDOW)
    try:
        for span in otlp.read_spans(path):
            grouper._plain((span,))
    except AismaError as exc:
        return str(exc)
    return summary(grouper._take())


def fast_groups(path: Path) -> dict[str, list[Any]] | str:
    grouper = SpanGrouper(WINDOW)
    try:
        return summary([group for groups in grouper.read(path) for group in groups])
    except AismaError as exc:
        return str(exc)


def test_bank_traces_group_the_same_both_ways(tmp_path: Path) -> None:
    """Pretty-printed as in the demo (over many lines: ijson) and as a file exporter writes it (JSON Lines of
    one export request per resource: typed)."""
    source = BANK / "otel" / "genai-traces.json"
    lines = tmp_path / "exported.jsonl"
    items = json.loads(source.read_text())["resourceSpans"]
    lines.write_text("".join(json.dumps({"resourceSpans": [item]}) + "\n" for item in items))
    fast = fast_groups(lines)
    assert fast == reference_groups(lines) == fast_groups(source) == reference_groups(source)
    assert sum(entry[0] for entry in fast.values()) == 72  # type: ignore[union-attr]


def value() -> st.SearchStrategy[Any]:
    scalar = st.one_of(
        st.builds(lambda s: {"stringValue": s}, st.one_of(st.sampled_from(["chat", "execute_tool", " m "]), anything)),
        st.builds(lambda s: {"intValue": s}, st.one_of(st.sampled_from(["42", "x"]), st.integers(0, 9))),
        st.builds(lambda s: {"doubleValue": s}, st.floats(0, 1)),
        st.builds(lambda s: {"boolValue": s}, st.booleans()),
        st.builds(lambda s: {"bytesValue": s}, st.text("ab", max_size=3)),
        st.just({}),
    )
    return st.one_of(
        scalar,
        st.builds(lambda v: {"arrayValue": {"values": v}}, st.lists(scalar, max_size=2)),
        st.builds(lambda v: {"kvlistValue": {"values": [{"key": "k", "value": v}]}}, scalar),
    )


FACT_KEYS = [
    "gen_ai.operation.name",
    "gen_ai.request.model",
    "gen_ai.agent.id",
    "service.name",
    "gen_ai.request.max_tokens",
]
attribute = st.fixed_dictionaries(
    {"key": st.one_of(st.sampled_from([*FACT_KEYS, "gen_ai.response.id", "other"]), st.integers(0, 1))},
    optional={"value": value()},
)
nanos = st.one_of(
    st.sampled_from(["1793000000000000000", "1793500000000000123", "0", "x", " 1793000000000000000"]),
    st.integers(0, 2 * 10**18),
    anything,
)
span = st.fixed_dictionaries(
    {},
    optional={
        "startTimeUnixNano": nanos,
        "endTimeUnixNano": nanos,
        "attributes": st.lists(attribute, max_size=4),
        "events": st.lists(
            st.fixed_dictionaries({"name": st.sampled_from(["gen_ai.evaluation.result", "x"])}), max_size=2
        ),
        "name": st.text(max_size=3),
    },
)
scope_spans = st.lists(
    st.tuples(
        st.booleans(), st.fixed_dictionaries({}, optional={"name": text, "version": text}), st.lists(span, max_size=3)
    ),
    max_size=2,
)
resource_spans = st.tuples(
    st.booleans(), st.fixed_dictionaries({}, optional={"attributes": st.lists(attribute, max_size=2)}), scope_spans
)


def scope_item(scope_first: bool, scope: dict[str, Any], spans: list[Any]) -> dict[str, Any]:
    """Key order varies: a scope applies to all spans of its item, before or after them."""
    return {"scope": scope, "spans": spans} if scope_first else {"spans": spans, "scope": scope}


def document(items: list[Any]) -> dict[str, Any]:
    out = []
    for resource_first, resource, scopes in items:
        body = [scope_item(*scope) for scope in scopes]
        out.append(
            {"resource": resource, "scopeSpans": body} if resource_first else {"scopeSpans": body, "resource": resource}
        )
    return {"resourceSpans": out}


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(st.lists(st.lists(resource_spans, max_size=2), min_size=1, max_size=4), st.booleans(), st.booleans())
def test_generated_traces_group_the_same_both_ways(
    tmp_path: Path, documents: list[Any], one_document: bool, pretty: bool
) -> None:
    path = tmp_path / "traces.json"
    docs = [document(items) for items in documents]
    if one_document:  # one document over several lines: the general path (ijson) reads it
        merged = {"resourceSpans": [rs for doc in docs for rs in doc["resourceSpans"]]}
        path.write_text(json.dumps(merged, indent=2 if pretty else None))
    else:
        path.write_text("".join(json.dumps(doc) + "\n" for doc in docs))
    assert fast_groups(path) == reference_groups(path)


def test_ijson_reference_is_really_the_general_path() -> None:
    """The reference above reads through ijson's events, not through the typed decoder."""
    assert list(ijson.items(io.BytesIO(b'[{"a": 1}]'), "item")) == [{"a": 1}]
