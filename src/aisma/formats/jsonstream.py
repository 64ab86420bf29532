"""What every streaming reader needs around its parser: open, sniff, decode, turn parse errors into one line.

ijson reports an empty file and a truncated one alike ("premature EOF") and its messages span
several lines, so the readers look at the first byte themselves and keep only the first line of a
parse error; the user gets ``file: problem; expected ...`` and never a traceback.

Decoding is done a bounded value at a time (``array_items``, ``values``, ``JsonLines``): each
finding or trace batch is decoded whole by the json module's C scanner, several times faster than
ijson's event stream, and ijson takes over for what cannot be decoded whole, so memory stays flat.

Every ijson stream of every reader goes through ``parse``, ``basic_parse`` and ``items`` here (or
the fallbacks of the fast paths), which read through ``limits.JsonGuard``: input nested too deeply,
or with a string, number or item past its bound, ends in one line naming the file, in seconds and
in little memory, and so does a C decoder's RecursionError. No reader imports ijson itself.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, BinaryIO, cast

import ijson  # type: ignore[import-untyped]
import msgspec

from aisma.errors import AismaError
from aisma.formats.limits import JsonGuard, LimitExceeded

UTF8_BOM = b"\xef\xbb\xbf"
WHITESPACE = b" \t\r\n"


def shape_error(path: Path, problem: str, expected: str) -> AismaError:
    return AismaError(f"{path}: {problem}; expected {expected}")


@contextmanager
def open_json(path: Path, expected: str) -> Iterator[tuple[BinaryIO, bytes]]:
    """Open ``path`` for ijson, positioned after any BOM; yields the file and its first non-blank byte.

    Parse errors raised while the block runs become one-line AismaErrors naming the file.
    """
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise AismaError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        start = 3 if handle.read(3) == UTF8_BOM else 0
        handle.seek(start)
        first = b""
        while chunk := handle.read(4096):
            stripped = chunk.lstrip(WHITESPACE)
            if stripped:
                first = stripped[:1]
                break
        if not first:
            raise shape_error(path, "the file is empty", expected)
        handle.seek(start)
        try:
            yield handle, first
        except LimitExceeded as exc:
            raise shape_error(path, f"refused: {exc.problem}", expected) from None
        except RecursionError:
            raise shape_error(path, "refused: nested too deeply", expected) from None
        except ijson.JSONError as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "parse error"
            detail = detail.removeprefix("parse error: ").removeprefix("lexical error: ").rstrip(".")
            raise shape_error(path, f"truncated or invalid JSON ({detail})", expected) from None
        except UnicodeDecodeError:
            raise shape_error(path, "not UTF-8 text", expected) from None


# ----------------------------------------------------------------------------------------- whole values
# ijson hands every scalar of the file to Python as an event before anything is built; decoding one
# bounded value at a time with the json module is several times faster. ijson keeps what cannot be
# decoded whole: a value longer than DECODE_LIMIT characters (a multi-gigabyte single trace document)
# is streamed by ijson in constant memory, and input that is not valid JSON goes to ijson too, so the
# errors are ijson's as before. Memory stays bounded by DECODE_LIMIT plus one decoded value.
# Where the two parsers differ, on values decoded whole: integers beyond 64 bits and 1e400 (infinity)
# are read (ijson with use_float refuses them), and an unterminated string after the closing bracket
# of an array is an error (ijson lets it pass).
DECODE_LIMIT = 8 << 20  # bytes of one JSON Lines line read whole (typed decoding: a few bytes per value kept)
# Characters of one value decoded whole by the json module, which keeps every value (an empty object costs
# 64 bytes for its 3 characters): beyond it, ijson (through the guard, at most ITEM_LIMIT) or an error.
PLAIN_LIMIT = 1 << 20
ARRAY_ITEM_DEPTH = 2  # the items of a top-level array open at depth 2 (the array itself is depth 1)
READ_SIZE = 1 << 20
READ_AHEAD = 64 << 10  # a value is decoded once this much text follows it, or the input ends
FIRST_LINE_READ = 256 << 10  # a JSON Lines line longer than this is measured before it is read whole
MEASURE_READ = 64 << 10
_SPACE = re.compile(r"[ \t\r\n]*")
_NUMBER_TAIL = re.compile(r"[0-9.eE+-]*")  # what may follow a number's first characters


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")  # json accepts NaN and Infinity; ijson and RFC 8259 do not


def _finite(text: str) -> float:
    """A JSON number with a fraction or exponent; one out of range (1e400) is refused, as ijson does."""
    value = float(text)
    if value in (_INFINITY, -_INFINITY):
        raise ValueError(f"number {text[:20]} is out of range")
    return value


_INFINITY = float("inf")
_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=_finite)


# ----------------------------------------------------------------------------------------- ijson, guarded
def parse(handle: BinaryIO, item_depth: int | None = None, multiple_values: bool = False) -> Iterator[Any]:
    """``ijson.parse`` events (prefix, event, value) through the guard; floats as float."""
    guarded = JsonGuard(handle, item_depth)
    return ijson.parse(guarded, use_float=True, multiple_values=multiple_values)  # type: ignore[no-any-return]


def basic_parse(handle: BinaryIO, item_depth: int | None = None) -> Iterator[tuple[str, Any]]:
    """``ijson.basic_parse`` events (event, value) through the guard; floats as float."""
    return ijson.basic_parse(JsonGuard(handle, item_depth), use_float=True)  # type: ignore[no-any-return]


def items(handle: BinaryIO, prefix: str, item_depth: int, multiple_values: bool = False) -> Iterator[Any]:
    """``ijson.items``: the values at ``prefix``, each built whole (so bounded: they open at ``item_depth``)."""
    guarded = JsonGuard(handle, item_depth)
    return ijson.items(guarded, prefix, use_float=True, multiple_values=multiple_values)  # type: ignore[no-any-return]


def object_builder() -> Any:
    """ijson's builder of one value from events, for readers that build a few values out of ``parse``."""
    return ijson.ObjectBuilder()


