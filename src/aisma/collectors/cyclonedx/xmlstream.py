"""Stream a CycloneDX XML BOM (1.4 to 1.7) as the JSON-shaped values the ML-BOM checks read.

The XML and JSON forms of CycloneDX carry the same model (the specification publishes both schemas
side by side): a wrapper element holds repeated items (``<hashes><hash alg="SHA-256">...</hash>``
is ``"hashes": [{"alg": "SHA-256", "content": "..."}]``), attributes are keys, and an element with
only text is a string. ``_value`` maps an element the same way, so ``checks`` and the inventory's
``model_entry`` read an XML component exactly as a JSON one.

The file is parsed by defusedxml (no DTD, no entity, no external reference: the XML bombs that
cost a naive parser gigabytes are refused) one event at a time, and every element is dropped once
read: only one top-level component (with what is nested in it) is held at a time, at most
``limits.ITEM_LIMIT`` bytes of input, nested at most ``limits.MAX_DEPTH`` elements deep, with no
text run longer than ``limits.MAX_STRING``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, BinaryIO
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from aisma.collectors.cyclonedx.stream import EXPECTED, SYSTEM_PROPERTY, BomHeader, Handler
from aisma.errors import AismaError
from aisma.formats.jsonstream import shape_error
from aisma.formats.limits import ITEM_LIMIT, MAX_DEPTH, MAX_STRING, MB, LimitExceeded, too_deep

_NAMESPACE = re.compile(r"^\{http://cyclonedx\.org/schema/bom/(\d+\.\d+)\}")
_XMLDSIG = "{http://www.w3.org/2000/09/xmldsig#}"
# Wrapper element -> its item element (None: any item, kept with its own key as in JSON's wrappers).
WRAPPERS: dict[str, str | None] = {
    "components": "component",
    "services": "service",
    "hashes": "hash",
    "externalReferences": "reference",
    "references": "reference",
    "properties": "property",
    "licenses": None,
    "datasets": None,
    "inputs": "input",
    "outputs": "output",
    "performanceMetrics": "performanceMetric",
    "collection": "graphic",
    "users": "user",
    "useCases": "useCase",
    "technicalLimitations": "technicalLimitation",
    "performanceTradeoffs": "performanceTradeoff",
    "ethicalConsiderations": "ethicalConsideration",
    "fairnessAssessments": "fairnessAssessment",
    "vulnerabilities": "vulnerability",
    "affects": "target",
    "versions": "version",
    "ratings": "rating",
    "cwes": "cwe",
    "advisories": "advisory",
    "responses": "response",
    "dependencies": "dependency",
    "authors": "author",
    "endpoints": "endpoint",
    "tools": "tool",  # CycloneDX 1.4; from 1.5 tools holds components and services (an object)
}
# Items of a list kept under their own key, as JSON writes them ({"license": {...}}, {"ref": "..."}).
KEYED_ITEMS = frozenset({"license", "expression", "ref"})
# Elements repeated without a wrapper that JSON always writes as a list: (parent, child).
_ENTITIES = ("supplier", "manufacturer", "manufacture", "provider", "organization", "authors")
ALWAYS_LISTS = frozenset(
    {("component", "data")} | {(entity, "url") for entity in _ENTITIES} | {(entity, "contact") for entity in _ENTITIES}
)
# The text of an element that also has attributes, under the key JSON uses.
TEXT_KEYS = {"hash": "content", "property": "value", "license": "text", "image": "content"}
KEPT = {("metadata", "component"), ("components", "component"), ("vulnerabilities", "vulnerability")}
# Elements of the second level held whole until they end (everything else is dropped as soon as read).
HELD = KEPT | {("metadata", "timestamp"), ("metadata", "tools"), ("metadata", "properties")}
MAX_HELD_ELEMENTS = 200_000  # elements of one held value: an element costs ~40 times its bytes in memory


def _local(tag: str) -> str:
    if tag.startswith(_XMLDSIG):
        return "signature"
    return tag.rsplit("}", 1)[-1]


def _text(element: Element) -> str:
    return (element.text or "").strip()


def _value(element: Element) -> Any:
    """An element as JSON's CycloneDX writes the same value (without recursion: BOMs nest deep)."""
    out: dict[int, Any] = {}
    stack: list[tuple[Element, bool]] = [(element, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node))
            continue
        out[id(node)] = _assemble(node, out)
    return out[id(element)]


def _assemble(node: Element, built: dict[int, Any]) -> Any:
    tag = _local(node.tag)
    children = list(node)
    if tag in WRAPPERS and (WRAPPERS[tag] is None or all(_local(c.tag) == WRAPPERS[tag] for c in children)):
        return [_item(c, built) for c in children]
    attributes: dict[str, Any] = {_local(k): v for k, v in node.attrib.items()}
    if not children:
        text = _text(node)
        if not attributes:
            return text
        if text:
            attributes[TEXT_KEYS.get(tag, "value")] = text
        return attributes
    value: dict[str, Any] = attributes
    for child in children:
        key, item = _local(child.tag), built.pop(id(child))
        if (tag, key) in ALWAYS_LISTS:
            value.setdefault(key, []).append(item)
        elif key in value:
            current = value[key]
            value[key] = [*current, item] if isinstance(current, list) and key in WRAPPERS else [current, item]
        else:
            value[key] = item
    return value


