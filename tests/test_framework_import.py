"""Frameworks read from real OSCAL catalogs and profiles (JSON and XML) and a real CISO Assistant
library, and the demo assessed against each through ``aisma framework assess``."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.errors import InputError
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.frameworks import oscal
from aisma.frameworks.builtin import builtin_frameworks
from aisma.frameworks.ciso import load_ciso_library
from aisma.frameworks.oscal import load_oscal
from reports.oscal_schema import errors as schema_errors

DATA = Path(__file__).parent / "data"
CATALOG = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir"
PROFILE = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-baseline_profile_ac-ir"
MAPPING_53 = DATA / "oscal-catalog" / "aisma-core--sp800-53-low-ac-ir.yaml"
CISO = DATA / "ciso-assistant" / "nist-ai-rmf-1.0.yaml"
GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fw") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


def call(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_the_test_files_are_valid_oscal() -> None:
    assert schema_errors(json.loads(CATALOG.with_suffix(".json").read_text()), "catalog") == []
    assert schema_errors(json.loads(PROFILE.with_suffix(".json").read_text()), "profile") == []


def test_catalog_json_and_xml_read_the_same() -> None:
    from_json = load_oscal(CATALOG.with_suffix(".json"))
    from_xml = load_oscal(CATALOG.with_suffix(".xml"))
    assert from_json.title == "NIST Special Publication 800-53 Revision 5.1.1 LOW IMPACT BASELINE"
    assert [(r.id, r.title, r.parent, r.kind) for r in from_json.requirements] == [
        (r.id, r.title, r.parent, r.kind) for r in from_xml.requirements
    ]
    ids = [r.id for r in from_json.requirements]
    assert ids[:3] == ["ac", "ac-1", "ac-2"] and "ir-8" in ids and len(ids) == 20
    ac2 = from_json.get("ac-2")
    assert ac2 is not None and ac2.title == "AC-02 Account Management" and ac2.parent == "ac"
    assert ac2.text.startswith("Define and document the types of accounts allowed")
    assert from_xml.get("ac-2").text == ac2.text  # type: ignore[union-attr]
    assert "[assignment]" in from_json.get("ac-1").text  # type: ignore[union-attr]


def test_profile_selects_from_its_catalog(tmp_path: Path) -> None:
    for suffix in (".json", ".xml"):
        profile = load_oscal(PROFILE.with_suffix(suffix))
        assert [r.id for r in profile.requirements] == [
            r.id for r in load_oscal(CATALOG.with_suffix(".json")).requirements
        ]
    data = json.loads(PROFILE.with_suffix(".json").read_text())
    data["profile"]["imports"][0]["include-controls"][0]["with-ids"] = ["ac-2", "ir-6"]
    data["profile"]["imports"][0]["exclude-controls"] = [{"with-ids": ["ir-6"]}]
    for name in ("NIST_SP-800-53_rev5_LOW-catalog_ac-ir.json",):
        (tmp_path / name).write_text((DATA / "oscal-catalog" / name).read_text())
    narrowed = tmp_path / "p.json"
    narrowed.write_text(json.dumps(data))
    assert [r.id for r in load_oscal(narrowed).requirements] == ["ac", "ac-2"]


def test_a_profile_whose_catalog_is_remote_says_so(tmp_path: Path) -> None:
    data = json.loads(PROFILE.with_suffix(".json").read_text())
    data["profile"]["imports"][0]["href"] = "https://example.org/cat.json"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data))
    with pytest.raises(InputError, match="remote catalog; download it beside the profile"):
        load_oscal(path)


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("a.json", '{"catalog": {"metadata": {}, "controls": [{"id": "x"}]}}', "a control under the catalog lacks"),
        ("b.json", '{"other": 1}', "expected an OSCAL catalog or profile"),
        ("c.json", "{", "not valid JSON"),
        ("d.xml", "<catalog", "not well-formed XML"),
        ("e.xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>', "refused XML construct"),
        ("f.json", "[" * 100_000, "not valid JSON"),
    ],
)
def test_bad_oscal_is_one_line(tmp_path: Path, name: str, text: str, message: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(InputError, match=message):
        load_oscal(path)


def test_oscal_bounds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nested: dict[str, object] = {"id": "c0", "title": "t"}
    for n in range(1, 30):
        nested = {"id": f"c{n}", "title": "t", "controls": [nested]}
    path = tmp_path / "deep.json"
    path.write_text(json.dumps({"catalog": {"controls": [nested]}}))
    with pytest.raises(InputError, match="nest deeper than 16"):
        load_oscal(path)
    monkeypatch.setattr(oscal, "MAX_OSCAL_BYTES", 1000)
    with pytest.raises(InputError, match="at most 1000 are read"):
        load_oscal(CATALOG.with_suffix(".json"))


def test_ciso_library_matches_the_builtin_framework() -> None:
    imported = load_ciso_library(CISO)
    assert imported.id == "NIST-AI-RMF-1.0" and imported.title == "NIST AI RMF 1.0"
    assert "public information" in imported.license
    assessable = {r.id for r in imported.requirements if r.assessable}
    builtin = builtin_frameworks()["nist-ai-rmf"]
    subcategories = {r.id for r in builtin.requirements if r.kind == "subcategory"}
    assert len(assessable) == 72 and assessable == subcategories
    govern_11 = imported.get("GOVERN 1.1")
    assert govern_11 is not None and govern_11.parent == "GOVERN 1"
    assert govern_11.text.startswith("Legal and regulatory requirements involving AI")


def test_bad_ciso_library(tmp_path: Path) -> None:
    path = tmp_path / "lib.yaml"
    path.write_text("urn: x\nobjects:\n  risk_matrix: {}\n")
    with pytest.raises(InputError, match=r"objects\.framework: expected a CISO Assistant framework library"):
        load_ciso_library(path)
    path.write_text(
        "objects:\n  framework:\n    requirement_nodes:\n    - {urn: 'u:a'}\n    - {urn: 'u:b', parent_urn: 'u:z'}\n"
    )
    with pytest.raises(InputError, match=r"lib.yaml:5: requirement_nodes\[1\].parent_urn: u:z is not a node"):
        load_ciso_library(path)


def test_demo_against_the_ciso_library_equals_the_builtin(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(
        capsys,
        "framework",
        "assess",
        str(demo),
        "-f",
        str(CISO),
        "--framework-id",
        "nist-ai-rmf",
        "--format",
        "json",
        "--at",
        DEMO_ASSESSED_AT,
    )
    assert code == 0, err
    imported = json.loads(out)
    code, out, _ = call(
        capsys, "framework", "assess", str(demo), "-f", "nist-ai-rmf", "--format", "json", "--at", DEMO_ASSESSED_AT
    )
    builtin = json.loads(out)
    assert imported["counts"] == builtin["counts"]
    assert imported["framework"]["license"].startswith("With the exception of material marked as copyrighted")
    status = {r["id"]: r["status"] for r in builtin["requirements"]}
    for r in imported["requirements"]:
        if r["id"] in status and not r["derived"]:
            assert r["status"] == status[r["id"]], r["id"]


def test_demo_against_sp800_53(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(
        capsys,
        "framework",
        "assess",
        str(demo),
        "-f",
        str(CATALOG.with_suffix(".xml")),
        "--framework-id",
        "sp800-53-low",
        "--mapping",
        str(MAPPING_53),
        "--format",
        "json",
        "--at",
        DEMO_ASSESSED_AT,
    )
    assert code == 0, err
    data = json.loads(out)
    rows = {r["id"]: r for r in data["requirements"]}
    assert rows["ac-3"]["status"] == "met"  # INF-1.1 and INF-2.1, both subsets, both met in the demo
    assert [o["id"] for o in rows["ac-3"]["objectives"]] == ["INF-1.1", "INF-2.1"]
    assert rows["ir-8"]["status"] == "partial" and rows["ir-6"]["status"] == "gap"
    assert rows["ac-1"]["status"] == "unmapped" and rows["ac"]["status"] == "partial" and rows["ac"]["derived"]
    assert data["counts"] == {"met": 2, "partial": 2, "gap": 1, "n-a": 0, "unmapped": 13}
    assert abs(data["coverage"] - 5 / 18) < 0.001


def test_framework_assess_golden(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Without --at the demo's as_of decides, whatever today is; the report says so in its first line."""
    from datetime import UTC, datetime

    from aisma.workspace import clock

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "wall_clock", lambda: datetime(2028, 2, 29, tzinfo=UTC))
        code, pinned, err = call(capsys, "framework", "assess", str(demo), "-f", "eu-ai-act", "--format", "md")
    assert code == 0, err
    golden = GOLDEN / "demo-framework-eu-ai-act.md"
    if os.environ.get("AISMA_UPDATE_GOLDEN"):
        golden.write_text(pinned)
    assert pinned == golden.read_text()
    assert "**As of 2026-11-16 09:00 UTC (pinned by as_of in aisma.yaml).**" in pinned
    # the same time asked for with --at: the same posture, and the line says it was asked for
    code, out, err = call(
        capsys, "framework", "assess", str(demo), "-f", "eu-ai-act", "--format", "md", "--at", DEMO_ASSESSED_AT
    )
    assert code == 0, err
    assert out == pinned.replace("(pinned by as_of in aisma.yaml)", "(the time asked for)")


