"""Bring your own model: import real maturity workbooks (OWASP AIMA, OWASP SAMM) with a column mapping,
then answer and score them; refuse hostile and malformed workbooks with one clear line."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
import yaml

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.errors import AismaError, InputError
from aisma.formats.xlsx import XlsxLimits
from aisma.maturity.importer import import_xlsx, load_mapping, model_yaml, packaged_mappings
from aisma.maturity.importer.mapping import Mapping
from aisma.maturity.loader import load_model_file
from aisma.maturity.schema import OBJECTIVE_ID
from aisma.workspace.run import assess_workspace

DATA = Path(__file__).parent / "data"
AIMA = DATA / "aima" / "OWASP-AIMA-Toolkit_V1.0.1.xlsx"
SAMM = DATA / "samm" / "SAMM_spreadsheet.xlsx"
AT = parse_at("2026-11-16T09:00:00Z")


def _import_to(tmp_path: Path, workbook: Path, mapping: str) -> Path:
    out = tmp_path / f"{mapping}.yaml"
    assert run(["model", "import-xlsx", str(workbook), "--map", mapping, "--out", str(out)]) == 0
    return out


def _workspace(tmp_path: Path, model_file: Path, answers: dict[str, str]) -> Path:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "aisma.yaml").write_text(f"organization: Test Org\nmodel: {model_file}\ntargets: {{default: 2}}\n")
    (ws / "answers.yaml").write_text(yaml.safe_dump({"answers": answers}))
    return ws


def test_aima_workbook_imports_as_a_valid_model(tmp_path: Path) -> None:
    out = _import_to(tmp_path, AIMA, "owasp-aima")
    assert run(["model", "validate", str(out)]) == 0
    model = load_model_file(out)
    assert (len(model.domains), len(model.categories()), len(model.objectives())) == (8, 24, 144)
    assert [d.title for d in model.domains][:2] == ["Responsible AI Principles", "Governance"]
    fairness = next(c for c in model.categories() if c.title == "Fairness & Bias")
    assert [o.level for o in fairness.objectives] == [1, 1, 2, 2, 3, 3]
    assert fairness.objectives[0].statement.startswith("Is there initial awareness and informal identification")
    for objective in model.objectives():
        assert OBJECTIVE_ID.match(objective.id) and len(objective.title.split()) <= 8
        assert "Source: OWASP-AIMA-Toolkit_V1.0.1.xlsx, sheet Assessment Questions, row" in objective.scope_notes
    assert "CC BY-SA 4.0" in model.license
    ids = {c.title: c.id for c in model.categories()} | {d.title: d.id for d in model.domains}
    assert (ids["Data Management"], ids["Defect Management"]) == ("DM", "DM2")  # initials, clash numbered


def test_samm_workbook_imports_with_ids_and_criteria(tmp_path: Path) -> None:
    model = load_model_file(_import_to(tmp_path, SAMM, "owasp-samm"))
    assert (len(model.domains), len(model.categories()), len(model.objectives())) == (5, 15, 90)
    assert {c.id for c in model.categories()} >= {"SA", "SR", "TA", "SM", "PC", "EG", "IM", "ST"}
    first = model.category("SA").objectives[0]  # type: ignore[union-attr]
    assert first.id == "SA-1.1" and first.statement == "Do teams use security principles during design?"
    assert "id D-SA-A-1-1" in first.scope_notes and first.scope_notes.startswith("Criteria: You have an agreed")
    for category in model.categories():
        assert sorted(o.level for o in category.objectives) == [1, 1, 2, 2, 3, 3]


def test_imported_aima_model_is_answered_and_scored(tmp_path: Path) -> None:
    model_file = _import_to(tmp_path, AIMA, "owasp-aima")
    model = load_model_file(model_file)
    answers = {o.id: ("fully" if o.level <= 2 else "not") for o in model.objectives()}
    weak = model.categories()[0]  # Ethical & Societal Impact: level 1 only partly in place
    answers[weak.objectives[1].id] = "partially"
    result = assess_workspace(_workspace(tmp_path, model_file, answers), AT)
    levels = {c.id: c.level for c in result.categories}
    assert levels[weak.id] == 0
    assert all(level == 2 for cid, level in levels.items() if cid != weak.id)
    assert result.overall.weakest_category == weak.id
    assert result.overall.level == 1  # the mean of 23 categories at 2.0 and one at 0.x is below 2
    assert result.overall.score is not None and 1.9 < result.overall.score < 2.0


def test_imported_samm_model_is_answered_and_scored(tmp_path: Path) -> None:
    model_file = _import_to(tmp_path, SAMM, "owasp-samm")
    model = load_model_file(model_file)
    answers = {o.id: "largely" for o in model.objectives() if o.level == 1}
    answers.update({o.id: "partially" for o in model.objectives() if o.level == 2})
    result = assess_workspace(_workspace(tmp_path, model_file, answers), AT)
    assert {c.level for c in result.categories} == {1}
    # level 1 met, level 2 a quarter of the way: 1.25 everywhere
    assert [c.score for c in result.categories] == [pytest.approx(1.25)] * 15
    assert result.overall.level == 1 and result.overall.score == pytest.approx(1.25)


def test_mapping_shorthand_letters_and_errors(tmp_path: Path) -> None:
    base = yaml.safe_load(packaged_mappings()["owasp-samm"].read_text())
    by_letter = dict(base, columns=dict(base["columns"], statement="F", level="E"))
    data, model = import_xlsx(SAMM, Mapping.model_validate(by_letter))
    assert len(model.objectives()) == 90 and data["id"] == "owasp-samm"

    with pytest.raises(AismaError, match=r"columns.statement: no column 'Questions' in header row 1 \(headers: 'ID'"):
        import_xlsx(SAMM, Mapping.model_validate(dict(base, columns=dict(base["columns"], statement="Questions"))))
    with pytest.raises(AismaError, match=r"no sheet 'Nope' \(sheets: .*imp-questions"):
        import_xlsx(SAMM, Mapping.model_validate(dict(base, sheet="Nope")))
    strict = dict(base["columns"], category_id={"column": "ID", "pattern": "^X-([A-Z]+)-"})
    with pytest.raises(AismaError, match=r"row 2: category_id 'D-SA-A-1-1' does not match the pattern"):
        import_xlsx(SAMM, Mapping.model_validate(dict(base, columns=strict)))

    bad = tmp_path / "bad.yaml"
    bad.write_text(packaged_mappings()["owasp-samm"].read_text().replace("header_row: 1", "header_row: 1\ncolour: red"))
    with pytest.raises(InputError, match=r"bad.yaml:\d+: colour is not a known field"):
        load_mapping(bad)


def _tiny_workbook(path: Path, statement: str) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Controls"
    sheet.append(["Domain", "Control area", "Level", "Requirement", "Refs"])
    sheet.append(["Govern", "AI policy", 1, statement, "GOVERN 1.1; GOVERN 1.2"])
    sheet.append([None, "AI policy", "Level 2", "The policy is reviewed yearly.", ""])
    book.save(path)
    return path


TINY = {
    "model": {"id": "tiny", "version": 1, "title": "Tiny controls matrix"},
    "sheet": "Controls",
    "columns": {
        "domain": {"column": "Domain", "fill_down": True},
        "category": "Control area",
        "level": "Level",
        "statement": "Requirement",
        "references": {"nist-ai-rmf": "Refs"},
    },
}


def test_formulas_are_text_and_references_are_checked(tmp_path: Path) -> None:
    formula = '=HYPERLINK("https://attacker.example","click")'
    data, model = import_xlsx(_tiny_workbook(tmp_path / "t.xlsx", formula), Mapping.model_validate(TINY))
    first, second = model.objectives()
    assert first.statement == formula  # read as the text it is; nothing evaluated
    assert first.references == {"nist-ai-rmf": ("GOVERN 1.1", "GOVERN 1.2")}
    assert (first.id, second.id, model.version) == ("AP-1.1", "AP-2.1", "1")
    assert model.domains[0].title == "Govern" and len(model.domains) == 1  # filled down
    text = model_yaml(data, "t.xlsx", "tiny.yaml")
    reloaded = tmp_path / "tiny-model.yaml"
    reloaded.write_text(text)
    assert load_model_file(reloaded) == model

    wrong = dict(TINY, columns=dict(TINY["columns"], references={"nist-ai-rmf": "Domain"}))  # type: ignore[arg-type]
    with pytest.raises(AismaError, match=r"nist-ai-rmf id Govern is not in the nist-ai-rmf catalog \(sheet row 2\)"):
        import_xlsx(tmp_path / "t.xlsx", Mapping.model_validate(wrong))


def test_given_ids_must_fit_and_not_clash(tmp_path: Path) -> None:
    workbook = _tiny_workbook(tmp_path / "t.xlsx", "A policy exists.")
    same = dict(TINY, columns=dict(TINY["columns"], category_id="Domain", domain_id="Domain"))  # type: ignore[arg-type]
    with pytest.raises(AismaError, match=r"row 2: id GOVERN is already used by another category or domain"):
        import_xlsx(workbook, Mapping.model_validate(same))
    bad = dict(TINY, columns=dict(TINY["columns"], category_id="Level"))  # type: ignore[arg-type]
    with pytest.raises(AismaError, match=r"row 2: id '1' must be 2 to 8 letters or digits"):
        import_xlsx(workbook, Mapping.model_validate(bad))


def _rewrite(source: Path, target: Path, edit: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, edit.get(info.filename, src.read(info.filename)))
        for name, data in edit.items():
            if name not in src.namelist():
                dst.writestr(name, data)
    return target


def test_hostile_and_malformed_workbooks_are_refused(tmp_path: Path) -> None:
    mapping = Mapping.model_validate(TINY)
    good = _tiny_workbook(tmp_path / "good.xlsx", "A policy exists.")

    text = tmp_path / "notes.xlsx"
    text.write_text("just text")
    with pytest.raises(AismaError, match=r"notes.xlsx: not an XLSX workbook"):
        import_xlsx(text, mapping)

    bomb = _rewrite(good, tmp_path / "bomb.xlsx", {"xl/media/padding.bin": b"\0" * (4 << 20)})
    with pytest.raises(AismaError, match=r"bomb.xlsx: part xl/media/padding.bin expands \d+ times .*zip bomb"):
        import_xlsx(bomb, mapping)

    with zipfile.ZipFile(good) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml").decode()
    entity = '<!DOCTYPE x [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'

    def with_entities(xml: str) -> bytes:
        declaration = re.match(r"<\?xml[^>]*\?>", xml)
        head = declaration.group(0) if declaration else ""
        return (head + entity + xml[len(head) :]).encode()

    if "A policy exists." in sheet:  # inline string; otherwise the text lives in sharedStrings.xml
        target = {"xl/worksheets/sheet1.xml": with_entities(sheet.replace("A policy exists.", "&lol2;"))}
    else:
        with zipfile.ZipFile(good) as archive:
            shared = archive.read("xl/sharedStrings.xml").decode()
        target = {"xl/sharedStrings.xml": with_entities(shared.replace("A policy exists.", "&lol2;"))}
    xxe = _rewrite(good, tmp_path / "xxe.xlsx", target)
    with pytest.raises(AismaError, match=r"xxe.xlsx: part xl/\S+ declares a DTD; refusing XML entities"):
        import_xlsx(xxe, mapping)

    truncated = tmp_path / "truncated.xlsx"
    truncated.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    with pytest.raises(AismaError, match=r"truncated.xlsx: (not an XLSX workbook|malformed XLSX workbook)"):
        import_xlsx(truncated, mapping)

    with pytest.raises(AismaError, match=r"bytes is over the 1000 byte limit"):
        import_xlsx(good, mapping, XlsxLimits(max_file_bytes=1000))
    with pytest.raises(AismaError, match=r"more than 1 rows; set last_row"):
        import_xlsx(good, mapping, XlsxLimits(max_rows=1))

    no_workbook = tmp_path / "plain.xlsx"
    with zipfile.ZipFile(no_workbook, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(AismaError, match=r"not an XLSX workbook \(no \S+ in the archive\)"):
        import_xlsx(no_workbook, mapping)


def test_cli_prints_yaml_and_reports_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["model", "import-xlsx", str(SAMM), "--map", "owasp-samm"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("# Imported by `aisma model import-xlsx SAMM_spreadsheet.xlsx --map owasp-samm`")
    assert yaml.safe_load(io.StringIO(printed))["id"] == "owasp-samm"
    assert run(["model", "import-xlsx", str(SAMM), "--map", "no-such-mapping"]) == 1
    assert "not a packaged mapping (owasp-aima, owasp-samm)" in capsys.readouterr().err
