"""Tables written for people to open in a spreadsheet, as CSV or XLSX, with formula injection guarded.

Notes, titles, file names and e-mail addresses in these tables come from users. A spreadsheet runs a
cell that starts with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return, which some trim
first) as a formula, so every such text cell is written with a leading apostrophe, as OWASP advises
for CSV injection; it then shows as the text it was. Numbers stay numbers (a number is never a
formula). The XLSX is written by openpyxl (the library the workbook export uses) in write-only mode,
so memory stays flat however long the list.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date, datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
Cell = str | int | float | None


def safe_text(value: object) -> str:
    """Any value as text that a spreadsheet shows and never runs."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_cell(value: object) -> Cell:
    """A number as it is; anything else as :func:`safe_text` (dates as ISO text, UTC as given)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    return None if value is None else safe_text(value)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header row and CRLF line ends (RFC 4180), every text cell guarded."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([safe_text(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else v for v in (safe_cell(c) for c in row)])
    return buffer.getvalue()


def xlsx_bytes(sheet: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """One sheet named ``sheet`` with a bold, frozen header row; every text cell guarded as in CSV."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    worksheet = book.create_sheet(title=sheet[:31] or "list")
    worksheet.freeze_panes = "A2"
    bold = Font(bold=True)
    head = []
    for name in header:
        cell = WriteOnlyCell(worksheet, value=safe_text(name))
        cell.font = bold
        head.append(cell)
    worksheet.append(head)
    for row in rows:
        worksheet.append([safe_cell(c) for c in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
