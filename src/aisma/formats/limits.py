"""The bounds every reader keeps on hostile input: nesting depth, string, number and item size.

A small file can be expensive to read: 100,000 nested ``{`` cost a streaming JSON parser gigabytes
(ijson keeps the path of every open container, so memory grows with the square of the depth), and a
C decoder ends in RecursionError. The readers therefore stream through ``JsonGuard``, which looks
at each block of bytes before the parser does and refuses, with one line, input nested deeper than
``MAX_DEPTH``, a string longer than ``MAX_STRING``, a number longer than ``MAX_NUMBER`` or an item
(a value the caller builds whole) longer than ``ITEM_LIMIT`` bytes. Real tool output stays far
below every bound: SARIF, OCSF, CycloneDX and OTLP nest 10 to 20 levels.

The scan is done by bytes methods in C, a few passes over each block, never a Python loop per
byte: escaped backslashes and quotes are removed, then everything but quotes and brackets, then
the strings (quotes pair up in order), and what remains is the structure, ``[`` and ``]``. Its
nesting is measured by removing innermost ``[]`` pairs until none is left: the number of rounds is
the depth reached inside the block, and what is left (closers, then openers) moves the depth on.
"""

from __future__ import annotations

from typing import BinaryIO

MAX_DEPTH = 512  # containers open at once
MAX_STRING = 16 << 20  # bytes of one JSON string (an embedded file, a long prompt)
MAX_NUMBER = 1024  # characters of one number (a 64-bit integer or a double needs about 25)
# Bytes of one value a reader builds whole (a finding, a component, a span, a result): in the worst case
# (``[{},{},...]``) Python keeps some 24 times the bytes, so 4 MB stays well inside a 300 MB process.
ITEM_LIMIT = 4 << 20
MB = 1 << 20

_KEEP = b'"[]{}'
_DROP = bytes(b for b in range(256) if b not in _KEEP)
_SQUARE = bytes.maketrans(b"{}", b"[]")
_NUMBER_CHARS = b"0123456789+-.eE"


def _size(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit} bytes"


class LimitExceeded(Exception):
    """Input past one of the bounds; ``problem`` says which, for the reader's one-line error."""

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.problem = problem


def too_deep(limit: int = MAX_DEPTH) -> LimitExceeded:
    return LimitExceeded(f"nested deeper than {limit} levels")


class JsonGuard:
    """A binary stream that checks the JSON passing through it against the bounds.

    ``item_depth``: values opening at this depth or deeper (the root value is at depth 1) are built
    whole by the caller and may span at most ``item_limit`` bytes; None when nothing is built whole.
    The bounds are checked a block ahead of the parser, so nothing is built past them.
    """

    def __init__(
        self,
        handle: BinaryIO,
        item_depth: int | None = None,
        item_limit: int = ITEM_LIMIT,
        max_depth: int = MAX_DEPTH,
    ) -> None:
        self.handle = handle
        self.item_depth = item_depth
        self.item_limit = item_limit
        self.max_depth = max_depth
        self.depth = 0
        self.in_string = False
        self.held = b""  # a trailing backslash whose escaped byte comes in the next block
        self.string_bytes = 0  # of the string open at the end of the last block
        self.number_chars = 0  # of the number at the end of the last block
        self.item_bytes = 0  # of the item open at the end of the last block

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        if chunk:
            self.check(chunk)
        return chunk

    def readline(self, size: int = -1) -> bytes:
        line = self.handle.readline(size)
        if line:
            self.check(line)
        return line

    def check(self, chunk: bytes) -> None:
        """Scan one block; raises LimitExceeded when it takes the input past a bound."""
        data = self.held + chunk if self.held else chunk
        self.held = b""
        if data.endswith(b"\\") and (len(data) - len(data.rstrip(b"\\"))) % 2:
            self.held, data = b"\\", data[:-1]
        if b"\\" in data:
            data = data.replace(b"\\\\", b"").replace(b'\\"', b"")
        skeleton = data.translate(None, _DROP)
        if b'""' in skeleton:
            skeleton = skeleton.replace(b'""', b"")  # adjacent quotes: removing them keeps every pairing
        started_in_string = self.in_string
        if b'"' in skeleton:
            parts = skeleton.split(b'"')
            structure = b"".join(parts[1 if started_in_string else 0 :: 2])
            self.in_string = started_in_string != (len(parts) % 2 == 0)
        else:
            structure = b"" if started_in_string else skeleton
        self._strings(data, started_in_string)
        self._numbers(data)
        if structure:
            self._structure(structure.translate(_SQUARE), len(chunk))
        elif self.item_depth is not None and self.depth >= self.item_depth:
            self._grow_item(len(chunk))

    def _strings(self, data: bytes, started_in_string: bool) -> None:
        if not self.in_string:
            self.string_bytes = 0
            return
        quote = data.rfind(b'"')
        if quote < 0 and started_in_string:
            self.string_bytes += len(data)
        else:
            self.string_bytes = len(data) - quote - 1
        if self.string_bytes > MAX_STRING:
            raise LimitExceeded(f"a string longer than {MAX_STRING // MB} MB")

    def _numbers(self, data: bytes) -> None:
        if self.in_string:
            self.number_chars = 0
            return
        tail = len(data) - len(data.rstrip(_NUMBER_CHARS))
        self.number_chars = self.number_chars + tail if tail == len(data) else tail
        if self.number_chars > MAX_NUMBER:
            raise LimitExceeded(f"a number longer than {MAX_NUMBER} characters")

    def _structure(self, brackets: bytes, size: int) -> None:
        start = self.depth
        rest, rounds = brackets, 0
        while b"[]" in rest:
            rest = rest.replace(b"[]", b"")
            rounds += 1  # a pair removed in round r is nested r deep inside this block, at least
            if rounds > self.max_depth:
                raise too_deep(self.max_depth)
        closers = len(rest) - len(rest.lstrip(b"]"))
        openers = len(rest) - closers
        if start + openers + rounds > self.max_depth:
            self._exact(brackets, start)
        lowest = max(start - closers, 0)
        self.depth = lowest + openers
        if self.item_depth is not None:
            if start >= self.item_depth and lowest >= self.item_depth:
                self._grow_item(size)  # the same item is open all through the block
            else:
                self.item_bytes = 0
                if self.depth >= self.item_depth or start + openers + rounds >= self.item_depth:
                    self._grow_item(size)  # an item opened in this block (counted whole: an upper bound)

    def _exact(self, brackets: bytes, start: int) -> None:
        """The running depth, bracket by bracket: only for a block the quick bound cannot clear."""
        depth = start
        for byte in brackets:
            depth = depth + 1 if byte == 0x5B else max(depth - 1, 0)
            if depth > self.max_depth:
                raise too_deep(self.max_depth)

    def _grow_item(self, size: int) -> None:
        self.item_bytes += size
        if self.item_bytes > self.item_limit:
            raise LimitExceeded(f"a value larger than {_size(self.item_limit)}")
