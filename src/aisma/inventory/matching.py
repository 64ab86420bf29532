"""Tie identifiers seen in tool output (model ids, ARNs, agent ids, endpoints) to inventory systems.

A system's ``match`` patterns are shell-style globs, compared case-insensitively; the system id
itself also matches. When several systems match, the first in inventory order wins. ``matches`` is
that rule for one system; ``SystemIndex`` answers it for a whole inventory without trying every
system's patterns on every identifier (a cloud scan names hundreds of thousands of resources, an
inventory holds thousands of systems: their product is what made assessments slow).

How the index finds the candidates for an identifier, so the cost grows with identifiers plus
patterns, not with their product:

- ids and patterns without a wildcard sit in a dict (casefolded text -> first system);
- a glob with a literal run of at least ``GRAM`` characters (``arn:aws:bedrock:*:1234:agent/*`` has
  ``:1234:agent/``) is filed under one ``GRAM``-character piece of that run: the piece fewest other
  globs' runs contain (``1234:a`` rather than ``agent/``, which every agent ARN contains too), then
  the one fewest globs are filed under yet; an identifier can only match globs filed under a piece
  it contains, so it looks up each of its own pieces (one dict lookup per character);
- a shorter glob with a literal start (``gpt-4*``) is filed under that start, one with a literal end
  (``*-ai``) under its end; an identifier looks up its own starts and ends of those lengths;
- what is left (``*``, ``*ai*``, ``?*``) is tried on every identifier, in one regular expression.

A candidate is then compared with the glob's compiled pattern (the very expression ``fnmatchcase``
uses, compiled the first time the glob is a candidate), so the index gives exactly the naive answer;
``tests/test_matching.py`` holds it against the naive loop on generated globs. Results are cached per
identifier (bounded: the cache bounds time only).
"""

from __future__ import annotations

import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from fnmatch import fnmatchcase, translate
from functools import cached_property, lru_cache

from aisma.inventory.schema import AISystem

GRAM = 6  # length of the literal pieces globs are filed under
CACHE_SIZE = 1 << 16  # identifiers whose answer is kept, per index
RECENT_INDEXES = 2  # indexes kept for reuse by ``index_for`` (one assessment uses one inventory)
NONE = -1


def matches(system: AISystem, identifier: str) -> bool:
    """The rule for one system: its id, or any of its ``match`` globs, case-insensitively."""
    value = identifier.casefold()
    if value == system.id.casefold():
        return True
    return any(fnmatchcase(value, pattern.casefold()) for pattern in system.match)


def literal_runs(pattern: str) -> tuple[bool, list[str], bool]:
    """The literal pieces of a glob, as ``fnmatch`` reads it, and whether it starts and ends with one.

    ``*``, ``?`` and a ``[...]`` set stand for characters; a ``[`` without its ``]`` is a literal
    (fnmatch's rule). Any string the glob matches contains every run, in order.
    """
    runs: list[str] = []
    current: list[str] = []
    starts_literal = True
    i, n = 0, len(pattern)
    while i < n:
        c = pattern[i]
        i += 1
        wildcard = c in "*?"
        if c == "[":
            j = i
            if j < n and pattern[j] == "!":
                j += 1
            if j < n and pattern[j] == "]":
                j += 1
            while j < n and pattern[j] != "]":
                j += 1
            if j < n:
                wildcard, i = True, j + 1
        if wildcard:
            if not runs and not current:
                starts_literal = False
            if current:
                runs.append("".join(current))
                current = []
            continue
        current.append(c)
    ends_literal = bool(current)
    if current:
        runs.append("".join(current))
    return starts_literal and bool(runs), runs, ends_literal


_Glob = tuple[int, str]  # (position of its system, its casefolded pattern: compiled when first compared)


