"""Open an untrusted XLSX workbook to read rows from it, or refuse it with one clear line.

The checks on the file itself (size, zip directory, zip bombs, encrypted parts, DTDs) are the
workbook import's, in ``aisma.formats.xlsx_safety``, so every workbook aisma reads passes the same gate.
openpyxl then parses through defusedxml, in read-only mode so memory stays bounded by a sheet's
rows as they stream. Formulas are never evaluated: a cell holding ``=SUM(...)`` is read as that text.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from aisma.errors import AismaError
from aisma.formats.xlsx_safety import MAX_FILE_BYTES, checked_workbook_bytes, require_defusedxml


@dataclass(frozen=True)
class XlsxLimits:
    max_file_bytes: int = MAX_FILE_BYTES
    max_rows: int = 100_000
    max_columns: int = 500


@contextmanager
def open_workbook(path: str | Path, limits: XlsxLimits | None = None) -> Iterator[Any]:
    """A read-only openpyxl workbook; parse problems inside the block become one-line errors."""
    from defusedxml import DefusedXmlException
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    limits = limits or XlsxLimits()
    source = Path(path)
    if not source.is_file():
        raise AismaError(f"{source}: no such file")
    data = checked_workbook_bytes(source, limits.max_file_bytes)
    require_defusedxml()
    workbook = None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
        yield workbook
    except (
        DefusedXmlException,
        InvalidFileException,
        zipfile.BadZipFile,
        ParseError,
        KeyError,
        ValueError,
        TypeError,
        EOFError,
    ) as exc:
        if _caused_by(exc, DefusedXmlException):  # openpyxl wraps it in a ValueError
            raise AismaError(f"{source}: refused, its XML declares entities (a workbook needs none)") from None
        first_line = (str(exc).splitlines() or [""])[0][:200]
        raise AismaError(f"{source}: malformed XLSX workbook ({type(exc).__name__}: {first_line})") from None
    finally:
        if workbook is not None:
            workbook.close()


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def cell_text(value: object) -> str:
    """A cell as one line of text: spaces collapsed, lines joined with "; ", 1.0 read as 1.

    Formulas stay the text they are (``=SUM(A1:A3)``); nothing is evaluated.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    lines = (" ".join(line.split()) for line in str(value).splitlines())
    return "; ".join(line for line in lines if line)
