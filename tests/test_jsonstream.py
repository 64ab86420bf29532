"""The fast bounded JSON decoding must give exactly what ijson gives, including after falling back.

The readers decode one bounded value at a time with the standard json module and hand the rest of the
stream to ijson when a value is too large (``limit``); these properties check that every path agrees.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import ijson  # type: ignore[import-untyped]
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisma.errors import AismaError
from aisma.formats.jsonstream import JsonLines, array_items, open_json, parse, values
from aisma.formats.limits import JsonGuard, LimitExceeded

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**53), 2**53),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.text(max_size=20),
)
documents = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)),
    max_leaves=15,
)


def _ijson_items(data: bytes, prefix: str, **kwargs: Any) -> list[Any]:
    return list(ijson.items(io.BytesIO(data), prefix, use_float=True, **kwargs))


@settings(max_examples=150, deadline=None)
@given(st.lists(documents, max_size=12), st.sampled_from([1, 16, 64, None]), st.booleans())
def test_array_items_agree_with_ijson(items: list[Any], limit: int | None, pretty: bool) -> None:
    data = json.dumps(items, indent=2 if pretty else None).encode()
    expected = _ijson_items(data, "item")
    assert list(array_items(io.BytesIO(data), limit)) == expected == items


@settings(max_examples=150, deadline=None)
@given(st.lists(documents, min_size=1, max_size=12), st.sampled_from([1, 16, 64, None]))
def test_values_and_json_lines_agree_with_ijson(items: list[Any], limit: int | None) -> None:
    data = "\n".join(json.dumps(item) for item in items).encode() + b"\n"
    expected = _ijson_items(data, "", multiple_values=True)
    assert list(values(io.BytesIO(data), limit)) == expected == items
    lines = JsonLines(io.BytesIO(data), limit)
    head = list(lines)
    tail = _ijson_items(lines.rest.read(), "", multiple_values=True) if lines.rest is not None else []
    assert head + tail == items


# ----------------------------------------------------------------------------------------- the guard
strings_with_brackets = st.text(alphabet='[]{}"\\ ab\n', max_size=12)
tricky = st.recursive(
    st.one_of(scalars, strings_with_brackets),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(strings_with_brackets, inner, max_size=4)),
    max_leaves=25,
)


def _depth(value: Any) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(v) for v in value.values()), default=0)
    return 0


def _fed(guard: JsonGuard, data: bytes, cuts: list[int]) -> None:
    start = 0
    for cut in [*sorted(cuts), len(data)]:
        if cut > start:
            guard.check(data[start:cut])
            start = cut


@settings(max_examples=200, deadline=None)
@given(tricky, st.lists(st.integers(0, 400), max_size=8), st.integers(0, 3))
def test_the_guard_tracks_depth_through_strings_escapes_and_block_cuts(value: Any, cuts: list[int], wrap: int) -> None:
    """Brackets, quotes and backslashes inside strings, cut anywhere between blocks, never count."""
    data = json.dumps(value).encode()
    depth = _depth(value)
    guard = JsonGuard(io.BytesIO(), max_depth=depth + wrap)
    _fed(guard, data, [c for c in cuts if c < len(data)])
    assert guard.depth == 0 and not guard.in_string
    if depth:
        tight = JsonGuard(io.BytesIO(), max_depth=depth - 1)
        with pytest.raises(LimitExceeded, match="nested deeper than"):
            _fed(tight, data, [c for c in cuts if c < len(data)])


def test_the_guard_bounds_strings_numbers_and_built_values() -> None:
    with pytest.raises(LimitExceeded, match="a string longer than 16 MB"):
        JsonGuard(io.BytesIO()).check(b'["' + b"x" * (17 << 20))
    with pytest.raises(LimitExceeded, match="a number longer than 1024 characters"):
        guard = JsonGuard(io.BytesIO())
        for _ in range(3):
            guard.check(b"9" * 500)
    guard = JsonGuard(io.BytesIO(), item_depth=2, item_limit=5000)
    for _ in range(10):
        guard.check(b'{"a": 1},' * 200)  # many small items, block after block: each well under the limit
    guard.check(b'{"b": [')
    with pytest.raises(LimitExceeded, match="a value larger than 5000 bytes"):
        for _ in range(10):
            guard.check(b"1," * 600)  # one item growing over blocks


def test_ijson_streams_through_the_guard_fail_in_one_line(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_bytes(b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    with (
        pytest.raises(AismaError, match=r"deep.json: refused: nested deeper than 512 levels; expected x$"),
        open_json(deep, "x") as (handle, _first),
    ):
        list(parse(handle))
    number = tmp_path / "inf.json"
    number.write_bytes(b"[1e400]")
    # out of range: refused by both parsers, never read as infinity
    with pytest.raises(AismaError, match=r"floating point\) overflow"), open_json(number, "x") as (handle, _first):
        list(array_items(handle))
