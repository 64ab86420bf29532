"""The otel collector reading a JSON Lines file in worker processes gives what one reader gives.

The files are small, so the size from which a file is cut (``MIN_BYTES``) and the size of a piece are
shrunk: every file here is cut into several pieces read by two spawned processes. The reference is the
same collector with ``workers: 1``.
"""

from __future__ import annotations

import json
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from aisma.collectors.base import CollectionResult
from aisma.collectors.otel import parallel
from aisma.errors import AismaError
from aisma.formats.otlp_groups import SpanGrouper

from .test_otel import DATA, collect, documents, write_jsonl, write_spans

BANK_TRACES = (
    Path(__file__).parents[2] / "src" / "aisma" / "examples" / "bank" / "evidence" / "otel" / "genai-traces.json"
)
SETTINGS: dict[str, Any] = {"approved_providers": ["Microsoft", "aws.bedrock"], "sdk_name": "nb.secure_genai"}


@pytest.fixture(autouse=True)
def cut_small_files(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parallel, "MIN_BYTES", 1)
    monkeypatch.setattr(parallel, "PIECE_BYTES", 2000)


def serial_and_parallel(
    paths: list[Path], settings: dict[str, Any] = SETTINGS
) -> tuple[CollectionResult, CollectionResult]:
    return collect(paths, {**settings, "workers": 1}), collect(paths, {**settings, "workers": 2})


def no_single_reader(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if the collector falls back to the single reader: the parallel path must carry these files."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("fell back to the single reader")

    monkeypatch.setattr(SpanGrouper, "read", refuse)


def bank_lines(path: Path) -> Path:
    """The demo bank's trace export as a file exporter writes it: one export request per line."""
    items = json.loads(BANK_TRACES.read_text())["resourceSpans"]
    path.write_text("".join(json.dumps({"resourceSpans": [item]}) + "\n" for item in items))
    return path


LOGS = {
    "resourceLogs": [
        {
            "scopeLogs": [
                {
                    "logRecords": [
                        {"eventName": "gen_ai.evaluation.result", "spanId": "00000000000000c2"},
                        {"body": {"stringValue": "other"}},
                    ]
                }
            ]
        }
    ]
}


@pytest.mark.slow
def test_parallel_equals_serial_on_the_fixtures(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    generated = write_jsonl(tmp_path / "generated.jsonl", documents() * 4 + [LOGS] + documents())
    bank = bank_lines(tmp_path / "bank.jsonl")
    lean = write_spans(tmp_path / "lean.jsonl", 4000, one_document=False)
    plain_logs = json.dumps(LOGS).replace("gen_ai.evaluation.result", "other")
    lean.write_text(lean.read_text() + f"{plain_logs}\n" * 3)
    for paths in ([generated], [bank], [lean], [generated, bank, lean]):
        assert all(len(parallel.pieces(path) or ()) > 2 for path in paths)
        serial = collect(paths, {**SETTINGS, "workers": 1})
        with monkeypatch.context() as patch:
            no_single_reader(patch)
            cut = collect(paths, {**SETTINGS, "workers": 2})
        assert cut.measurements == serial.measurements
        assert cut.warnings == serial.warnings
        assert cut.observed == serial.observed
        assert serial.measurements and serial.observed
    assert any("1 gen_ai.evaluation.result log records" in warning for warning in collect([generated]).warnings)
    assert any("6 OTLP log records were skipped" in warning for warning in collect([lean]).warnings)


def test_files_it_cannot_cut_are_read_by_one_reader(tmp_path: Path) -> None:
    """A pretty-printed document, and a line msgspec's types refuse, give the single reader's result."""
    pretty = tmp_path / "pretty.json"
    pretty.write_text(
        json.dumps({"resourceSpans": [rs for doc in documents() for rs in doc["resourceSpans"]]}, indent=1)
    )
    assert parallel.pieces(pretty) is not None  # cut, but its pieces are not JSON Lines
    docs = documents() * 3
    odd = json.loads(json.dumps(docs[1]))
    odd["resourceSpans"][0]["scopeSpans"][0]["spans"][0]["attributes"] = {"not": "a list"}
    refused = write_jsonl(tmp_path / "refused.jsonl", [*docs, odd, *docs])
    for path in (pretty, refused):
        serial, cut = serial_and_parallel([path])
        assert cut == serial


def errors(path: Path, workers: int) -> str:
    result = collect([path], {"workers": workers})
    assert len(result.unreadable) == 1 and result.measurements == (), result
    return result.unreadable[0]


def test_damaged_files_fail_as_with_one_reader(tmp_path: Path) -> None:
    docs = documents() * 4
    whole = write_jsonl(tmp_path / "whole.jsonl", docs).read_text()
    truncated = tmp_path / "truncated.jsonl"
    truncated.write_text(whole[: len(whole) * 2 // 3])
    no_spans = write_jsonl(tmp_path / "no-spans.jsonl", [*docs, {"resourceMetrics": "x"}, {"other": 1}, *docs])
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_text(whole + "not json\n" + whole)
    cyclonedx = DATA / "cyclonedx" / "valid-machine-learning-1.6.json"
    expected = {
        truncated: "truncated or invalid JSON",
        no_spans: f"JSON object {len(docs) + 2} has no resourceSpans",
        garbage: "truncated or invalid JSON",
        cyclonedx: "JSON object 1 has no resourceSpans",
    }
    for path, part in expected.items():
        message = errors(path, 2)
        assert message == errors(path, 1)
        assert message.startswith(f"{path}: ") and part in message and "\n" not in message


def test_parent_memory_stays_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four times the spans cost the collecting process no more: it holds merged groups, not spans."""
    monkeypatch.setattr(parallel, "PIECE_BYTES", 64 << 10)
    peaks = []
    for k in (1, 4):
        path = write_spans(tmp_path / f"spans-{k}.jsonl", k * 6000, one_document=False)
        tracemalloc.start()
        try:
            collect([path], {"workers": 2})
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
    assert peaks[1] < peaks[0] * 1.1 + 100_000, f"peaks {peaks[0]} and {peaks[1]} bytes"


def test_too_many_groups_go_to_the_single_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_GROUPS merged groups the cut gains nothing: the single reader, bounded by its own flushes."""
    monkeypatch.setattr(parallel, "MAX_GROUPS", 3)
    path = write_jsonl(tmp_path / "many.jsonl", documents() * 2)
    serial, cut = serial_and_parallel([path])
    assert cut == serial


def test_workers_setting_is_checked(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "t.jsonl", documents())
    with pytest.raises(AismaError, match=r"^aisma.yaml: collectors.otel.workers: "):
        collect([path], {"workers": 0})


def test_two_workers_by_default_on_two_cores_or_more(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two processes keep the 250 MB budget (about 60 MB each) and beat one on a quiet 2-core machine."""
    from aisma.collectors.otel import parallel

    for cores, expected in ((1, 1), (2, 2), (16, 2), (None, 1)):
        monkeypatch.setattr(parallel.os, "cpu_count", lambda cores=cores: cores)
        assert parallel.worker_count(None) == expected
    assert parallel.worker_count(3) == 3
