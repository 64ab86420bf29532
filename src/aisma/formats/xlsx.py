"""Open an untrusted XLSX workbook safely, or refuse it with one clear line.

A workbook is a zip of XML files, so it can be a zip bomb (tiny file, gigabytes inflated) or carry
XML entity tricks (billion laughs, external entities). Before openpyxl sees it, the zip directory is
checked against size, entry-count and compression-ratio limits; openpyxl then parses through
defusedxml (which refuses entity declarations), in read-only mode so memory stays bounded.
Formulas are never evaluated: a cell holding ``=SUM(...)`` is read as that text.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from aisma.errors import AismaError

MIB = 1 << 20


@dataclass(frozen=True)
class XlsxLimits:
    max_file_bytes: int = 25 * MIB
    max_inflated_bytes: int = 250 * MIB
    max_entries: int = 2_000
    max_ratio: int = 200  # inflated / compressed size of one entry; real sheets stay far below
    max_rows: int = 100_000
    max_columns: int = 500


def check_container(path: Path, limits: XlsxLimits | None = None) -> None:
    """Refuse what is not a plausible, bounded XLSX zip, before any XML is parsed."""
    limits = limits or XlsxLimits()
    if not path.is_file():
        raise AismaError(f"{path}: no such file")
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        raise AismaError(f"{path}: {size // MIB} MiB is larger than the {limits.max_file_bytes // MIB} MiB limit")
    if not zipfile.is_zipfile(path):
        raise AismaError(f"{path}: not an XLSX workbook (not a zip file)")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise AismaError(f"{path}: malformed XLSX workbook ({exc})") from None
    if len(infos) > limits.max_entries:
        raise AismaError(f"{path}: {len(infos)} zip entries, more than the {limits.max_entries} a workbook needs")
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        raise AismaError(f"{path}: not an XLSX workbook (no xl/workbook.xml)")
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MIB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise AismaError(
                f"{path}: entry {info.filename} inflates {info.file_size // max(info.compress_size, 1)}x; "
                "refused as a possible zip bomb"
            )
    if total > limits.max_inflated_bytes:
        raise AismaError(
            f"{path}: inflates to {total // MIB} MiB, more than the {limits.max_inflated_bytes // MIB} MiB limit; "
            "refused as a possible zip bomb"
        )


@contextmanager
def open_workbook(path: str | Path, limits: XlsxLimits | None = None) -> Iterator[Any]:
    """A read-only openpyxl workbook; parse problems inside the block become one-line errors."""
    import openpyxl
    from defusedxml import DefusedXmlException
    from openpyxl.utils.exceptions import InvalidFileException

    source = Path(path)
    check_container(source, limits)
    if not openpyxl.DEFUSEDXML:
        raise AismaError("reading workbooks needs defusedxml active in openpyxl (unset OPENPYXL_DEFUSEDXML)")
    workbook = None
    try:
        workbook = openpyxl.load_workbook(source, read_only=True, data_only=False, keep_links=False)
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
            raise AismaError(
                f"{source}: refused, its XML declares entities or a DTD (a workbook needs neither)"
            ) from None
        first_line = (str(exc).splitlines() or [""])[0]
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
