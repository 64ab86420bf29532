"""The regulatory evidence pack: reproducible bytes, honest manifest, every article, gaps, escaping."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.errors import AismaError
from aisma.evidence_pack import REGULATIONS, build_evidence_pack, pack_content, write_pack
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.maturity.catalogs import reference_catalogs
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_opened

AT = parse_at(DEMO_ASSESSED_AT)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("pack") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


def _rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def test_same_inputs_give_the_same_zip_bytes(demo: Path, tmp_path: Path) -> None:
    first = build_evidence_pack(demo, "eu-ai-act", AT, tmp_path / "a" / "pack.zip").path.read_bytes()
    for path in (demo / "evidence").rglob("*"):  # file times must not leak into the zip
        path.touch()
    second = build_evidence_pack(demo, "eu-ai-act", AT, tmp_path / "b.zip").path.read_bytes()
    assert first == second
    later = build_evidence_pack(demo, "eu-ai-act", parse_at("2026-12-01T10:00:00Z"), tmp_path / "c.zip")
    assert later.path.read_bytes() != first


def test_entries_are_sorted_with_fixed_time_and_mode(demo: Path, tmp_path: Path) -> None:
    out = build_evidence_pack(demo, "iso-42001", AT, tmp_path / "pack.zip").path
    with zipfile.ZipFile(out) as archive:
        infos = archive.infolist()
    names = [i.filename for i in infos]
    assert names == sorted(names)
    assert {i.date_time for i in infos} == {(2026, 11, 16, 9, 0, 0)}
    assert {(i.external_attr >> 16) & 0o777 for i in infos} == {0o644}


def test_manifest_hashes_match_the_packed_and_original_files(demo: Path, tmp_path: Path) -> None:
    out = build_evidence_pack(demo, "nist-ai-rmf", AT, tmp_path / "pack.zip").path
    with zipfile.ZipFile(out) as archive:
        manifest = _rows(archive, "manifest.csv")
        sums = dict(line.split("  ")[::-1] for line in archive.read("SHA256SUMS").decode().splitlines())
        packed = {n for n in archive.namelist() if n not in ("manifest.csv", "SHA256SUMS")}
        assert {row["path"] for row in manifest} == packed == set(sums)
        copied = 0
        for row in manifest:
            data = archive.read(row["path"])
            assert hashlib.sha256(data).hexdigest() == row["sha256"] == sums[row["path"]]
            assert len(data) == int(row["bytes"])
            if row["original"]:
                assert (demo / row["original"]).read_bytes() == data
                copied += 1
    assert copied > 10  # policies, reviews and tool outputs of the demo
    with zipfile.ZipFile(out) as archive:
        listed = {e for row in _rows(archive, "objectives.csv") for e in row["evidence"].split("; ") if e}
    packed_files = {row["path"] for row in manifest if row["original"]}
    assert packed_files <= listed  # objectives.csv names the copies inside the pack
    assert all(e in packed_files or e.startswith("https://") for e in listed)


@pytest.mark.parametrize("regulation", sorted(REGULATIONS))
def test_every_catalog_item_appears(demo: Path, tmp_path: Path, regulation: str) -> None:
    out = build_evidence_pack(demo, regulation, AT, tmp_path / "pack.zip").path
    catalog = reference_catalogs()[REGULATIONS[regulation]]
    with zipfile.ZipFile(out) as archive:
        index = _rows(archive, "index.csv")
        html = archive.read("index.html").decode()
    assert [row["item"] for row in index] == [item.id for item in catalog.items]
    for item in catalog.items:
        assert f">{item.id}" in html
    # the pack says first the time its figures hold for, in the words every report uses
    assert "<p><strong>As of " in html.split("Evidence pack for")[0]
    assert "UTC (the time asked for).</strong>" in html
    assert {row["status"] for row in index} <= {"met", "partially met", "not met", "not applicable", "not addressed"}


def test_gaps_are_listed(mini: Path, tmp_path: Path) -> None:
    out = build_evidence_pack(mini, "eu-ai-act", AT, tmp_path / "pack.zip").path
    with zipfile.ZipFile(out) as archive:
        gaps = _rows(archive, "gaps.csv")
        index = {row["item"]: row for row in _rows(archive, "index.csv")}
        html = archive.read("index.html").decode()
    # The mini model addresses only a few articles; the rest are gaps of the model itself.
    assert {"item": "Art. 73", "objective": "", "reason": "no objective of the model addresses it"} in gaps
    assert index["Art. 73"]["status"] == "not addressed"
    assert "Art. 73" in html and "no objective of the model addresses it" in html
    workspace = open_workspace(mini)
    result = assess_opened(workspace, AT)
    content = pack_content(result, workspace.model, "eu-ai-act", workspace.root)
    cites = {o.id: set(o.references.get("eu-ai-act", ())) for o in workspace.model.objectives()}
    expected = {
        (row.id, obj.objective.id)
        for row in content.rows
        for obj in row.objectives
        if obj.objective.status in ("unmet", "unknown") and row.id in cites[obj.objective.id]
    }
    assert expected, "the mini workspace leaves objectives that cite EU AI Act articles unmet"
    assert expected <= {(g["item"], g["objective"]) for g in gaps}


def test_html_is_escaped_and_csv_cells_cannot_run_formulas(mini: Path, tmp_path: Path) -> None:
    model = mini.parent / "model.yaml"
    model.write_text(model.read_text().replace("title: Data classified", "title: =1+1 <b>classified</b>"))
    answers = mini / "answers.yaml"
    answers.write_text(
        answers.read_text().replace(
            "evidence: [evidence/classification.md]",
            "evidence: [evidence/classification.md]\n    note: <script>alert(1)</script>",
        )
    )
    model.write_text(
        model.read_text().replace(
            'references: {nist-ai-rmf: ["MAP 1.1"], nist-csf-2.0: [ID.AM-07]}',
            'references: {nist-ai-rmf: ["MAP 1.1"], nist-csf-2.0: [ID.AM-07], eu-ai-act: ["Art. 10"]}',
            1,
        )
    )
    out = build_evidence_pack(mini, "eu-ai-act", AT, tmp_path / "pack.zip").path
    with zipfile.ZipFile(out) as archive:
        html = archive.read("index.html").decode()
        objectives = _rows(archive, "objectives.csv")
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<b>classified" not in html and "&lt;b&gt;classified" in html
    titles = [row["title"] for row in objectives if row["objective"] == "DAT-1.1"]
    assert titles and all(t.startswith("'=1+1") for t in titles)


def test_a_file_changed_after_assessment_is_refused(mini: Path, tmp_path: Path) -> None:
    workspace = open_workspace(mini)
    result = assess_opened(workspace, AT)
    content = pack_content(result, workspace.model, "nist-ai-rmf", workspace.root)
    assert any(f.ref == "evidence/classification.md" for f in content.files())
    (mini / "evidence" / "classification.md").write_text("edited after the assessment\n")
    out = tmp_path / "out" / "pack.zip"
    with pytest.raises(AismaError, match="changed since it was assessed"):
        write_pack(content, result, workspace.root, out)
    assert not out.exists() and not list(out.parent.glob("*"))


def test_cli(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "pack.zip"
    args = ["evidence-pack", str(demo), "--regulation", "eu-ai-act", "--out", str(out), "--at", DEMO_ASSESSED_AT]
    assert run(args) == 0
    assert zipfile.ZipFile(out).testzip() is None
    assert run(["evidence-pack", str(demo), "--regulation", "gdpr", "--out", str(out)]) == 1
    assert "expected one of eu-ai-act, nist-ai-rmf, iso-42001" in capsys.readouterr().err