def test_mapping_validate_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = call(capsys, "mapping", "validate", str(MAPPING_53), "-f", str(CATALOG.with_suffix(".json")))
    assert code == 0, err
    assert out.strip().endswith("9 mappings from aisma-core to 5 of 20 requirements of sp800-53-low")
    bad = tmp_path / "bad.yaml"
    bad.write_text(MAPPING_53.read_text().replace("requirement: ir-6", "requirement: ir-99"))
    code, out, err = call(capsys, "mapping", "validate", str(bad), "-f", str(CATALOG.with_suffix(".json")))
    assert code == 1
    assert err.strip() == f"aisma: error: {bad}:16: mappings[6].requirement: ir-99 is not a requirement of sp800-53-low"
    code, out, err = call(capsys, "mapping", "validate", str(tmp_path / "none.yaml"))
    assert code == 1 and "no such file" in err


def test_framework_list_show_and_derive(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = call(capsys, "framework", "list")
    assert code == 0 and "eu-ai-act" in out and "owasp-agentic-top10-2026" in out
    code, out, _ = call(capsys, "framework", "show", "-f", str(CISO))
    assert code == 0 and "\n  GOVERN 1  " in out and "license: With the exception" in out
    code, out, _ = call(capsys, "mapping", "derive", "-f", "owasp-llm-top10-2025")
    assert code == 0 and "framework: owasp-llm-top10-2025" in out and "relationship: subset" in out
    code, _, err = call(capsys, "framework", "show", "-f", "nope")
    assert code == 1 and "not a built-in framework" in err


def test_no_shipped_mapping_for_an_import(demo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = call(capsys, "framework", "assess", str(demo), "-f", str(CATALOG.with_suffix(".json")))
    assert code == 1 and "give one with --mapping FILE" in err
