"""The evidence pack organised by a framework's requirements (``aisma evidence-pack --framework``):
a row per requirement with the posture of ``aisma framework assess``, its mapped objectives with their
relationship, answers, measurements and copied files, reproducible, for built-in and imported
frameworks alike."""

from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.evidence_pack import build_framework_pack
from aisma.examples import DEMO_ASSESSED_AT, write_example

AT = parse_at(DEMO_ASSESSED_AT)
DATA = Path(__file__).parent / "data" / "oscal-catalog"
CATALOG_XML = DATA / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.xml"
MAPPING_53 = DATA / "aisma-core--sp800-53-low-ac-ir.yaml"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fw-pack") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


def rows(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def posture(demo: Path, capsys: pytest.CaptureFixture[str], *framework: str) -> dict:  # type: ignore[type-arg]
    capsys.readouterr()
    assert run(["framework", "assess", str(demo), *framework, "--format", "json", "--at", DEMO_ASSESSED_AT]) == 0
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_rows_follow_the_posture_of_framework_assess(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = build_framework_pack(demo, "nist-ai-rmf", None, None, AT, tmp_path / "pack.zip").path
    expected = posture(demo, capsys, "-f", "nist-ai-rmf")
    with zipfile.ZipFile(out) as archive:
        index = rows(archive, "index.csv")
        objectives = rows(archive, "objectives.csv")
        html = archive.read("index.html").decode()
        names = set(archive.namelist())
    assert [(r["item"], r["status"]) for r in index] == [(q["id"], q["status"]) for q in expected["requirements"]]
    assert sorted((r["item"], r["objective"], r["relationship"]) for r in objectives) == sorted(
        (q["id"], o["id"], o["relationship"]) for q in expected["requirements"] for o in q["objectives"]
    )
    assert {r["kind"] for r in index if r["item"] == "GOVERN"} == {"from parts"}
    assert "through mapping set <code>aisma-core--nist-ai-rmf</code>" in html and "<h2>Requirements</h2>" in html
    for row in objectives:  # every file an objective cites that is in the workspace is in the pack
        for ref in filter(None, row["evidence"].split("; ")):
            assert ref in names or ref.startswith("https://")


def test_eu_ai_act_index_golden_and_same_bytes(demo: Path, tmp_path: Path) -> None:
    first = build_framework_pack(demo, "eu-ai-act", None, None, AT, tmp_path / "a.zip").path.read_bytes()
    second = build_framework_pack(demo, "eu-ai-act", None, None, AT, tmp_path / "b.zip").path.read_bytes()
    assert first == second
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        index = archive.read("index.csv").decode("utf-8")
        gaps = rows(archive, "gaps.csv")
    golden = GOLDEN / "demo-pack-framework-eu-ai-act-index.csv"
    if os.environ.get("AISMA_UPDATE_GOLDEN"):
        golden.write_bytes(index.encode("utf-8"))
    assert index == golden.read_bytes().decode("utf-8")
    unmapped = [g["item"] for g in gaps if g["reason"] == "no objective is mapped to it"]
    assert unmapped == ["Art. 53", "Art. 55"]  # the general-purpose AI model articles


def test_an_imported_catalog_through_its_mapping_set(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    framework = ["-f", str(CATALOG_XML), "--framework-id", "sp800-53-low", "--mapping", str(MAPPING_53)]
    out = tmp_path / "pack.zip"
    capsys.readouterr()
    assert run(["evidence-pack", str(demo), *framework, "--out", str(out), "--at", DEMO_ASSESSED_AT]) == 0
    assert "Wrote" in capsys.readouterr().err
    expected = posture(demo, capsys, *framework)
    with zipfile.ZipFile(out) as archive:
        index = rows(archive, "index.csv")
        gaps = rows(archive, "gaps.csv")
    assert [(r["item"], r["status"]) for r in index] == [(q["id"], q["status"]) for q in expected["requirements"]]
    unmapped = [q["id"] for q in expected["requirements"] if q["status"] == "unmapped" and not q["derived"]]
    assert unmapped and {g["item"] for g in gaps if g["reason"] == "no objective is mapped to it"} == set(unmapped)
    assert [r["kind"] for r in index if r["item"] in ("ac", "ir")] == ["from parts", "from parts"]


def test_options_are_one_line_errors(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = str(tmp_path / "x.zip")
    for argv, message in (
        ([], "give either --regulation or --framework"),
        (["--regulation", "eu-ai-act", "--framework", "eu-ai-act"], "give either --regulation or --framework"),
        (["--regulation", "eu-ai-act", "--mapping", "m.yaml"], "--mapping and --framework-id go with --framework"),
        (["--framework", "nope"], "--framework nope: not a built-in framework"),
    ):
        capsys.readouterr()
        assert run(["evidence-pack", str(demo), "--out", out, *argv]) == 1
        err = capsys.readouterr().err.strip()
        assert message in err and "\n" not in err
    assert not Path(out).exists()
