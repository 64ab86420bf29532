"""No lost edits through a workbook: a stale cell never overwrites a newer answer, an edit of one is a conflict.

A system owner edits the workbook offline for days while the assessor keeps editing answers.yaml.
These tests play both sides on a copy of the demo workspace and check the CLI (library and
``aisma workbook import``), including a workbook that went through LibreOffice.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports.registry import ReportContext, render
from aisma.workbook.changes import WorkbookConflicts
from aisma.workbook.merge import import_workbook
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_opened
from test_workbook import resave_with_libreoffice

TODAY = date(2026, 11, 20)
ANSWER, NOTE = 6, 7  # columns F and G of the objectives sheet


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("wbc") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


@pytest.fixture
def ws(demo_dir: Path, tmp_path: Path) -> Path:
    target = tmp_path / "ws"
    shutil.copytree(demo_dir, target)
    return target


def export(directory: Path, out: Path) -> Path:
    workspace = open_workspace(directory)
    result = assess_opened(workspace, parse_at(DEMO_ASSESSED_AT))
    context = ReportContext(model=workspace.model, inventory=workspace.inventory, answers=workspace.answers)
    data = render(result, "xlsx", context)
    assert isinstance(data, bytes)
    out.write_bytes(data)
    return out


def row_of(book: Path, objective_id: str) -> int:
    sheet = openpyxl.load_workbook(book)["objectives"]
    return next(int(c.row) for c in sheet["A"] if c.value == objective_id)


def edit_cells(book: Path, edits: dict[tuple[str, int], object]) -> Path:
    """The system owner's side: set cells of the objectives sheet, by (objective id, column)."""
    wb = openpyxl.load_workbook(book)
    sheet = wb["objectives"]
    rows = {c.value: c.row for c in sheet["A"]}
    for (objective_id, column), value in edits.items():
        sheet.cell(row=rows[objective_id], column=column).value = value
    wb.save(book)
    return book


def first_unanswered(directory: Path) -> str:
    workspace = open_workspace(directory)
    answered = {a.objective_id for a in workspace.answers}
    return next(o.id for o in workspace.model.objectives() if o.id not in answered)


def edit_yaml(directory: Path, old: str, new: str) -> None:
    """The assessor's side: edit answers.yaml after the workbook went out."""
    path = directory / "answers.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


GOV11_NOTE = (
    "    note: POL-SEC-014 v2.1 and STD-AI-001 v1.4 approved by the Executive Committee and the CISO in March 2026.\n"
)
GOV11_NEW_NOTE = "    note: Re-approved in November 2026 after the annual review.\n"


def test_a_stale_cell_never_overwrites_a_newer_answer(ws: Path, tmp_path: Path) -> None:
    book = export(ws, tmp_path / "out.xlsx")
    edit_yaml(ws, "  GOV-1.1:\n    answer: fully\n", "  GOV-1.1:\n    answer: largely\n")
    edit_yaml(ws, GOV11_NOTE, GOV11_NEW_NOTE)
    edit_cells(book, {("GOV-1.2", ANSWER): "partially"})  # the owner edits another answer only
    before = (ws / "answers.yaml").read_text()
    changes = import_workbook(book, ws, TODAY)
    assert [c.describe() for c in changes] == ["GOV-1.2 (row 3): answer fully -> partially"]
    text = (ws / "answers.yaml").read_text()
    assert "  GOV-1.1:\n    answer: largely\n" + GOV11_NEW_NOTE in text  # the newer edit survives
    assert text != before


