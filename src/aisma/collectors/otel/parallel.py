"""A big JSON Lines trace file read by several processes at once, to the same groups as one reader.

Reading spans is CPU-bound Python, so one process uses one core (and a thread, the sha256). Opt-in:
``collectors.otel.workers`` (default 1, see ``worker_count``). A file of at least ``MIN_BYTES`` is
cut at line ends into one range of consecutive lines per worker; worker processes (the ``spawn``
context: the collector runs a hashing thread, and forking a process with threads is unsafe) group
their range with ``SpanGrouper`` and send back its groups (few: alike spans are folded), its
ReadStats and how many spans it read. Here the groups are merged by their facts, range after range,
so they reach the Tally in the order of their first span, as one reader would hand them over; a
span's read order (ties between newest spans go to the first read) is its range's own plus the
spans of the ranges before it. The Tally and the sightings only add counts and keep maxima and first-seen
entries, so the merged groups count exactly what one reader's groups count.

Anything out of the ordinary in any range (a line that is not one JSON value, a line too long to cut
at, a document the reader refuses) makes the whole file go through the ordinary single reader again:
its result or its error, with the line it names, is then exactly the single reader's.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO, cast

from aisma.errors import AismaError
from aisma.formats.jsonstream import DECODE_LIMIT, UTF8_BOM, WHITESPACE, JsonLines, typed_or_plain
from aisma.formats.otlp import EPOCH, ReadStats
from aisma.formats.otlp_groups import _DOCUMENT, MAX_GROUPS, SpanGroup, SpanGrouper, _check, _Document

MIN_BYTES = 64 << 20  # smaller files are read by one process: starting workers costs about a second
PIECE_BYTES = 8 << 20  # how finely the file is cut: the workers' ranges differ by at most this much

# (groups, log records, evaluation log records, spans read); None: the piece needs the single reader
_Piece = tuple[list[SpanGroup], int, int, int] | None


def worker_count(setting: int | None) -> int:
    """``collectors.otel.workers``; by default two processes when the machine has two cores or more.

    Two, not one per core: on a quiet 2-core machine two workers read 1,000,000 spans in 1.41x DuckDB's
    time against 2.01x for one process (bench/README.md), and each worker costs about 60 MB, so two keep
    the peak under the 250 MB budget whatever the input size. On a machine busy with other work they can
    lose to one process (the sha256 thread already uses the second core); set ``workers: 1`` there.
    """
    if setting is not None:
        return setting
    return min(2, os.cpu_count() or 1)


def pieces(path: Path, piece_bytes: int | None = None) -> list[tuple[int, int]] | None:
    """``(start, end)`` byte ranges of ``path`` ending at line ends, or None when it cannot be cut
    (not a JSON Lines file of objects, or a line too long to find its end near a cut)."""
    size = piece_bytes or PIECE_BYTES
    with path.open("rb") as handle:
        start = 3 if handle.read(3) == UTF8_BOM else 0
        handle.seek(start)
        if handle.read(4096).lstrip(WHITESPACE)[:1] != b"{":
            return None
        total = path.stat().st_size
        out: list[tuple[int, int]] = []
        while start < total:
            cut = start + size
            if cut >= total:
                out.append((start, total))
                break
            handle.seek(cut)
            line_end = handle.readline(DECODE_LIMIT)
            if not line_end.endswith(b"\n") and cut + len(line_end) < total:
                return None  # a line longer than a line may be: the single reader hands it to ijson
            end = cut + len(line_end)
            out.append((start, end))
            start = end
        return out


class _Slice:
    """The bytes ``[start, end)`` of an open file, as the file itself to JsonLines (which reads lines,
    measures long ones and seeks back): the worker reads its part of the file where it lies."""

    def __init__(self, handle: BinaryIO, start: int, end: int) -> None:
        self.handle, self.end = handle, end
        handle.seek(start)

    def _left(self, size: int) -> int:
        left = self.end - self.handle.tell()
        return max(0, left if size < 0 else min(size, left))

    def readline(self, size: int = -1) -> bytes:
        return self.handle.readline(self._left(size)) if self._left(size) else b""

    def read(self, size: int = -1) -> bytes:
        return self.handle.read(self._left(size)) if self._left(size) else b""

    def tell(self) -> int:
        return self.handle.tell()

    def seek(self, offset: int) -> int:
        return self.handle.seek(offset)


def _read_range(path: str, start: int, end: int, window: tuple[int, int]) -> _Piece:
    """The groups of the lines in ``[start, end)`` (in a worker process); ``window`` in microseconds."""
    grouper = SpanGrouper((EPOCH, EPOCH))
    grouper.low, grouper.high = window
    stats = ReadStats()
    with open(path, "rb") as handle:
        lines = JsonLines(cast(BinaryIO, _Slice(handle, start, end)), decode=typed_or_plain(_DOCUMENT))
        try:
            for document in lines:
                if type(document) is not _Document:
                    return None  # the general path's checks name the document: left to one reader
                _check(Path(path), document, 0, stats)
                grouper._typed(document)
                del document  # freed before the next line is decoded, as grouper.read does
                if len(grouper.groups) > MAX_GROUPS:
                    return None  # spans nearly all different: the single reader, bounded by its flushes
        except AismaError:
            return None
        if lines.rest is not None:
            return None
    return grouper._take(), stats.log_records, stats.evaluation_log_records, grouper.order


def _ranges(pieces: list[tuple[int, int]], workers: int) -> list[tuple[int, int]]:
    """``workers`` ranges of consecutive pieces, about as many bytes each."""
    total = sum(end - start for start, end in pieces)
    runs: list[list[tuple[int, int]]] = [[] for _ in range(workers)]
    done = 0
    for start, end in pieces:
        runs[min(workers - 1, done * workers // max(total, 1))].append((start, end))
        done += end - start
    return [(run[0][0], run[-1][1]) for run in runs if run]


def _content(group: SpanGroup) -> tuple[str, str, str, bool]:
    span = group.span
    return (repr(tuple(span.attributes.items())), span.scope_name, span.scope_version, bool(span.events))


def _merge(into: SpanGroup, group: SpanGroup) -> None:
    into.count += group.count
    into.untimed += group.untimed
    into.in_window += group.in_window
    into.outside += group.outside
    if group.last_start is not None and (into.last_start is None or group.last_start > into.last_start):
        into.last_start = group.last_start
    if group.newest_end is not None and (into.newest_end is None or group.newest_end > into.newest_end):
        into.newest_end, into.newest_order = group.newest_end, group.newest_order


def read_parallel(
    path: Path, grouper: SpanGrouper, stats: ReadStats, workers: int, piece_bytes: int | None = None
) -> Iterator[list[SpanGroup]]:
    """The groups of ``path`` as ``grouper.read`` would give them, read by ``workers`` processes;
    falls back to ``grouper.read`` itself for a file it cannot cut or a piece out of the ordinary."""
    ranges = pieces(path, piece_bytes)
    if ranges is None:
        yield from grouper.read(path, stats)
        return
    context = multiprocessing.get_context("spawn")
    window = (grouper.low, grouper.high)
    with context.Pool(workers) as pool:
        jobs = pool.starmap(_read_range, [(str(path), start, end, window) for start, end in _ranges(ranges, workers)])
        read = _merged(jobs, grouper.order)
    if read is None:
        yield from grouper.read(path, stats)
        return
    merged, logs, evaluations, grouper.order = read
    stats.log_records += logs
    stats.evaluation_log_records += evaluations
    yield list(merged.values())


def _merged(
    results: Iterable[_Piece], order: int
) -> tuple[dict[tuple[str, str, str, bool], SpanGroup], int, int, int] | None:
    """The pieces' groups merged by their facts, in the order of their first span; None when a piece
    needs the single reader, or when there are more groups than one reader holds at once (a file of
    spans nearly all different gains nothing from being cut, and memory stays bounded)."""
    merged: dict[tuple[str, str, str, bool], SpanGroup] = {}
    logs = evaluations = 0
    for result in results:
        if result is None:
            return None
        groups, piece_logs, piece_evaluations, spans = result
        logs += piece_logs
        evaluations += piece_evaluations
        for group in groups:
            group.newest_order += order
            key = _content(group)
            found = merged.get(key)
            if found is None:
                merged[key] = group
            else:
                _merge(found, group)
        order += spans
        if len(merged) > MAX_GROUPS:
            return None
    return merged, logs, evaluations, order
