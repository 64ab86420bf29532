"""What every collector test asserts about a file it cannot read: skipped, with one line naming it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, Collector
from aisma.collectors.run import run_collector


def skipped(collector: Collector, paths: Sequence[Path], context: CollectContext) -> str:
    """The one line a collector gives for the one file of ``paths`` it could not read (nothing measured)."""
    result = run_collector(collector, list(paths), context)
    assert len(result.unreadable) == 1, result.unreadable
    line = result.unreadable[0]
    assert "\n" not in line
    return line
