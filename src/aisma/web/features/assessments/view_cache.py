"""A small per-process cache of dashboard view-models, keyed by the stored assessment they show.

Assessment snapshots are frozen: once stored, a snapshot never changes, so the charts and figures
built from it can be kept and reused until a newer assessment exists. Loading and parsing the
snapshot (hundreds of kB for thousands of systems) and drawing the charts is most of a dashboard's
cost; with this cache a dashboard reads only the small trend rows. Each worker keeps its own cache
(nothing is shared between workers; a miss just rebuilds), held on ``app.state`` by the page router.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

DEFAULT_ENTRIES = 64


class ViewCache:
    """Least recently used, thread-safe (sync endpoints run in a thread pool)."""

    def __init__(self, entries: int = DEFAULT_ENTRIES) -> None:
        self.entries = entries
        self._items: OrderedDict[Hashable, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_or_build(self, key: Hashable, build: Callable[[], dict[str, Any]]) -> dict[str, Any]:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()  # outside the lock: two threads may build the same entry once; both are equal
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
        return value

    def __len__(self) -> int:
        return len(self._items)
