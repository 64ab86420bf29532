"""Property: whatever a system owner types in the answer cells comes back into answers.yaml as typed.

Formulas, quotes, YAML-looking words and any printable text are data, never evaluated or reinterpreted;
importing the same workbook twice changes nothing the second time.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from aisma.cli.assess_cmd import parse_at
from aisma.reports.registry import ReportContext, render
from aisma.workbook.merge import import_workbook
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_opened

pytestmark = pytest.mark.slow  # each example exports, edits and imports a real workbook

DATA = Path(__file__).parent / "data" / "mini"
OBJECTIVES = ("DAT-1.1", "DAT-2.1", "DAT-3.1", "APP-1.1", "APP-2.1", "APP-3.1", "AGT-1.1")
TODAY = date(2026, 11, 20)

text = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc", "Cn", "Co", "Cf", "Zl", "Zp")),
        st.sampled_from(list("=+-@\"'#:{}[]&|>*!%")),
    ),
    max_size=30,
).map(str.strip)
formula_like = st.sampled_from(
    [
        '=HYPERLINK("http://evil.example","x")',
        "=1+1",
        "+1",
        "-2",
        "@SUM(A1)",
        "null",
        "yes",
        "~",
        "0x1F",
        "line one\nline two",
    ]
)
word = st.sampled_from(("fully", "largely", "partially", "not", "na", "unknown"))
answer = st.fixed_dictionaries(
    {
        "answer": word,
        "note": st.one_of(text, formula_like),
        "justification": st.one_of(text, formula_like).filter(bool),
        "evidence": st.lists(
            st.one_of(st.from_regex(r"[a-z0-9_./-]{1,12}", fullmatch=True), st.just("yes")), max_size=3
        ),
        "by": st.one_of(st.just(""), st.emails()),
    }
)


def _export(ws_dir: Path, out: Path) -> None:
    ws = open_workspace(ws_dir)
    result = assess_opened(ws, parse_at("2026-11-16"))
    data = render(result, "xlsx", ReportContext(model=ws.model, inventory=ws.inventory, answers=ws.answers))
    assert isinstance(data, bytes)
    out.write_bytes(data)


# Each example exports, edits and imports a real workbook (about a second), so no shrinking phase:
# a failure is reported as generated.
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.dictionaries(st.sampled_from(OBJECTIVES), answer, min_size=1, max_size=4))
def test_typed_answers_come_back_as_typed(tmp_path: Path, typed: dict[str, dict[str, object]]) -> None:
    root = tmp_path / "case"
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(DATA, root)
    ws_dir = root / "ws"
    book = root / "answers.xlsx"
    _export(ws_dir, book)
    wb = openpyxl.load_workbook(book)
    sheet = wb["objectives"]
    headers = {c.value: c.column for c in sheet[1]}
    rows = {c.value: c.row for c in sheet["A"]}
    for objective_id, fields in typed.items():
        row = rows[objective_id]
        justification = fields["justification"] if fields["answer"] == "na" else ""
        values = {
            "Answer": fields["answer"],
            "Note": fields["note"] or None,
            "N/A justification": justification or None,
            "Evidence (one per line)": "\n".join(fields["evidence"]) or None,  # type: ignore[arg-type]
            "Answered by": fields["by"] or None,
        }
        for header, value in values.items():
            sheet.cell(row=row, column=headers[header]).value = value
    wb.save(book)

    import_workbook(book, ws_dir, TODAY)
    answers = {a.objective_id: a for a in open_workspace(ws_dir).answers}
    for objective_id, fields in typed.items():
        got = answers[objective_id]
        assert got.answer == fields["answer"]
        assert got.note == fields["note"]
        assert got.justification == (fields["justification"] if fields["answer"] == "na" else "")
        assert [e.ref for e in got.evidence] == fields["evidence"]
        assert got.by == fields["by"]
    assert import_workbook(book, ws_dir, TODAY) == []
    # and an export of the new answers imports as no change: the round trip is closed
    _export(ws_dir, root / "again.xlsx")
    assert import_workbook(root / "again.xlsx", ws_dir, TODAY) == []
