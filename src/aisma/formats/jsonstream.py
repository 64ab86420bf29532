"""What every streaming reader needs before and around ijson: open, sniff, turn parse errors into one line.

ijson reports an empty file and a truncated one alike ("premature EOF") and its messages span
several lines, so the readers look at the first byte themselves and keep only the first line of a
parse error; the user gets ``file: problem; expected ...`` and never a traceback.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import ijson  # type: ignore[import-untyped]

from aisma.errors import AismaError

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
        except ijson.JSONError as exc:
            detail = str(exc).strip().splitlines()[0] if str(exc).strip() else "parse error"
            detail = detail.removeprefix("parse error: ").removeprefix("lexical error: ").rstrip(".")
            raise shape_error(path, f"truncated or invalid JSON ({detail})", expected) from None
        except UnicodeDecodeError:
            raise shape_error(path, "not UTF-8 text", expected) from None
