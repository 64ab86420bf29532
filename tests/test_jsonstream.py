"""The fast bounded JSON decoding must give exactly what ijson gives, including after falling back.

The readers decode one bounded value at a time with the standard json module and hand the rest of the
stream to ijson when a value is too large (``limit``); these properties check that every path agrees.
"""

from __future__ import annotations

import io
import json
from typing import Any

import ijson  # type: ignore[import-untyped]
from hypothesis import given, settings
from hypothesis import strategies as st

from aisma.formats.jsonstream import JsonLines, array_items, values

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