JSONError = ijson.JSONError  # what ijson raises on input that is not JSON


def decode_line(line: bytes) -> Any:
    """One JSON value from UTF-8 bytes with the json module (NaN and Infinity refused); ValueError if not,
    or if it is longer than PLAIN_LIMIT (the caller's streaming parser takes it, through the guard)."""
    if len(line) > PLAIN_LIMIT:
        raise ValueError("too long to decode whole")
    return _DECODER.decode(line.decode("utf-8"))


def typed_or_plain(decoder: msgspec.json.Decoder[Any]) -> Callable[[bytes], Any]:
    """Decode with ``decoder`` (msgspec, typed); what it refuses is decoded plainly, to the same result.

    msgspec refuses what the json module refuses (invalid JSON, NaN, 1e400, lone surrogates) and, through
    the type, any value of a shape the typed readers do not expect; the plain decoding then gives the
    readers' general path the value, or the ValueError that hands the rest of the file to ijson.
    """

    def decode(line: bytes) -> Any:
        try:
            return decoder.decode(line)
        except msgspec.MsgspecError:
            return decode_line(line)

    return decode


class _Rest:
    """The unread part of a stream, for ijson: bytes already taken out of it, then the stream itself."""

    def __init__(self, head: bytes, handle: BinaryIO) -> None:
        self.head = head
        self.offset = 0
        self.handle = handle

    def read(self, size: int = -1) -> bytes:
        if self.offset < len(self.head):
            end = len(self.head) if size < 0 else self.offset + size
            out = self.head[self.offset : end]
            self.offset += len(out)
            return out
        return self.handle.read(size)


