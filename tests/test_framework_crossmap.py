"""A posture carried to another framework through a real CISO Assistant mapping set (NIST's CSF 2.0 to
ISO/IEC 27001:2022 OLIR mapping, all ``intersect``), and the carry rule on a small set."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.errors import InputError
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.frameworks.crossmap import load_ciso_mapping, target_outline, translate
from aisma.frameworks.model import Framework, Requirement
from aisma.frameworks.posture import FrameworkPosture, RequirementPosture

CROSS = Path(__file__).parent / "data" / "ciso-assistant" / "mapping-nist-csf-2.0-to-iso27001-2022.yaml"


def test_the_real_mapping_set_reads_and_picks_the_direction() -> None:
    forward = load_ciso_mapping(CROSS, "nist-csf-2.0")
    assert forward.target_framework == "iso27001-2022" and forward.license == "NIST"
    assert len(forward.pairs) == 343 and {p.relationship for p in forward.pairs} == {"intersects"}
    assert forward.pairs[0].source == "gv.oc-01" and forward.pairs[0].target == "4.1"
    backward = load_ciso_mapping(CROSS, "iso27001-2022")
    assert backward.target_framework == "nist-csf-2.0"
    with pytest.raises(
        InputError, match=r"no single mapping set only one; the library maps from nist-csf-2\.0, iso27001-2022"
    ):
        load_ciso_mapping(CROSS)
    with pytest.raises(InputError, match="no single mapping set from eu-ai-act"):
        load_ciso_mapping(CROSS, "eu-ai-act")


def test_demo_carried_to_iso_27001_is_never_met_through_intersects(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "northbridge"
    write_example(demo, overwrite_demo=True)
    code = run(
        [
            "framework",
            "assess",
            str(demo),
            "-f",
            "nist-csf-2.0",
            "--then",
            str(CROSS),
            "--format",
            "json",
            "--at",
            DEMO_ASSESSED_AT,
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    data = json.loads(out)
    assert data["framework"]["id"] == "iso27001-2022"
    assert data["mapping_set"] == "aisma-core--nist-csf-2.0 then mapping-nist-csf-2.0-to-iso27001-2022"
    assert data["counts"]["met"] == 0 and data["counts"]["partial"] > 0
    row = next(r for r in data["requirements"] if r["id"] == "6.1.2")
    assert row["status"] == "partial" and {o["relationship"] for o in row["objectives"]} == {"intersects"}
    assert all(o["answer"] in ("met", "partial", "gap", "n-a") for o in row["objectives"])


def _source(status: str) -> FrameworkPosture:
    return FrameworkPosture(
        framework="src",
        framework_title="S",
        source="s",
        license="l",
        mapping_set="m",
        organization="o",
        model_id="aisma-core",
        assessed_at="2026-11-16T09:00:00+00:00",
        requirements=(RequirementPosture("A-1", "a", "", None, status, False, True, ()),),  # type: ignore[arg-type]
    )


@pytest.mark.parametrize(
    ("relationship", "status", "expected"),
    [
        ("equal", "met", "met"),
        ("subset", "met", "met"),
        ("intersect", "met", "partial"),
        ("equal", "partial", "partial"),
        ("equal", "gap", "gap"),
        ("superset", "n-a", "n-a"),
        ("equal", "unmapped", "unmapped"),
    ],
)
def test_the_carry_rule(tmp_path: Path, relationship: str, status: str, expected: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "objects:\n  requirement_mapping_set:\n    ref_id: m\n    source_framework_urn: urn:x:framework:src\n"
        "    target_framework_urn: urn:x:framework:dst\n    requirement_mappings:\n"
        f"    - {{source_requirement_urn: 'urn:x:req:src:a-1', target_requirement_urn: 'urn:x:req:dst:b', relationship: {relationship}}}\n"
        "    - {source_requirement_urn: 'urn:x:req:src:a-1', target_requirement_urn: 'urn:x:req:dst:c', relationship: not_related}\n"
    )
    cross = load_ciso_mapping(path, "src")
    target = target_outline(cross)
    assert [r.id for r in target.requirements] == ["b"]
    assert translate(_source(status), cross, target).requirements[0].status == expected
    named = Framework("dst", "D", "s", "l", (Requirement("B", "b title"), Requirement("Z", "z")))
    carried = translate(_source(status), cross, named)
    assert [r.status for r in carried.requirements] == [expected, "unmapped"]


def test_bad_relationship_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "objects:\n  requirement_mapping_sets:\n  - source_framework_urn: urn:x:framework:src\n"
        "    target_framework_urn: urn:x:framework:dst\n    requirement_mappings:\n"
        "    - {source_requirement_urn: 'u:a', target_requirement_urn: 'u:b', relationship: kinda}\n"
    )
    with pytest.raises(InputError, match=r"m.yaml:6: requirement_mappings\[0\].relationship: 'kinda' is not equal"):
        load_ciso_mapping(path, "src")
