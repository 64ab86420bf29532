"""Saved cloud API responses: the newest copy of each resource across files saved on a schedule.

A cloud collector reads resources that the CLI or the REST API printed into files, one file per
command and run. The same resource saved twice (yesterday's and today's listing) must count once, from
the newer file, so a changed setting is judged as it is now; which file was newer is said in a warning.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Generic, TypeVar

from aisma.collectors.base import CollectContext, CollectionResult, FileReads, Tally, file_source
from aisma.collectors.mcp_config.stream import name_time, observed_time, undated_note
from aisma.errors import AismaError
from aisma.formats.jsonstream import open_json, values
from aisma.inventory.discovery import Sightings
from aisma.scoring.inputs import Measurement, Source, ratio

R = TypeVar("R")


def read_classified(
    path: Path,
    expected: str,
    items: Callable[[Any], Iterable[Any]],
    classify: Callable[[Any], R | None],
    nothing: str,
) -> list[R]:
    """Every item of every JSON document in ``path`` (``items`` unwraps a list page) that ``classify``
    recognises. A file holding only items of other kinds is another tool's: one line, ``nothing`` saying
    what was missing. ``classify`` may refuse an item with an AismaError, which names the item."""
    found: list[R] = []
    other = 0
    with open_json(path, expected) as (handle, _first):
        for document in values(handle):
            for index, item in enumerate(items(document)):
                try:
                    resource = classify(item)
                except AismaError as exc:
                    raise AismaError(f"{path}: item {index}: {exc.message}") from None
                if resource is None:
                    other += 1
                else:
                    found.append(resource)
    if other and not found:
        raise AismaError(f"{path}: no {nothing}; expected {expected}")
    return found  # an empty list (an account, project or tenant with none): read, nothing in it


@dataclass(frozen=True)
class Seen(Generic[R]):
    """One resource, from the newest file that holds it, with that file's provenance and time."""

    resource: R
    source: Source
    when: datetime


class Checks(Generic[R]):
    """PASS/FAIL tallies per metric and per file of the resources judged: one measurement each, whose
    provenance is that file and whose time is the file's."""

    def __init__(self) -> None:
        self._tallies: dict[tuple[str, str], Tally] = {}
        self._seen: dict[str, Seen[R]] = {}

    def count(self, metric: str, item: Seen[R], ok: bool, detail: str) -> None:
        self._tallies.setdefault((metric, item.source.file), Tally()).add(ok, detail)
        self._seen.setdefault(item.source.file, item)

    def measurements(self) -> list[Measurement]:
        out = []
        for (metric, file), tally in sorted(self._tallies.items()):
            if tally.total:
                item = self._seen[file]
                out.append(ratio(metric, tally.passed, tally.total, item.when, item.source, tally.failing))
        return out


@dataclass(frozen=True)
class Snapshot(Generic[R]):
    seen: list[Seen[R]]
    warnings: list[str]
    unreadable: tuple[str, ...]


def newest_copies(
    paths: Sequence[Path],
    context: CollectContext,
    read: Callable[[Path], list[R]],
    key: Callable[[R], Hashable],
    tool: str,
    version: str,
) -> Snapshot[R]:
    """Every resource ``read`` finds in ``paths``, each from the newest file holding it (by the date in the
    file's name, else its modification time); unreadable files are skipped with one line each."""
    reads = FileReads(context)
    latest: dict[Hashable, Seen[R]] = {}
    replaced: list[str] = []
    undated: list[str] = []
    for path, resources in reads.each(paths, read):
        source = file_source(path, tool, version, context)
        when = observed_time(path)
        if name_time(path) is None:
            undated.append(context.display_name(path))
        for resource in resources:
            name = key(resource)
            old = latest.get(name)
            if old is None or when >= old.when:
                if old is not None and old.source.file != source.file:
                    replaced.append(old.source.file)
                latest[name] = Seen(resource, source, when)
        if context.progress:
            context.progress(path.stat().st_size)
    warnings = list(undated_note(undated))
    if replaced:
        shown = ", ".join(sorted(set(replaced))[:5])
        warnings.append(f"resources also found in newer files were counted from those: {shown}")
    return Snapshot(list(latest.values()), warnings, tuple(reads.unreadable))


Measure = Callable[[list[Seen[R]]], tuple[list[Measurement], Sightings, list[str]]]


def collect_newest(
    paths: Sequence[Path],
    context: CollectContext,
    read: Callable[[Path], list[R]],
    key: Callable[[R], Hashable],
    source: tuple[str, str],
    measure: Measure[R],
) -> CollectionResult:
    """A whole collection over saved responses: the newest copy of each resource, measured by ``measure``
    (measurements, the assets seen, warnings); ``source`` is the provenance's tool and version."""
    snapshot = newest_copies(paths, context, read, key, *source)
    measurements, sightings, warnings = measure(snapshot.seen)
    return CollectionResult(
        measurements=tuple(measurements),
        observed=sightings.assets(),
        warnings=(*snapshot.warnings, *warnings),
        unreadable=snapshot.unreadable,
    )
