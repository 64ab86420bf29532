"""Pick values out of a JSON stream by key path and build only those, so memory stays flat.

The MCP collectors need a few small pieces of large files: one server entry at a time from a client
configuration, one server or issue at a time from mcp-scan output, one scan result at a time from
the Cisco scanner. ijson's own prefixes join keys with dots, which is ambiguous exactly where MCP
files put their keys (config paths such as ``/home/me/.cursor/mcp.json``, VS Code's flat
``chat.tools.autoApprove``), so the walker here keeps key paths as tuples.

Shared by the mcp-config, mcp-scan and cisco-mcp-scanner collectors, with the observation-time rule
they share: none of these tools writes a timestamp into its output.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO

from aisma.collectors.base import file_time
from aisma.formats.jsonstream import basic_parse
from aisma.formats.limits import LimitExceeded


class Wild:
    """A pattern element matching any map key (``ANY_KEY``) or any array index (``ANY_ITEM``)."""

    def __init__(self, kind: type) -> None:
        self.kind = kind

    def __repr__(self) -> str:
        return "ANY_KEY" if self.kind is str else "ANY_ITEM"


ANY_KEY = Wild(str)
ANY_ITEM = Wild(int)

Key = str | int
Path_ = tuple[Key, ...]
Pattern = tuple[str | Wild, ...]
Event = tuple[str, Any]

_STARTS = ("start_map", "start_array")
MAX_BUILD_EVENTS = 1_000_000  # values in one value built whole (a server entry is a few dozen)


@dataclass(frozen=True)
class Hit:
    """A value found at ``path``: built (for build patterns) or only its first event (peek patterns)."""

    path: Path_
    event: str  # start_map, start_array, string, number, boolean or null
    value: Any
    built: bool


def matches(path: Path_, pattern: Pattern) -> bool:
    """True when the key path fits the pattern exactly (same length, wildcards by kind)."""
    if len(path) != len(pattern):
        return False
    for key, want in zip(path, pattern, strict=True):
        if isinstance(want, Wild):
            if not isinstance(key, want.kind):
                return False
        elif key != want:
            return False
    return True


def _build(event: str, value: Any, events: Iterator[Event]) -> Any:
    """The value that starts with ``event``, built from the following events (ijson's ObjectBuilder, inlined:
    this loop runs for every event of every entry, so it stays as small as it can)."""
    if event == "start_map":
        root: Any = {}
    elif event == "start_array":
        root = []
    else:
        return value
    stack: list[Any] = [root]
    key: Any = None
    built = 0
    for inner, inner_value in events:
        built += 1
        if built > MAX_BUILD_EVENTS:
            raise LimitExceeded(f"a value of more than {MAX_BUILD_EVENTS} JSON values")
        if inner == "map_key":
            key = inner_value
            continue
        if inner == "end_map" or inner == "end_array":
            stack.pop()
            if not stack:
                break
            continue
        if inner == "start_map":
            item: Any = {}
        elif inner == "start_array":
            item = []
        else:
            item = inner_value
        top = stack[-1]
        if type(top) is dict:
            top[key] = item
        else:
            top.append(item)
        if inner == "start_map" or inner == "start_array":
            stack.append(item)
    return root


Rule = tuple[Pattern, bool]  # a pattern and whether its values are built


def _skip(events: Iterator[Event]) -> None:
    """Pass over the rest of a container no pattern reaches into."""
    depth = 1
    for event, _ in events:
        if event == "start_map" or event == "start_array":
            depth += 1
        elif event == "end_map" or event == "end_array":
            depth -= 1
            if depth == 0:
                return


def _fits(want: str | Wild, key: Key) -> bool:
    return type(key) is want.kind if isinstance(want, Wild) else want == key


def select(events: Iterable[Event], build: Sequence[Pattern], peek: Sequence[Pattern] = ()) -> Iterator[Hit]:
    """The values at the key paths of ``build`` (built whole) and the first event at those of ``peek``.

    A built value's inside is not searched further. ``events`` are ijson ``basic_parse`` events.
    Each open container keeps the rules that can still match below it, and a container none can
    reach into is skipped without tracking its keys: the bulk of a file costs one comparison per event.
    """
    stream = iter(events)
    rules: list[Rule] = [(p, True) for p in build if p] + [(p, False) for p in peek if p]
    stack: list[list[Any]] = []  # [is_map, current key or index, rules alive below]
    for event, value in stream:
        if event == "map_key":
            stack[-1][1] = value
            continue
        if event == "end_map" or event == "end_array":
            stack.pop()
            continue
        alive = rules
        if stack:
            top = stack[-1]
            if not top[0]:
                top[1] += 1
            depth, key = len(stack), top[1]
            alive = []
            found: Rule | None = None
            for rule in top[2]:
                pattern = rule[0]
                if _fits(pattern[depth - 1], key):
                    if len(pattern) > depth:
                        alive.append(rule)
                    elif found is None or (rule[1] and not found[1]):
                        found = rule
            if found is not None:
                path: Path_ = tuple(c[1] for c in stack)
                if found[1]:
                    yield Hit(path, event, _build(event, value, stream), True)
                    continue
                yield Hit(path, event, None if event in _STARTS else value, False)
        if event == "start_map" or event == "start_array":
            if alive:
                stack.append([event == "start_map", None if event == "start_map" else -1, alive])
            else:
                _skip(stream)


def parse_events(handle: BinaryIO) -> Iterator[Event]:
    """ijson's basic events for a binary file (floats as float, not Decimal), through the reading guard."""
    return basic_parse(handle)


