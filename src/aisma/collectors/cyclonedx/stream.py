"""Stream a CycloneDX BOM: its header fields, then each top-level component and vulnerability.

A BOM of a large platform lists hundreds of thousands of components, so a JSON file is read as
ijson events (through the reading guard: nesting, strings and each built component are bounded)
and only one top-level component (with the components nested in it) is built at a time. The
header (format, spec version, timestamp, tools, ``aisma:system`` properties) is collected on the
way, whatever the key order. An XML BOM is read the same way by ``xmlstream.scan_xml``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisma.collectors.cyclonedx.importer import SUPPORTED_SPEC_VERSIONS
from aisma.formats.jsonstream import object_builder, open_json, parse, shape_error

EXPECTED = "a CycloneDX 1.4 to 1.7 BOM (JSON with bomFormat CycloneDX, or XML)"
COMPONENT_DEPTH = 3  # {components: [ {a component} ]}: a built value opens at depth 3
SYSTEM_PROPERTY = "aisma:system"  # a metadata property naming the inventory system the BOM describes
BUILT = frozenset({"metadata.component", "components.item", "vulnerabilities.item"})

Handler = Callable[[str, Mapping[str, Any]], None]


@dataclass
class BomHeader:
    bom_format: str = ""
    spec_version: str = ""
    serial_number: str = ""
    timestamp: str = ""
    tool: str = ""
    tool_version: str = ""
    systems: list[str] = field(default_factory=list)  # values of aisma:system properties
    subject: Mapping[str, Any] = field(default_factory=dict)  # metadata.component without its children


def _text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _header_event(header: BomHeader, prefix: str, value: object, pending: dict[str, str]) -> None:
    """Fold one scalar event of the header into ``header``; ``pending`` holds a property being read."""
    if prefix == "bomFormat":
        header.bom_format = _text(value)
    elif prefix == "specVersion":
        header.spec_version = _text(value)
    elif prefix == "serialNumber":
        header.serial_number = _text(value)
    elif prefix == "metadata.timestamp":
        header.timestamp = _text(value)
    elif prefix in ("metadata.tools.item.name", "metadata.tools.components.item.name") and not header.tool:
        header.tool = _text(value)
    elif prefix in ("metadata.tools.item.version", "metadata.tools.components.item.version"):
        header.tool_version = header.tool_version or _text(value)
    elif prefix in ("metadata.properties.item.name", "metadata.properties.item.value"):
        pending[prefix.rsplit(".", 1)[1]] = _text(value)
        if pending.get("name") == SYSTEM_PROPERTY and "value" in pending:
            header.systems.append(pending["value"])


def scan(path: Path, on_component: Handler, on_vulnerability: Callable[[Mapping[str, Any]], None]) -> BomHeader:
    """Read the BOM once, calling the handlers per top-level component (with its JSON path) and vulnerability.

    A file that is not a CycloneDX 1.4 to 1.7 BOM is a one-line AismaError naming it.
    """
    header = BomHeader()
    with open_json(path, EXPECTED) as (handle, first):
        if first != b"{":
            found = "a JSON array" if first == b"[" else "no JSON object"
            raise shape_error(path, f"found {found}", EXPECTED)
        builder: Any = None
        building = ""
        index = {"components.item": 0}
        pending: dict[str, str] = {}
        for prefix, event, value in parse(handle, item_depth=COMPONENT_DEPTH):
            if builder is not None:
                builder.event(event, value)
                if prefix == building and event == "end_map":
                    built, builder = builder.value, None
                    _deliver(header, building, built, index, on_component, on_vulnerability)
                continue
            if prefix in BUILT and event == "start_map":
                builder, building = object_builder(), prefix
                builder.event(event, value)
            elif prefix == "metadata.properties.item" and event == "start_map":
                pending = {}
            elif event in ("string", "number"):
                _header_event(header, prefix, value, pending)
                if prefix == "bomFormat" and header.bom_format != "CycloneDX":
                    raise shape_error(path, f"bomFormat is {header.bom_format!r}", EXPECTED)
    check(path, header)
    return header


def _deliver(
    header: BomHeader,
    building: str,
    built: object,
    index: dict[str, int],
    on_component: Handler,
    on_vulnerability: Callable[[Mapping[str, Any]], None],
) -> None:
    if not isinstance(built, Mapping):
        return
    if building == "vulnerabilities.item":
        on_vulnerability(built)
        return
    if building == "metadata.component":
        header.subject = {key: value for key, value in built.items() if key != "components"}
        on_component("metadata.component", built)
        return
    on_component(f"components[{index[building]}]", built)
    index[building] += 1


def check(path: Path, header: BomHeader) -> None:
    """A BOM of a supported CycloneDX version, or a one-line AismaError."""
    if not header.bom_format:
        raise shape_error(path, "no bomFormat field", EXPECTED)
    if header.spec_version not in SUPPORTED_SPEC_VERSIONS:
        raise shape_error(path, f"CycloneDX specVersion {header.spec_version or '(none)'!r} is not supported", EXPECTED)
