"""OSCAL assessment results as XML: valid against NIST's OSCAL XML schemas (results and the embedded
plan), the same content as the JSON they are converted from, reproducible, and loud on a key the
converter does not know."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.errors import AismaError
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports import registry
from aisma.reports.oscal import oscal_documents
from aisma.reports.oscal.xml import NS, results_xml, to_xml
from aisma.scoring.results import AssessmentResult
from aisma.workspace.run import assess_workspace
from reports.oscal_schema import xml_errors

DATA = Path(__file__).parent.parent / "data"
CATALOG_XML = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.xml"
MAPPING_53 = DATA / "oscal-catalog" / "aisma-core--sp800-53-low-ac-ir.yaml"
Q = f"{{{NS}}}"


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, AssessmentResult]:
    directory = tmp_path_factory.mktemp("oscal-xml") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory, assess_workspace(directory, parse_at(DEMO_ASSESSED_AT))


@pytest.fixture(scope="module")
def both(demo: tuple[Path, AssessmentResult]) -> tuple[dict[str, Any], str, str]:
    results_text, plan_text = oscal_documents(demo[1])
    xml_results, xml_plan = results_xml(results_text, plan_text)
    return json.loads(results_text), xml_results, xml_plan


def embedded_plan(xml_text: str) -> tuple[ET.Element, bytes]:
    root = ET.fromstring(xml_text)
    (found,) = root.iter(f"{Q}base64")
    return found, base64.b64decode(found.text or "")


def test_nist_xml_example_passes_and_a_reordered_document_fails() -> None:
    example = (DATA / "oscal" / "ifa_assessment-results-example.xml").read_bytes()
    assert xml_errors(example, "assessment-results") == []
    broken = example.replace(b"<metadata>", b"<metadata-x>", 1).replace(b"</metadata>", b"</metadata-x>", 1)
    assert xml_errors(broken, "assessment-results")


def test_results_and_embedded_plan_are_valid_xml(both: tuple[dict[str, Any], str, str]) -> None:
    _json, xml_results, xml_plan = both
    assert xml_errors(xml_results, "assessment-results") == []
    assert xml_errors(xml_plan, "assessment-plan") == []
    element, plan_bytes = embedded_plan(xml_results)
    assert element.get("media-type") == "application/oscal.ap+xml"
    assert element.get("filename") == "assessment-plan.xml"
    assert plan_bytes.decode("utf-8") == xml_plan


def test_xml_carries_what_the_json_carries(both: tuple[dict[str, Any], str, str]) -> None:
    document, xml_results, _plan = both
    root = ET.fromstring(xml_results)
    json_uuids: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("uuid"), str):
                json_uuids.add(node["uuid"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    assert {e.get("uuid") for e in root.iter() if e.get("uuid")} == json_uuids
    result = document["assessment-results"]["results"][0]
    states = {f["target"]["target-id"]: f["target"]["status"]["state"] for f in result["findings"]}
    xml_states = {t.get("target-id"): t.find(f"{Q}status").get("state") for t in root.iter(f"{Q}target")}  # type: ignore[union-attr]
    assert xml_states == states
    xml_props = [(p.get("name"), p.get("value")) for p in root.iter(f"{Q}prop")]
    json_props: list[tuple[str, str]] = []

    def props(node: Any) -> None:
        if isinstance(node, dict):
            json_props.extend((p["name"], p["value"]) for p in node.get("props", []))
            for key, value in node.items():
                if key != "props" and key != "base64":
                    props(value)
        elif isinstance(node, list):
            for value in node:
                props(value)

    props(document)
    assert sorted(xml_props) == sorted(json_props)
    hashes = [(h.get("algorithm"), h.text) for h in root.iter(f"{Q}hash")]
    assert hashes and all(a == "SHA-256" and len(t or "") == 64 for a, t in hashes)


def test_remarks_lists_become_list_markup(both: tuple[dict[str, Any], str, str]) -> None:
    document, xml_results, _plan = both
    with_list = next(
        o for o in document["assessment-results"]["results"][0]["observations"] if o.get("remarks", "").startswith("* ")
    )
    root = ET.fromstring(xml_results)
    observation = next(o for o in root.iter(f"{Q}observation") if o.get("uuid") == with_list["uuid"])
    items = [li.text for li in observation.iterfind(f"{Q}remarks/{Q}ul/{Q}li")]
    assert items == [line[2:] for line in with_list["remarks"].splitlines()]


def test_same_inputs_same_bytes(demo: tuple[Path, AssessmentResult]) -> None:
    first = registry.render(demo[1], "oscal-xml")
    assert first == registry.render(demo[1], "oscal-xml")
    assert isinstance(first, str) and first.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<assessment-results')


def test_a_key_the_converter_does_not_know_is_an_error() -> None:
    with pytest.raises(AismaError, match=r"assessment-plan/metadata has colour, which the converter does not know"):
        to_xml({"assessment-plan": {"uuid": "x", "metadata": {"title": "t", "colour": "red"}}})
    with pytest.raises(AismaError, match="cannot convert a catalog document"):
        to_xml({"catalog": {}})


def test_cli_writes_xml_for_the_assessment_and_for_a_framework(
    demo: tuple[Path, AssessmentResult], tmp_path: Path
) -> None:
    directory = demo[0]
    out = tmp_path / "results.xml"
    assert run(["assess", str(directory), "--format", "oscal-xml", "--at", DEMO_ASSESSED_AT, "--out", str(out)]) == 0
    assert xml_errors(out.read_bytes(), "assessment-results") == []
    for framework in (
        ["-f", str(CATALOG_XML), "--framework-id", "sp800-53-low", "--mapping", str(MAPPING_53)],
        ["-f", "nist-ai-rmf"],
    ):
        fw_out = tmp_path / "framework.xml"
        args = ["framework", "assess", str(directory), *framework, "--format", "oscal-xml", "--out", str(fw_out)]
        assert run([*args, "--at", DEMO_ASSESSED_AT]) == 0
        text = fw_out.read_text(encoding="utf-8")
        assert xml_errors(text, "assessment-results") == []
        assert xml_errors(embedded_plan(text)[1], "assessment-plan") == []
    root = ET.fromstring(text)
    assert "GOVERN_1.1" in {t.get("target-id") for t in root.iter(f"{Q}target")}
