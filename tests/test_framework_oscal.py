"""OSCAL assessment results against a framework: valid against NIST's schema and trestle's models,
one finding per assessed requirement whose state follows the posture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports.oscal.framework import token
from reports.oscal_schema import errors as schema_errors

DATA = Path(__file__).parent / "data"
CATALOG = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.json"
MAPPING_53 = DATA / "oscal-catalog" / "aisma-core--sp800-53-low-ac-ir.yaml"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fw-oscal") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


def oscal_of(demo: Path, tmp_path: Path, *framework: str) -> dict:  # type: ignore[type-arg]
    out = tmp_path / "ar.json"
    code = run(
        ["framework", "assess", str(demo), *framework, "--format", "oscal", "--out", str(out), "--at", DEMO_ASSESSED_AT]
    )
    assert code == 0
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_results_against_the_imported_catalog(demo: Path, tmp_path: Path) -> None:
    document = oscal_of(
        demo, tmp_path, "-f", str(CATALOG), "--framework-id", "sp800-53-low", "--mapping", str(MAPPING_53)
    )
    assert schema_errors(document, "assessment-results") == []
    result = document["assessment-results"]["results"][0]
    included = [c["control-id"] for c in result["reviewed-controls"]["control-selections"][0]["include-controls"]]
    assert included == ["ac-2", "ac-3", "ir-4", "ir-6", "ir-8"]
    states = {
        f["target"]["target-id"]: (f["target"]["status"]["state"], f["target"]["status"]["reason"])
        for f in result["findings"]
    }
    assert states == {
        "ac-2": ("satisfied", "pass"),
        "ac-3": ("satisfied", "pass"),
        "ir-4": ("not-satisfied", "other"),
        "ir-6": ("not-satisfied", "fail"),
        "ir-8": ("not-satisfied", "other"),
    }
    observations = {o["uuid"] for o in result["observations"]}
    for finding in result["findings"]:
        related = {r["observation-uuid"] for r in finding.get("related-observations", [])}
        assert related <= observations
        # what satisfied a requirement is on record; an unanswered objective (ir-6) has nothing to show
        assert bool(related) == (finding["target"]["target-id"] != "ir-6")
    assert len(observations) == len(result["observations"])  # INF-2.1 serves ac-2 and ac-3 once


def test_results_for_a_builtin_framework_use_tokens(demo: Path, tmp_path: Path) -> None:
    document = oscal_of(demo, tmp_path, "-f", "nist-ai-rmf")
    assert schema_errors(document, "assessment-results") == []
    finding = next(
        f for f in document["assessment-results"]["results"][0]["findings"] if f["target"]["target-id"] == "GOVERN_1.1"
    )
    assert {"name": "requirement-id", "value": "GOVERN 1.1", "ns": "urn:aisma:oscal"} in finding["props"]


def test_trestle_loads_the_results(demo: Path, tmp_path: Path) -> None:
    from trestle.oscal.assessment_results import AssessmentResults

    document = oscal_of(demo, tmp_path, "-f", "eu-ai-act")
    AssessmentResults.model_validate(document["assessment-results"])


def test_token() -> None:
    assert [token(t) for t in ("ac-2", "GOVERN 1.1", "Art. 14", "LLM01:2025", "1.2")] == [
        "ac-2",
        "GOVERN_1.1",
        "Art._14",
        "LLM01_2025",
        "_1.2",
    ]
