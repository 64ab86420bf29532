"""Checks on an uploaded or mailed-back workbook before any XML parser sees it.

An XLSX file is a zip of XML documents, so a hostile one can be a zip bomb (tiny file, huge
declared content), a malformed archive, or XML with a DTD declaring external or recursive
entities. The checks here are cheap and come first: the file size, the archive's directory
(number of entries, declared uncompressed sizes and compression ratios), the parts an XLSX must
have, and no DTD in any XML part. openpyxl then parses with defusedxml (``require_defusedxml``
asserts it), which refuses entities on its own; Python's zip reader never returns more bytes than
an entry declares, so the declared sizes checked here bound what is decompressed.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import IO

from aisma.errors import AismaError

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ENTRIES = 1000
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ENTRY_RATIO = 200  # spreadsheet XML compresses well, but not 200 to 1 in a real workbook
REQUIRED_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")
ROOT_START = re.compile(rb"<[A-Za-z_]")  # a DTD can only come before the root element
CHUNK = 65536


def require_defusedxml() -> None:
    """openpyxl parses with defusedxml only when it is installed and not disabled by its env switch."""
    from openpyxl import xml

    if not xml.DEFUSEDXML:
        raise AismaError(
            "refusing to read workbooks: openpyxl is not using defusedxml "
            "(install defusedxml and leave OPENPYXL_DEFUSEDXML unset)"
        )


def checked_workbook_bytes(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, after every check; raises AismaError naming the file and the problem."""
    data = read_limited(path, max_bytes)
    check_archive(data, str(path))
    return data


def read_limited(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The file's bytes, refusing a file over ``max_bytes`` before reading it."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise AismaError(f"{path}: cannot read ({exc.strerror})") from None
    if size > max_bytes:
        raise AismaError(f"{path}: {size} bytes is over the {max_bytes} byte limit for a workbook")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AismaError(f"{path}: cannot read ({exc.strerror})") from None


def check_archive(data: bytes, name: str) -> None:
    """Refuse what is not a plausible XLSX zip, before it is decompressed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError):
        raise AismaError(f"{name}: not an XLSX workbook (the file is not a valid zip archive)") from None
    with archive:
        entries = archive.infolist()
        if len(entries) > MAX_ENTRIES:
            raise AismaError(f"{name}: {len(entries)} parts in the archive; a workbook has at most {MAX_ENTRIES}")
        total = 0
        for entry in entries:
            total += entry.file_size
            ratio = entry.file_size / max(entry.compress_size, 1)
            if ratio > MAX_ENTRY_RATIO:
                raise AismaError(
                    f"{name}: part {entry.filename} expands {ratio:.0f} times "
                    f"(more than {MAX_ENTRY_RATIO}); refusing a possible zip bomb"
                )
            if entry.flag_bits & 0x1:
                raise AismaError(f"{name}: part {entry.filename} is encrypted; save the workbook without a password")
        if total > MAX_UNCOMPRESSED_BYTES:
            raise AismaError(
                f"{name}: {total} bytes uncompressed is over the {MAX_UNCOMPRESSED_BYTES} byte limit; "
                "refusing a possible zip bomb"
            )
        names = {e.filename for e in entries}
        missing = [p for p in REQUIRED_PARTS if p not in names]
        if missing:
            raise AismaError(f"{name}: not an XLSX workbook (no {missing[0]} in the archive)")
        for entry in entries:
            if not entry.filename.endswith((".xml", ".rels", ".vml")):
                continue
            try:
                with archive.open(entry) as handle:
                    dtd = _prolog_has_dtd(handle)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError, zlib.error):
                raise AismaError(f"{name}: part {entry.filename} cannot be read (damaged archive)") from None
            if dtd:
                raise AismaError(
                    f"{name}: part {entry.filename} declares a DTD; refusing XML entities (a workbook never needs them)"
                )


def _prolog_has_dtd(handle: IO[bytes]) -> bool:
    """Whether the part declares a DTD before its root element (streamed; only the prolog is kept)."""
    carry = b""
    while chunk := handle.read(CHUNK):
        buffer = carry + chunk
        root = ROOT_START.search(buffer)
        prolog = buffer if root is None else buffer[: root.start()]
        if any(marker in prolog for marker in DTD_MARKERS):
            return True
        if root is not None:
            return False
        carry = buffer[-16:]
    return False