class _Window:
    """Text decoded from a binary stream, consumed from the front."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.text = ""
        self.pos = 0
        self.eof = False

    def skip_space(self) -> bool:
        """Move past whitespace, reading as needed; False at the end of the input."""
        while True:
            found = _SPACE.match(self.text, self.pos)
            self.pos = found.end() if found else self.pos
            if self.pos < len(self.text):
                return True
            if self.eof:
                return False
            self.more()

    def more(self) -> None:
        """Drop what was consumed; read at least as much again as is pending, so a long value doubles."""
        chunk = self.handle.read(max(READ_SIZE, len(self.text) - self.pos))
        self.eof = not chunk
        self.text = self.text[self.pos :] + self.decoder.decode(chunk, final=self.eof)
        self.pos = 0

    def decode(self, limit: int) -> tuple[bool, Any]:
        """(True, the value at the position) or (False, None): too long, truncated or not JSON."""
        if not self.eof and len(self.text) - self.pos < READ_AHEAD:
            # Decode only what is likely complete: a failed attempt costs a scan of the whole window
            # (json's error message counts the lines before the error).
            self.more()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.text, self.pos)
            except ValueError:  # incomplete so far, or not JSON
                end = -1
            # A number may go on past the text read so far ("1" of "12", "0" of "0.5"): read more first.
            if end < 0 or (not self.eof and _NUMBER_TAIL.fullmatch(self.text, end)):
                if self.eof or len(self.text) - self.pos >= limit:
                    return False, None
                self.more()
                continue
            self.pos = end
            return True, value

    def rest(self, prefix: bytes = b"") -> _Rest:
        """Everything not consumed yet, as bytes, with ``prefix`` in front."""
        undecoded: bytes = self.decoder.getstate()[0]
        return _Rest(prefix + self.text[self.pos :].encode("utf-8") + undecoded, self.handle)


def array_items(handle: BinaryIO, limit: int | None = None) -> Iterator[Any]:
    """The items of the JSON array at ``handle``'s position: ``ijson.items(handle, "item")``, faster."""
    limit = PLAIN_LIMIT if limit is None else min(limit, PLAIN_LIMIT)
    window = _Window(handle)
    if not window.skip_space() or window.text[window.pos] != "[":
        yield from items(cast(BinaryIO, window.rest()), "item", ARRAY_ITEM_DEPTH)
        return
    window.pos += 1
    first = True
    while True:
        if not window.skip_space():
            raise ijson.IncompleteJSONError("parse error: premature EOF")
        if window.text[window.pos] == "]":
            if not first:  # [1,]
                raise ijson.IncompleteJSONError("parse error: unallowed token at this point in JSON text")
            window.pos += 1
            break
        decoded, value = window.decode(limit)
        if not decoded:
            # ijson reads the rest (through the guard: an item past ITEM_LIMIT is refused), or it raises
            # the parse error.
            yield from items(cast(BinaryIO, window.rest(b"[")), "item", ARRAY_ITEM_DEPTH)
            return
        yield value
        first = False
        if not window.skip_space():
            raise ijson.IncompleteJSONError("parse error: premature EOF")
        char = window.text[window.pos]
        window.pos += 1
        if char == "]":
            break
        if char != ",":
            raise ijson.IncompleteJSONError("parse error: after array element, I expect ',' or ']'")
    if window.skip_space():
        raise ijson.IncompleteJSONError("parse error: trailing garbage")


def values(handle: BinaryIO, limit: int | None = None) -> Iterator[Any]:
    """Every top-level JSON value from ``handle``'s position (JSON Lines, concatenated documents):
    ``ijson.items(handle, "", multiple_values=True)``, faster."""
    limit = PLAIN_LIMIT if limit is None else min(limit, PLAIN_LIMIT)
    window = _Window(handle)
    found = False
    while window.skip_space():
        decoded, value = window.decode(limit)
        if not decoded:
            break
        yield value
        found = True
    else:
        if found:
            return
    # ijson reads the rest (a value past DECODE_LIMIT, up to ITEM_LIMIT) or raises the parse error (of no
    # value at all, too).
    yield from items(cast(BinaryIO, window.rest()), "", 1, multiple_values=True)


class JsonLines:
    """The value of each line of a JSON Lines stream, a line at a time, from the stream's position.

    Iteration stops at the first line that is not one JSON value (a pretty-printed document, a line
    longer than ``limit`` bytes, invalid JSON); ``rest`` is then the stream positioned at the start
    of that line, for a streaming parser to take over. A line holds no raw newline inside a string,
    so where each line's value ends is known before decoding it, and no decoding is wasted.
    """

    def __init__(
        self, handle: BinaryIO, limit: int | None = None, decode: Callable[[bytes], Any] = decode_line
    ) -> None:
        self.handle = handle
        self.limit = DECODE_LIMIT if limit is None else limit
        self.decode = decode
        self.rest: BinaryIO | None = None

    def __iter__(self) -> Iterator[Any]:
        handle = self.handle
        offset = handle.tell()
        while line := handle.readline(FIRST_LINE_READ):
            if len(line) == FIRST_LINE_READ and not line.endswith(b"\n"):
                length = self._line_length(len(line))
                if length is None:
                    break
                handle.seek(offset)
                line = handle.read(length)
            if not line.isspace():
                try:
                    value = self.decode(line)
                except ValueError:  # not one JSON value (UnicodeDecodeError is a ValueError too)
                    break
                offset += len(line)
                yield value
                del value  # decode the next line with only the consumer holding this one
            else:
                offset += len(line)
        else:
            return
        handle.seek(offset)
        self.rest = handle

    def _line_length(self, read: int) -> int | None:
        """The length of the line whose first ``read`` bytes were read, None past ``limit``; not kept."""
        while read < self.limit:
            chunk = self.handle.read(MEASURE_READ)
            if not chunk:
                return read
            newline = chunk.find(b"\n")
            if newline >= 0:
                return read + newline + 1
            read += len(chunk)
        return None


def json_lines(handle: BinaryIO) -> Iterator[Any]:
    """Every value of a JSON Lines stream: a line at a time (``JsonLines``), then ``values`` for the rest
    from the first line that is not one bounded value (pretty-printed, too long, or invalid: its error)."""
    lines = JsonLines(handle)
    yield from lines
    if lines.rest is not None:
        yield from values(lines.rest)