def events_of(value: Any) -> Iterator[Event]:
    """The events ijson would emit for an already parsed value (used for JSON with comments); no recursion,
    so a value nested as deep as the json module parses costs no RecursionError."""
    stack: list[Any] = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, _End):
            yield (current.event, None)
        elif isinstance(current, _Key):
            yield ("map_key", current.name)
        elif isinstance(current, Mapping):
            yield ("start_map", None)
            stack.append(_END_MAP)
            for key, item in reversed(list(current.items())):
                stack.append(item)
                stack.append(_Key(str(key)))
        elif isinstance(current, list | tuple):
            yield ("start_array", None)
            stack.append(_END_ARRAY)
            stack.extend(reversed(current))
        elif current is None:
            yield ("null", None)
        elif isinstance(current, bool):
            yield ("boolean", current)
        elif isinstance(current, int | float):
            yield ("number", current)
        else:
            yield ("string", str(current))


@dataclass(frozen=True)
class _End:
    event: str


@dataclass(frozen=True)
class _Key:
    name: str


_END_MAP, _END_ARRAY = _End("end_map"), _End("end_array")


# A run date in the file name, as scheduled jobs write it: 2026-11-12, 2026-11-12T0930Z, 20261112T093000Z.
_NAME_TIME = re.compile(
    r"(?<!\d)(20\d\d)-?([01]\d)-?([0-3]\d)(?:[T_ ]([0-2]\d)[:-]?([0-5]\d)(?:[:-]?([0-5]\d))?)?Z?(?!\d)"
)


def name_time(path: Path) -> datetime | None:
    """A date (and time) in the file name, as scheduled jobs write it; None when the name has none."""
    for match in _NAME_TIME.finditer(path.name):
        year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
        try:
            return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except ValueError:
            continue
    return None


def observed_time(path: Path) -> datetime:
    """When the tool ran: a date (and time) in the file name, else the file's modification time (UTC).

    mcp-scan, the Cisco scanner and client configuration files carry no timestamp of their own; a
    date-only name counts as the start of that day in UTC. ``undated_note`` words the warning for
    the files dated by their modification time.
    """
    return name_time(path) or file_time(path)


def undated_note(names: list[str]) -> list[str]:
    """The warning for files dated by their modification time (their name holds no date), if any."""
    if not names:
        return []
    shown = ", ".join(names[:5]) + (" ..." if len(names) > 5 else "")
    return [f"{len(names)} file(s) with no date in the name, dated by their modification time: {shown}"]