@lru_cache(maxsize=64)
def _compiled_any(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One expression trying the globs in order: ``lastindex`` names the first that matched."""
    return re.compile("|".join(f"({translate(p)})" for p in patterns))


def _pieces(run: str) -> set[str]:
    """The ``GRAM``-character pieces of a literal run (none when it is shorter)."""
    return {run[k : k + GRAM] for k in range(len(run) - GRAM + 1)}


@lru_cache(maxsize=1 << 15)
def _compiled(pattern: str) -> re.Pattern[str]:
    """A glob's expression, exactly as ``fnmatchcase`` compiles it (kept, like fnmatch keeps its own)."""
    return re.compile(translate(pattern))


class SystemIndex:
    """Every system of a sequence, ready to answer "which system does this identifier belong to"."""

    def __init__(self, systems: Sequence[AISystem]) -> None:
        self.systems: tuple[AISystem, ...] = tuple(systems)
        self._exact: dict[str, int] = {}
        self._exact_all: dict[str, list[int]] = {}
        self._listed: dict[str, list[int]] = {}  # casefolded mcp server name -> systems listing it
        self._grams: dict[str, list[_Glob]] = {}
        self._starts: dict[int, dict[str, list[_Glob]]] = {}
        self._ends: dict[int, dict[str, list[_Glob]]] = {}
        self._expressions: dict[str, re.Pattern[str]] = {}
        floating: list[tuple[int, str]] = []
        globs: list[tuple[int, str, bool, list[str], bool]] = []
        for position, system in enumerate(self.systems):
            self._exact_entry(system.id.casefold(), position)
            for name in dict.fromkeys(m.casefold() for m in system.mcp_servers):
                self._listed.setdefault(name, []).append(position)
            for raw in dict.fromkeys(p.casefold() for p in system.match):
                starts, runs, ends = literal_runs(raw)
                if len(runs) == 1 and starts and ends:  # no wildcard at all: a plain string
                    self._exact_entry(raw, position)
                else:
                    globs.append((position, raw, starts, runs, ends))
        shared: Counter[str] = Counter()  # piece -> how many globs' longest runs contain it
        for _position, _raw, _starts, runs, _ends in globs:
            shared.update(_pieces(max(runs, key=len, default="")))
        for position, raw, starts, runs, ends in globs:
            self._add_glob(position, raw, starts, runs, ends, shared, floating)
        self._floating = [(position, _compiled(p)) for position, p in floating]
        self._floating_any = _compiled_any(tuple(p for _, p in floating)) if len(floating) > 1 else None
        self._gram_lengths = GRAM if self._grams else 0
        self._start_lengths = sorted(self._starts)
        self._end_lengths = sorted(self._ends)
        self.first_position = lru_cache(maxsize=CACHE_SIZE)(self._first_position)
        # The last observations asked about and, for each, whether it is outside every active system
        # (``aisma.inventory.shadow.outside_flags``): discovery and scoring share one answer.
        self.outside: tuple[object, list[bool]] | None = None

    def _expression(self, pattern: str) -> re.Pattern[str]:
        """A glob's expression, compiled the first time it is a candidate and then kept by this index
        (compiling thousands of globs up front cost seconds for inventories that nothing is matched to)."""
        found = self._expressions.get(pattern)
        if found is None:
            found = self._expressions[pattern] = _compiled(pattern)
        return found

    def _exact_entry(self, text: str, position: int) -> None:
        self._exact.setdefault(text, position)
        positions = self._exact_all.setdefault(text, [])
        if not positions or positions[-1] != position:
            positions.append(position)

    def _add_glob(
        self,
        position: int,
        pattern: str,
        starts: bool,
        runs: list[str],
        ends: bool,
        shared: Counter[str],
        floating: list[tuple[int, str]],
    ) -> None:
        glob: _Glob = (position, pattern)
        pieces = _pieces(max(runs, key=len, default=""))
        if pieces:
            piece = min(sorted(pieces), key=lambda p: (shared[p], len(self._grams.get(p, ()))))
            self._grams.setdefault(piece, []).append(glob)
        elif starts:
            self._starts.setdefault(len(runs[0]), {}).setdefault(runs[0], []).append(glob)
        elif ends:
            self._ends.setdefault(len(runs[-1]), {}).setdefault(runs[-1], []).append(glob)
        else:
            floating.append((position, pattern))

    def _candidates(self, value: str) -> list[_Glob]:
        """The globs that may match ``value`` (casefolded): those filed under a piece it contains."""
        found: list[_Glob] = []
        grams = self._grams
        if len(grams) < len(value):  # few pieces (a small inventory): look for each piece in the value
            for piece, filed in grams.items():
                if piece in value:
                    found.extend(filed)
        else:  # else look each piece of the value up
            for k in range(len(value) - GRAM + 1):
                bucket = grams.get(value[k : k + GRAM])
                if bucket is not None:
                    found.extend(bucket)
        size = len(value)
        for length in self._start_lengths:
            if length > size:
                break
            bucket = self._starts[length].get(value[:length])
            if bucket is not None:
                found.extend(bucket)
        for length in self._end_lengths:
            if length > size:
                break
            bucket = self._ends[length].get(value[size - length :])
            if bucket is not None:
                found.extend(bucket)
        return found

    def _first_position(self, identifier: str) -> int:
        value = identifier.casefold()
        best = self._exact.get(value, NONE)
        candidates = sorted(self._candidates(value), key=lambda glob: glob[0])
        for position, pattern in candidates:
            if best != NONE and position >= best:
                break
            if self._expression(pattern).match(value) is not None:
                best = position
                break
        if self._floating and (best == NONE or self._floating[0][0] < best):
            if self._floating_any is not None:
                hit = self._floating_any.match(value)
                position = self._floating[hit.lastindex - 1][0] if hit is not None and hit.lastindex else NONE
            else:
                position = self._floating[0][0] if self._floating[0][1].match(value) is not None else NONE
            if position != NONE and (best == NONE or position < best):
                best = position
        return best

    def first(self, identifier: str) -> AISystem | None:
        """The first system (in the sequence's order) that ``identifier`` matches."""
        position = self.first_position(identifier)
        return self.systems[position] if position != NONE else None

    def every(self, identifier: str) -> tuple[AISystem, ...]:
        """Every system ``identifier`` matches, in the sequence's order (not cached: rarely needed)."""
        value = identifier.casefold()
        positions = set(self._exact_all.get(value, ()))
        positions.update(
            p for p, pattern in self._candidates(value) if self._expression(pattern).match(value) is not None
        )
        positions.update(p for p, pattern in self._floating if pattern.match(value) is not None)
        return tuple(self.systems[p] for p in sorted(positions))

    def listing(self, server: str) -> tuple[AISystem, ...]:
        """The systems whose ``mcp_servers`` name ``server`` (case-insensitively), in order."""
        return tuple(self.systems[p] for p in self._listed.get(server.casefold(), ()))

    @cached_property
    def active(self) -> SystemIndex:
        """The index of the active systems only (retired ones left out), built once."""
        return SystemIndex([s for s in self.systems if s.active])

    @cached_property
    def retired(self) -> SystemIndex:
        return SystemIndex([s for s in self.systems if not s.active])


_recent: OrderedDict[int, SystemIndex] = OrderedDict()
_recent_lock = threading.Lock()


def index_for(systems: Sequence[AISystem] | SystemIndex) -> SystemIndex:
    """The index of ``systems``, built once: a tuple (``inventory.systems``) is remembered by identity.

    The last ``RECENT_INDEXES`` indexes are kept (each holds its tuple, so the identity stays its own):
    the collectors, discovery and scoring of one assessment all ask for the same inventory's index.
    """
    if isinstance(systems, SystemIndex):
        return systems
    if not isinstance(systems, tuple):
        return SystemIndex(systems)
    key = id(systems)
    with _recent_lock:
        found = _recent.get(key)
        if found is not None and found.systems is systems:
            _recent.move_to_end(key)
            return found
    built = SystemIndex(systems)  # tuple(systems) is systems: the identity check above holds
    with _recent_lock:
        _recent[key] = built
        while len(_recent) > RECENT_INDEXES:
            _recent.popitem(last=False)
    return built


def find_system(systems: Sequence[AISystem] | SystemIndex, identifier: str) -> AISystem | None:
    """The first system (in inventory order) whose patterns match the identifier."""
    return index_for(systems).first(identifier)