# ----------------------------------------------------------------------------------------- typed batches
# An array of objects is cut into batches of whole items without parsing it, then each batch is
# decoded whole by msgspec into the caller's types (fields it does not declare are skipped in C).
# The cut: the bytes that close one item and open the next are learnt from the first block: in a
# pretty-printed array (Prowler's ``-M json-ocsf``: ``\n},{``; ``json.dumps(indent=2)``:
# ``\n  },\n  {``) the least indented such line, which is exact (a raw newline never occurs in a JSON
# string and a nested object closes on a more indented line); in a compact array ``},{``, which may
# also close a nested object or sit in a string. Either way a batch cut anywhere but between two items
# is unbalanced, so msgspec refuses it (it cannot decode as items): the cut moves back to the previous
# candidate, a few times, and after that, or for any other refusal (a value of an unexpected type,
# invalid JSON), everything from that batch on goes to ``array_items``, whose items and errors are the
# reference. Memory: one block and one decoded batch.
BATCH_BYTES = 4 << 20
CUT_ATTEMPTS = 4
OPEN, CLOSE = ord("["), ord("]")
_ITEM_BREAK = re.compile(rb"\n([ \t]*)\}[ \t]*,[ \t]*(?:\r?\n[ \t]*)?\{")
_COMPACT_BREAK = re.compile(rb"\}[ \t]*,[ \t]*\{")


def _item_break(data: bytes) -> bytes | None:
    """The bytes between two top-level items, learnt from the first block of the array."""
    lines = list(_ITEM_BREAK.finditer(data))
    if lines:
        return min(lines, key=lambda m: len(m.group(1))).group(0)
    compact = _COMPACT_BREAK.search(data)
    return compact.group(0) if compact else None


class _Refused(Exception):
    """The typed decoder refused the batch: the general path takes over from there."""


def _decode_head(data: bytearray, cut_at: bytes, decoder: msgspec.json.Decoder[list[Any]]) -> tuple[list[Any], int]:
    """The items before the last cut ``decoder`` accepts, and where the byte before the next item is
    (-1: no cut yet). ``data[0]`` is free for the opening bracket; the closing one is written over the
    byte after the cut's ``}`` for the decoding and put back: the batch is decoded in place, not copied."""
    end = len(data)
    close = cut_at.index(b"}") + 1
    data[0] = OPEN
    for _ in range(CUT_ATTEMPTS):
        cut = data.rfind(cut_at, 1, end)
        if cut < 0:
            return [], -1
        after = cut + close  # the comma, or a blank before it
        saved, data[after] = data[after], CLOSE
        try:
            items = decoder.decode(memoryview(data)[: after + 1])
        except msgspec.MsgspecError:
            end = cut
            continue
        finally:
            data[after] = saved
        return items, cut + len(cut_at) - 2
    raise _Refused


def array_batches(
    handle: BinaryIO, decoder: msgspec.json.Decoder[list[Any]], limit: int | None = None
) -> Iterator[tuple[bool, list[Any]]]:
    """The items of the JSON array at ``handle``'s position, in order, as ``(typed, items)`` batches.

    ``typed`` batches come from ``decoder`` (a msgspec decoder of a list of the caller's types); once
    it refuses a batch, every later item comes as ``(False, [item])`` from ``array_items``.
    """
    limit = DECODE_LIMIT if limit is None else limit
    head = handle.read(BATCH_BYTES).lstrip(WHITESPACE)
    if not head.startswith(b"["):
        yield from ((False, [item]) for item in array_items(cast(BinaryIO, _Rest(head, handle)), limit))
        return
    pending = bytearray(head)  # pending[0]: the byte before the next item, free for "["
    cut_at: bytes | None = None
    while True:
        more = handle.read(BATCH_BYTES)
        data = pending
        data += more
        if cut_at is None:
            cut_at = _item_break(bytes(data[: limit + BATCH_BYTES]))
        try:
            if not more:  # the last items and the closing bracket (or an error array_items will name)
                data[0] = OPEN
                try:
                    items = decoder.decode(data)
                except msgspec.MsgspecError:
                    raise _Refused from None
            else:
                items, start = _decode_head(data, cut_at, decoder) if cut_at is not None else ([], -1)
                if start < 0 and len(data) > limit:
                    raise _Refused
                # A copy either way: decoded values may still hold a view of ``data``, which then cannot grow.
                pending = data[start:] if start >= 0 else bytearray(data)
        except _Refused:
            rest = _Rest(b"[" + bytes(data[1:]), handle)
            yield from ((False, [item]) for item in array_items(cast(BinaryIO, rest), limit))
            return
        if items:
            yield True, items
        if not more:
            return
