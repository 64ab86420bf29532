"""Read a CSV export a row at a time, bounded: Prowler's semicolon-separated CSV, promptfoo's CSV export.

The csv module builds each row whole, and a row is as long as the input makes it, so the lines it is
fed are counted: a row past ``limits.ITEM_LIMIT`` bytes (over however many lines its quoted fields
span) is refused with one line, and so is a file that is not UTF-8 text. A row is a list of strings;
``header`` maps the first row's column names to their positions.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from aisma.errors import AismaError
from aisma.formats.limits import ITEM_LIMIT, MB, LimitExceeded


def _problem(path: Path, problem: str, expected: str) -> AismaError:
    return AismaError(f"{path}: {problem}; expected {expected}")


class _Lines:
    """The lines of a text file, counting the bytes of the row the csv module is building."""

    def __init__(self, handle: io.TextIOBase) -> None:
        self.handle = handle
        self.row_chars = 0

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.handle.readline(ITEM_LIMIT + 1)
        if not line:
            raise StopIteration
        self.row_chars += len(line)
        if self.row_chars > ITEM_LIMIT:
            raise LimitExceeded(f"a CSV row longer than {ITEM_LIMIT // MB} MB")
        return line


def rows(path: Path, expected: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every row, the header first; bad input is a one-line AismaError."""
    if csv.field_size_limit() < ITEM_LIMIT:
        csv.field_size_limit(ITEM_LIMIT)  # our own row bound holds; the default (128 KB) cuts long outputs
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise AismaError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        lines = _Lines(handle)
        reader = csv.reader(lines, delimiter=delimiter)
        try:
            for fields in reader:
                lines.row_chars = 0
                yield reader.line_num, fields
        except LimitExceeded as exc:
            raise _problem(path, f"refused: {exc.problem} (line {reader.line_num})", expected) from None
        except csv.Error as exc:
            raise _problem(path, f"line {reader.line_num}: {exc}", expected) from None
        except UnicodeDecodeError:
            raise _problem(path, "not UTF-8 text", expected) from None


def sniff_delimiter(path: Path, candidates: Sequence[str] = (";", ",")) -> str:
    """The candidate that splits the first line into the most columns (Prowler writes ';')."""
    try:
        with path.open("rb") as handle:
            first = handle.readline(64 << 10).decode("utf-8-sig", errors="replace")
    except OSError as exc:
        raise AismaError(f"{path}: cannot read ({exc.strerror or exc})") from None
    return max(candidates, key=first.count)


def header(fields: Sequence[str]) -> dict[str, int]:
    """Column name (stripped, upper case) -> position of its first occurrence."""
    out: dict[str, int] = {}
    for index, name in enumerate(fields):
        out.setdefault(name.strip().upper(), index)
    return out
