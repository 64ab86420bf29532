"""The collector contract: metadata, the context a collector runs in, and what it returns.

A collector reads files (streaming, so memory stays flat on large exports), never writes, and
returns measurements whose provenance lets an auditor find and re-check the exact input file.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from threading import Event
from typing import Any, Protocol, TypeVar

from aisma.errors import AismaError
from aisma.fileio import sha256_of as sha256_of  # re-exported for collectors
from aisma.formats.limits import LimitExceeded
from aisma.inventory.schema import Inventory
from aisma.scoring.inputs import MAX_DETAILS as MAX_DETAILS  # re-exported for collectors
from aisma.scoring.inputs import Measurement, ObservedAsset, Source
from aisma.scoring.inputs import ratio as ratio  # re-exported for collectors


@dataclass(frozen=True)
class CollectorMeta:
    """What ``collector.yaml`` declares: checked against the code and the metric catalog at load."""

    id: str
    tool: str
    description: str
    formats: tuple[str, ...]
    versions: str
    metrics: tuple[str, ...]
    evidence_dir: str  # default folder under evidence/ the assessment reads
    patterns: tuple[str, ...]  # file name patterns inside that folder


ProgressCallback = Callable[[int], None]  # bytes read since the last call


@dataclass(frozen=True)
class CollectContext:
    """Everything a collector may know besides its input files; all of it frozen."""

    assessed_at: datetime
    inventory: Inventory = field(default_factory=Inventory)
    settings: Mapping[str, Any] = field(default_factory=dict)
    root: Path | None = None  # workspace root: file names in provenance are relative to it
    progress: ProgressCallback | None = None

    def display_name(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return str(path)


@dataclass(frozen=True)
class CollectionResult:
    """What a collection found. ``unreadable``: one line per input file that could not be read and was
    skipped (its part of the measurements is missing); ``aisma assess --strict`` fails on any."""

    measurements: tuple[Measurement, ...] = ()
    observed: tuple[ObservedAsset, ...] = ()
    warnings: tuple[str, ...] = ()
    unreadable: tuple[str, ...] = ()


T = TypeVar("T")
# What reading a file of unexpected content can raise besides AismaError: the input's fault, reported as
# one line. AISMA_DEBUG=1 re-raises them with the traceback, for a collector's author.
INPUT_ERRORS = (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, OverflowError, RecursionError)


class FileReads:
    """Reads a collector's files one at a time; a file that cannot be read is skipped, with one line.

    ``aisma assess`` reads every file it can: one broken or hostile file under evidence/ must not stop
    the assessment, and it must not count halfway either, so a reader returns a file's whole
    contribution or raises, and only a file read to its end is used. ``unreadable`` holds the lines.
    """

    def __init__(self, context: CollectContext) -> None:
        self.context = context
        self.unreadable: list[str] = []

    def each(self, paths: Iterable[Path], read: Callable[[Path], T]) -> Iterator[tuple[Path, T]]:
        """``(path, read(path))`` for every file that ``read`` reads without an error."""
        for path in paths:
            try:
                value = read(path)
            except AismaError as exc:
                self.skip(path, exc.message)
            except LimitExceeded as exc:  # a bound met outside a reader's own error handling
                self.skip(path, f"refused: {exc.problem}")
            except INPUT_ERRORS as exc:
                if os.environ.get("AISMA_DEBUG"):
                    raise
                problem = "nested too deeply" if isinstance(exc, RecursionError) else f"{type(exc).__name__}: {exc}"
                self.skip(path, problem)
            else:
                yield path, value

    def skip(self, path: Path, message: str) -> None:
        name = self.context.display_name(path)
        line = message.strip().splitlines()[0] if message.strip() else "cannot be read"
        if line.startswith(str(path)):
            line = name + line[len(str(path)) :]  # the workspace-relative name, as in the provenance
        elif not line.startswith(name):
            line = f"{name}: {line}"
        self.unreadable.append(line)


class Collector(Protocol):
    meta: CollectorMeta

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult: ...


def file_source(
    path: Path, tool: str, version: str, context: CollectContext, sha256: Future[str] | None = None
) -> Source:
    """Provenance of one input file: tool, tool version, workspace-relative name, sha256.

    ``sha256``: the digest already being computed (``hashing_in_background``), else it is computed here.
    """
    digest = sha256.result() if sha256 is not None else sha256_of(path)
    return Source(tool=tool, version=version, file=context.display_name(path), sha256=digest)


HASH_BLOCK = 16 << 20


def _sha256_in_large_blocks(path: Path, stop: Event) -> str:
    """``sha256_of`` for a thread beside a decoder: the GIL is needed twice a block, and the decoder holds
    it for a whole batch at a time, so blocks are large (16 MiB, read into one reused buffer).
    ``stop`` ends it early (the collector failed: nobody wants the digest)."""
    digest = hashlib.sha256()
    buffer = bytearray(HASH_BLOCK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as handle:
        while (read := handle.readinto(buffer)) and not stop.is_set():
            digest.update(view[:read])
    return digest.hexdigest()


@contextmanager
def hashing_in_background(paths: Sequence[Path]) -> Iterator[dict[Path, Future[str]]]:
    """The sha256 of each file, computed by one thread while the collector reads the files.

    Hashing a multi-gigabyte export costs about as long as reading it; hashlib and file reads release
    the GIL, so on a second core the digest is ready when the reading is done. Leaving the block
    stops the hashing still under way (its digests are wanted only by a collection that completed).
    """
    stop = Event()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aisma-sha256") as pool:
        digests = {path: pool.submit(_sha256_in_large_blocks, path, stop) for path in dict.fromkeys(paths)}
        try:
            yield digests
        finally:
            stop.set()
            for future in digests.values():
                future.cancel()


def file_time(path: Path) -> datetime:
    """When a file was written, for tools whose output carries no timestamp of its own (UTC)."""
    from datetime import UTC

    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(microsecond=0)


def parse_time(text: object) -> datetime | None:
    """An ISO 8601 timestamp from tool output (``Z`` allowed), as an aware datetime; None if absent."""
    from datetime import UTC

    if not isinstance(text, str) or not text:
        return None
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass
class Tally:
    """PASS/FAIL counts of one check over the resources it judged, with the failing items (for ``details``).

    A cloud collector judges each resource once per check and reports the check as a ratio; one tally
    per metric and file keeps the provenance exact.
    """

    passed: int = 0
    total: int = 0
    failing: list[str] = field(default_factory=list)

    def add(self, ok: bool, item: str) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        else:
            self.failing.append(item)


def no_settings(context: CollectContext, collector_id: str) -> None:
    """Refuse any setting but ``enabled`` and ``paths`` for a collector that takes none, naming the first."""
    unknown = sorted(set(context.settings) - {"enabled", "paths"})
    if unknown:
        raise AismaError(f"aisma.yaml: collectors.{collector_id}.{unknown[0]} is not a setting (it takes none)")