def _item(child: Element, built: dict[int, Any]) -> Any:
    item = built.pop(id(child))
    key = _local(child.tag)
    return {key: item} if key in KEYED_ITEMS else item


class _Guard:
    """The file, for the XML parser, measuring the bytes read since the parser last produced an event."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle = handle
        self.offset = 0
        self.last_event = 0

    def read(self, size: int = -1) -> bytes:
        chunk = self.handle.read(size)
        self.offset += len(chunk)
        if self.offset - self.last_event > MAX_STRING:
            raise LimitExceeded(f"an XML text or attribute longer than {MAX_STRING // MB} MB")
        return chunk


def scan_xml(path: Path, on_component: Handler, on_vulnerability: Callable[[Mapping[str, Any]], None]) -> BomHeader:
    """``stream.scan`` for XML: the header, and the handlers called per top-level component and vulnerability."""
    header = BomHeader(bom_format="CycloneDX")
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise AismaError(f"{path}: cannot read ({exc.strerror or exc})") from None
    with handle:
        guard = _Guard(handle)
        try:
            _events(guard, header, on_component, on_vulnerability)
        except LimitExceeded as exc:
            raise shape_error(path, f"refused: {exc.problem}", EXPECTED) from None
        except DefusedXmlException as exc:
            problem = f"refused: XML with a DTD, entity or external reference ({exc})"
            raise shape_error(path, problem, EXPECTED) from None
        except ParseError as exc:
            line, column = exc.position
            raise shape_error(path, f"not well-formed XML (line {line}, column {column + 1})", EXPECTED) from None
        except RecursionError:
            raise shape_error(path, "refused: nested too deeply", EXPECTED) from None
    if not header.spec_version:
        raise shape_error(path, "the root element is not a CycloneDX <bom>", EXPECTED)
    return header


def _events(
    guard: _Guard, header: BomHeader, on_component: Handler, on_vulnerability: Callable[[Mapping[str, Any]], None]
) -> None:
    stack: list[Element] = []
    names: list[str] = []
    held_from: int | None = None  # the byte offset where the held element being read started
    held_elements = 0
    index = 0
    events = SafeElementTree.iterparse(guard, events=("start", "end"), forbid_dtd=True)
    for event, element in events:
        guard.last_event = guard.offset
        if held_from is not None and guard.offset - held_from > ITEM_LIMIT:
            raise LimitExceeded(f"a value larger than {ITEM_LIMIT // MB} MB")
        if event == "start":
            stack.append(element)
            names.append(_local(element.tag))
            if len(stack) > MAX_DEPTH:
                raise too_deep()
            if len(stack) == 1:
                _root(element, header)
            elif len(stack) == 3 and (names[1], names[2]) in HELD:
                held_from, held_elements = guard.offset, 0
            elif held_from is not None:
                held_elements += 1
                if held_elements > MAX_HELD_ELEMENTS:
                    raise LimitExceeded(f"a value of more than {MAX_HELD_ELEMENTS} XML elements")
            continue
        stack.pop()
        where = (names[1], names[2]) if len(names) == 3 else None
        names.pop()
        if where is not None and where in HELD:
            held_from = None
            _deliver(where, element, header, on_component, on_vulnerability, index)
            index += where == ("components", "component")
        if held_from is None and stack:
            stack[-1].remove(element)  # read: nothing holds it any more


def _deliver(
    where: tuple[str, str],
    element: Element,
    header: BomHeader,
    on_component: Handler,
    on_vulnerability: Callable[[Mapping[str, Any]], None],
    index: int,
) -> None:
    if where[0] == "metadata" and where[1] != "component":
        _metadata(where[1], element, header)
        return
    value = _value(element)
    if not isinstance(value, Mapping):
        return
    if where == ("vulnerabilities", "vulnerability"):
        on_vulnerability(value)
    elif where == ("metadata", "component"):
        header.subject = {k: v for k, v in value.items() if k != "components"}
        on_component("metadata.component", value)
    else:
        on_component(f"components[{index}]", value)


def _root(element: Element, header: BomHeader) -> None:
    found = _NAMESPACE.match(element.tag)
    if _local(element.tag) != "bom" or found is None:
        return
    header.spec_version = found.group(1)
    header.serial_number = (element.get("serialNumber") or "").strip()


def _metadata(name: str, element: Element, header: BomHeader) -> None:
    if name == "timestamp":
        header.timestamp = _text(element)
    elif name == "tools":
        tools = _value(element)
        listed = tools if isinstance(tools, list) else (tools.get("components") if isinstance(tools, dict) else None)
        for tool in listed if isinstance(listed, list) else []:
            if isinstance(tool, Mapping) and tool.get("name"):
                header.tool = header.tool or str(tool["name"]).strip()
                header.tool_version = header.tool_version or str(tool.get("version") or "").strip()
    elif name == "properties":
        for prop in _value(element) or []:
            if isinstance(prop, Mapping) and prop.get("name") == SYSTEM_PROPERTY and prop.get("value"):
                header.systems.append(str(prop["value"]).strip())
