"""What every collector test asserts about a file it cannot read: skipped, with one line naming it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from aisma.collectors.base import CollectContext, CollectionResult, Collector
from aisma.collectors.run import run_collector
from aisma.scoring.inputs import Measurement


def skipped(collector: Collector, paths: Sequence[Path], context: CollectContext) -> str:
    """The one line a collector gives for the one file of ``paths`` it could not read (nothing measured)."""
    result = run_collector(collector, list(paths), context)
    assert len(result.unreadable) == 1, result.unreadable
    line = result.unreadable[0]
    assert "\n" not in line
    return line


def each_skipped(collector: Collector, folder: Path, cases: dict[str, str], context: CollectContext) -> None:
    """Each file of ``cases`` (name -> text), written to ``folder``, is skipped in one line naming it."""
    for name, text in cases.items():
        path = folder / name
        path.write_text(text)
        line = skipped(collector, [path], context)
        assert line.startswith(str(path)), line


def measured(result: CollectionResult, metric: str) -> list[Measurement]:
    return [m for m in result.measurements if m.metric == metric]


def one(result: CollectionResult, metric: str) -> Any:
    """The one measurement of ``metric`` (a collection of one file, or one tenant, has one per metric)."""
    found = measured(result, metric)
    assert len(found) == 1, (metric, found)
    return found[0]
