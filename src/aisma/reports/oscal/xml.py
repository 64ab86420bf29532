"""OSCAL XML of the assessment results and plan aisma writes as JSON.

OSCAL defines one model with two notations, and the XML one is not a mechanical re-spelling of the
JSON: flags become attributes, arrays become repeated singular elements (``props`` -> ``prop``),
a field with flags keeps its value as text (``<hash algorithm="SHA-256">...</hash>``), markup-multiline
fields (``description``, ``remarks``) hold block elements (``<p>``, ``<ul>``), and the children of
every assembly come in the order the model's XML schema fixes. So the conversion is driven by a table
of the assemblies aisma emits, each child in NIST's schema order (oscal_assessment-results_schema.xsd
and oscal_assessment-plan_schema.xsd, OSCAL 1.2; the tests validate the output against both). A key
the table does not know is an aisma bug and fails loudly rather than being dropped.

The JSON document stays the source: it is built and checked first (trestle), then converted, so the
two notations carry the same content. The results embed the plan in their back matter; in the XML
results that plan is the XML plan (``application/oscal.ap+xml``).
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

from aisma.errors import AismaError

NS = "http://csrc.nist.gov/ns/oscal/1.0"
MEDIA_AR_XML = "application/oscal.ar+xml"
MEDIA_AP_XML = "application/oscal.ap+xml"
PLAN_FILE_NAME_XML = "assessment-plan.xml"


@dataclass(frozen=True)
class Child:
    """One JSON key of an assembly: its XML element name, how it is written, and its own spec."""

    key: str
    kind: str  # flag | field | line | multiline | assembly | assemblies | fields | valued | empty
    name: str = ""  # the XML element name (default: the key)
    spec: tuple[Child, ...] = field(default_factory=tuple)
    value_key: str = "value"  # for "valued": the JSON key carrying the element's text

    @property
    def element(self) -> str:
        return self.name or self.key


def _flags(*names: str) -> tuple[Child, ...]:
    return tuple(Child(n, "flag") for n in names)


REMARKS = Child("remarks", "multiline")
PROP = Child("props", "assemblies", "prop", (*_flags("name", "uuid", "ns", "value", "class", "group"), REMARKS))
PROPS = (PROP,)
IMPORT = (*_flags("href"), REMARKS)
METADATA = (
    Child("title", "line"),
    Child("last-modified", "field"),
    Child("version", "field"),
    Child("oscal-version", "field"),
    *PROPS,
    Child("roles", "assemblies", "role", (*_flags("id"), Child("title", "line"), REMARKS)),
    Child(
        "parties",
        "assemblies",
        "party",
        (*_flags("uuid", "type"), Child("name", "field"), *PROPS, REMARKS),
    ),
    Child(
        "responsible-parties",
        "assemblies",
        "responsible-party",
        (*_flags("role-id"), Child("party-uuids", "fields", "party-uuid"), *PROPS, REMARKS),
    ),
    REMARKS,
)
BACK_MATTER = (
    Child(
        "resources",
        "assemblies",
        "resource",
        (
            *_flags("uuid"),
            Child("title", "line"),
            Child("description", "multiline"),
            *PROPS,
            Child(
                "rlinks",
                "assemblies",
                "rlink",
                (*_flags("href", "media-type"), Child("hashes", "valued", "hash", _flags("algorithm"))),
            ),
            Child("base64", "valued", spec=_flags("filename", "media-type")),
            REMARKS,
        ),
    ),
)
CONTROL_SELECTION = (
    Child("description", "multiline"),
    *PROPS,
    Child("include-all", "empty"),
    Child("include-controls", "assemblies", "include-control", _flags("control-id")),
    Child("exclude-controls", "assemblies", "exclude-control", _flags("control-id")),
    REMARKS,
)
REVIEWED_CONTROLS = (
    Child("description", "multiline"),
    *PROPS,
    Child("control-selections", "assemblies", "control-selection", CONTROL_SELECTION),
    REMARKS,
)
COMPONENT = (
    *_flags("uuid", "type"),
    Child("title", "line"),
    Child("description", "multiline"),
    *PROPS,
    Child("status", "assembly", spec=(*_flags("state"), REMARKS)),
    REMARKS,
)
OBSERVATION = (
    *_flags("uuid"),
    Child("title", "line"),
    Child("description", "multiline"),
    *PROPS,
    Child("methods", "fields", "method"),
    Child("types", "fields", "type"),
    Child(
        "origins",
        "assemblies",
        "origin",
        (Child("actors", "assemblies", "actor", (*_flags("type", "actor-uuid", "role-id"), *PROPS)),),
    ),
    Child(
        "relevant-evidence",
        "assemblies",
        "relevant-evidence",
        (*_flags("href"), Child("description", "multiline"), *PROPS, REMARKS),
    ),
    Child("collected", "field"),
    REMARKS,
)
FINDING = (
    *_flags("uuid"),
    Child("title", "line"),
    Child("description", "multiline"),
    *PROPS,
    Child(
        "target",
        "assembly",
        spec=(
            *_flags("type", "target-id"),
            Child("title", "line"),
            Child("description", "multiline"),
            *PROPS,
            Child("status", "assembly", spec=(*_flags("state", "reason"), REMARKS)),
            REMARKS,
        ),
    ),
    Child("related-observations", "assemblies", "related-observation", (*_flags("observation-uuid"), REMARKS)),
    REMARKS,
)
RESULT = (
    *_flags("uuid"),
    Child("title", "line"),
    Child("description", "multiline"),
    Child("start", "field"),
    Child("end", "field"),
    *PROPS,
    Child("local-definitions", "assembly", spec=(Child("components", "assemblies", "component", COMPONENT),)),
    Child("reviewed-controls", "assembly", spec=REVIEWED_CONTROLS),
    Child("observations", "assemblies", "observation", OBSERVATION),
    Child("findings", "assemblies", "finding", FINDING),
    REMARKS,
)
ASSESSMENT_RESULTS = (
    *_flags("uuid"),
    Child("metadata", "assembly", spec=METADATA),
    Child("import-ap", "assembly", spec=IMPORT),
    Child("results", "assemblies", "result", RESULT),
    Child("back-matter", "assembly", spec=BACK_MATTER),
)
ACTIVITY = (*_flags("uuid"), Child("title", "line"), Child("description", "multiline"), *PROPS, REMARKS)
ASSESSMENT_PLAN = (
    *_flags("uuid"),
    Child("metadata", "assembly", spec=METADATA),
    Child("import-ssp", "assembly", spec=IMPORT),
    Child(
        "local-definitions",
        "assembly",
        spec=(Child("activities", "assemblies", "activity", ACTIVITY), REMARKS),
    ),
    Child("reviewed-controls", "assembly", spec=REVIEWED_CONTROLS),
    Child("back-matter", "assembly", spec=BACK_MATTER),
)
ROOTS = {"assessment-results": ASSESSMENT_RESULTS, "assessment-plan": ASSESSMENT_PLAN}


def _tag(name: str) -> str:
    return f"{{{NS}}}{name}"


def _multiline(parent: ET.Element, name: str, text: str) -> None:
    """Markdown-ish prose as OSCAL block markup: blank-line paragraphs, ``* `` lines as a list."""
    element = ET.SubElement(parent, _tag(name))
    for block in (b for b in text.split("\n\n") if b.strip()):
        lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
        if all(line.startswith(("* ", "- ")) for line in lines):
            items = ET.SubElement(element, _tag("ul"))
            for line in lines:
                ET.SubElement(items, _tag("li")).text = line[2:]
        else:
            ET.SubElement(element, _tag("p")).text = " ".join(lines)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, data: dict[str, Any], spec: tuple[Child, ...], where: str) -> None:
    known = {c.key for c in spec}
    unknown = [k for k in data if k not in known]
    if unknown:
        raise AismaError(f"OSCAL XML: {where} has {', '.join(unknown)}, which the converter does not know (a bug)")
    for child in spec:
        if child.key not in data:
            continue
        value = data[child.key]
        if child.kind == "flag":
            element.set(child.key, _scalar(value))
        elif child.kind in ("field", "line"):
            ET.SubElement(element, _tag(child.element)).text = _scalar(value)
        elif child.kind == "multiline":
            _multiline(element, child.element, str(value))
        elif child.kind == "empty":
            ET.SubElement(element, _tag(child.element))
        elif child.kind == "assembly":
            _fill(ET.SubElement(element, _tag(child.element)), value, child.spec, f"{where}/{child.key}")
        elif child.kind == "assemblies":
            for index, item in enumerate(value):
                _fill(ET.SubElement(element, _tag(child.element)), item, child.spec, f"{where}/{child.key}[{index}]")
        elif child.kind == "fields":
            for item in value:
                ET.SubElement(element, _tag(child.element)).text = _scalar(item)
        elif child.kind == "valued":
            for item in value if isinstance(value, list) else [value]:
                node = ET.SubElement(element, _tag(child.element))
                flags = {k: v for k, v in item.items() if k != child.value_key}
                _fill(node, flags, child.spec, f"{where}/{child.key}")
                node.text = _scalar(item[child.value_key])


def to_xml(document: dict[str, Any]) -> str:
    """An OSCAL JSON document (``{"assessment-results": ...}`` or ``{"assessment-plan": ...}``) as XML."""
    (root_name, body), *rest = document.items()
    if rest or root_name not in ROOTS:
        raise AismaError(f"OSCAL XML: cannot convert a {root_name} document")
    ET.register_namespace("", NS)
    root = ET.Element(_tag(root_name))
    _fill(root, body, ROOTS[root_name], root_name)
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def results_xml(results_text: str, plan_text: str) -> tuple[str, str]:
    """(results, plan) as OSCAL XML from their JSON text; the results embed the XML plan."""
    plan = to_xml(json.loads(plan_text))
    document = json.loads(results_text)
    embedded = [
        r.get("base64")
        for r in document["assessment-results"].get("back-matter", {}).get("resources", [])
        if isinstance(r.get("base64"), dict) and r["base64"].get("media-type") == "application/oscal.ap+json"
    ]
    for item in embedded:
        item.update(
            {
                "filename": PLAN_FILE_NAME_XML,
                "media-type": MEDIA_AP_XML,
                "value": base64.b64encode(plan.encode("utf-8")).decode("ascii"),
            }
        )
    return to_xml(document), plan
