"""Spreadsheet exports never carry a formula a spreadsheet would run (OWASP's CSV injection advice)."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook

from aisma.formats.tabular import csv_text, safe_cell, safe_text, xlsx_bytes

HOSTILE = ("=1+1", "+1", "-1+1", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("http://x.example")')


def test_every_formula_start_is_escaped_and_plain_text_is_not() -> None:
    for text in HOSTILE:
        assert safe_text(text) == "'" + text
    assert safe_text("plain") == "plain" and safe_text("a=b") == "a=b" and safe_text(None) == ""
    assert safe_cell(-1.5) == -1.5 and safe_cell(3) == 3 and safe_cell(True) == "true"  # numbers stay numbers


def test_csv_and_xlsx_cells_show_the_text_and_never_a_formula() -> None:
    rows = [[text, -2] for text in HOSTILE]
    parsed = list(csv.reader(io.StringIO(csv_text(("value", "n"), rows))))
    assert parsed[0] == ["value", "n"] and [r[0] for r in parsed[1:]] == ["'" + t for t in HOSTILE]
    book = load_workbook(io.BytesIO(xlsx_bytes("list", ("value", "n"), rows)))
    sheet = book["list"]
    cells = [row for row in sheet.iter_rows(min_row=2)]
    assert all(row[0].data_type == "s" and str(row[0].value).startswith("'") for row in cells)
    assert all(row[1].value == -2 for row in cells) and sheet.freeze_panes == "A2"