def test_an_edit_of_a_changed_answer_is_a_conflict_and_nothing_is_written(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(ws, tmp_path / "out.xlsx")
    edit_yaml(ws, GOV11_NOTE, GOV11_NEW_NOTE)
    edit_cells(book, {("GOV-1.1", ANSWER): "partially", ("GOV-1.2", ANSWER): "largely"})
    before = (ws / "answers.yaml").read_bytes()
    for dry_run in (True, False):
        with pytest.raises(WorkbookConflicts) as info:
            import_workbook(book, ws, TODAY, dry_run=dry_run)
        assert [c.objective_id for c in info.value.conflicts] == ["GOV-1.1"]
        conflict = info.value.conflicts[0]
        assert conflict.cells == ("F2",) and conflict.base_version != conflict.current_version
        assert conflict.base_version.startswith("sha256:") and conflict.current_version.startswith("sha256:")
        assert (ws / "answers.yaml").read_bytes() == before  # not even the clean GOV-1.2 edit
    message = str(info.value)
    assert message.startswith(
        f"{book}: 1 answer edited in the workbook changed after it was exported; nothing was written: "
        "sheet objectives, cell F2: GOV-1.1 edited, but the answer changed after the workbook was exported (version sha256:"
    )
    assert message.endswith("or force the import to let the workbook's edited cells win")
    capsys.readouterr()
    assert run(["workbook", "import", str(book), str(ws)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "sheet objectives, cell F2: GOV-1.1 edited" in err
    assert (ws / "answers.yaml").read_bytes() == before


def test_force_lets_the_edited_cells_win_and_keeps_the_other_fields(
    ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    book = export(ws, tmp_path / "out.xlsx")
    edit_yaml(ws, GOV11_NOTE, GOV11_NEW_NOTE)
    edit_cells(book, {("GOV-1.1", ANSWER): "partially"})
    capsys.readouterr()
    assert run(["workbook", "import", str(book), str(ws), "--force"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == "GOV-1.1 (row 2): answer fully -> partially [forced over a newer answer]"
    text = (ws / "answers.yaml").read_text()
    # the owner's edited cell won; the note the owner never touched keeps the newer text
    assert "  GOV-1.1:\n    answer: partially\n" + GOV11_NEW_NOTE in text
    assert import_workbook(book, ws, TODAY) == []  # and importing it again changes nothing


def test_same_edit_on_both_sides_is_no_conflict(ws: Path, tmp_path: Path) -> None:
    book = export(ws, tmp_path / "out.xlsx")
    edit_yaml(ws, "  GOV-1.1:\n    answer: fully\n", "  GOV-1.1:\n    answer: partially\n")
    edit_cells(book, {("GOV-1.1", ANSWER): "partially"})
    assert import_workbook(book, ws, TODAY) == []


def test_answered_or_deleted_meanwhile_are_conflicts(ws: Path, tmp_path: Path) -> None:
    book = export(ws, tmp_path / "out.xlsx")
    unanswered = first_unanswered(ws)
    # the assessor answers an objective that was empty, and deletes GOV-1.2's answer
    edit_yaml(ws, "answers:\n", f"answers:\n  {unanswered}: not\n")
    text = (ws / "answers.yaml").read_text()
    start = text.index("  GOV-1.2:\n")
    end = text.index("  GOV-1.3:\n")
    (ws / "answers.yaml").write_text(text[:start] + text[end:])
    edit_cells(book, {(unanswered, ANSWER): "fully", ("GOV-1.2", NOTE): "Confirmed again"})
    with pytest.raises(WorkbookConflicts) as info:
        import_workbook(book, ws, TODAY)
    described = {c.objective_id: c.describe() for c in info.value.conflicts}
    assert set(described) == {"GOV-1.2", unanswered}
    assert described["GOV-1.2"].endswith("then, no answer now)")
    assert "(no answer then, version sha256:" in described[unanswered]
    assert "cell G3: GOV-1.2 edited" in described["GOV-1.2"]


def test_a_new_answer_to_an_objective_still_unanswered_is_applied(ws: Path, tmp_path: Path) -> None:
    book = export(ws, tmp_path / "out.xlsx")
    edit_yaml(ws, GOV11_NOTE, GOV11_NEW_NOTE)
    unanswered = first_unanswered(ws)
    edit_cells(book, {(unanswered, ANSWER): "partially"})
    changes = import_workbook(book, ws, TODAY)
    assert [c.objective_id for c in changes] == [unanswered] and changes[0].forced is None


def test_a_workbook_without_versions_needs_force_to_change_an_existing_answer(ws: Path, tmp_path: Path) -> None:
    book = edit_cells(export(ws, tmp_path / "out.xlsx"), {("GOV-1.1", ANSWER): "partially"})
    legacy = tmp_path / "legacy.xlsx"
    wb = openpyxl.load_workbook(book)
    del wb["versions"]
    wb.save(legacy)
    with pytest.raises(WorkbookConflicts, match="records no answer version"):
        import_workbook(legacy, ws, TODAY)
    changes = import_workbook(legacy, ws, TODAY, force=True)
    assert [c.objective_id for c in changes] == ["GOV-1.1"] and changes[0].forced is not None


@pytest.mark.slow
def test_the_versions_sheet_survives_libreoffice(ws: Path, tmp_path: Path) -> None:
    book = edit_cells(export(ws, tmp_path / "out.xlsx"), {("GOV-1.1", ANSWER): "partially"})
    saved = resave_with_libreoffice(book, tmp_path)
    # LibreOffice has no "very hidden": the sheet comes back hidden, still protected, with every version
    versions = openpyxl.load_workbook(saved)["versions"]
    assert versions.sheet_state in ("hidden", "veryHidden") and versions.protection.sheet
    assert versions.max_row == openpyxl.load_workbook(book)["versions"].max_row
    edit_yaml(ws, GOV11_NOTE, GOV11_NEW_NOTE)
    with pytest.raises(WorkbookConflicts, match=r"cell F2: GOV-1\.1 edited"):
        import_workbook(saved, ws, TODAY)
    edit_yaml(ws, GOV11_NEW_NOTE, GOV11_NOTE)  # back as exported: the edit applies
    assert [c.describe() for c in import_workbook(saved, ws, TODAY)] == ["GOV-1.1 (row 2): answer fully -> partially"]
