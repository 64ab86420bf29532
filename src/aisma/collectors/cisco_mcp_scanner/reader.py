"""Stream one Cisco MCP scanner JSON file into per-server results: scanned or not, HIGH findings.

The shapes the scanner writes (its docs/output-formats.md and docs/api-reference.md):

- ``--format raw``: ``{server_url, scan_results: [...], requested_analyzers}``; ``--raw`` the bare
  array of results; ``known-configs --raw`` a map ``{config_path: [...]}``;
- the API's responses: ``/scan-all-prompts`` ``{server_url, total_prompts, ..., prompts: [...]}``
  (``results`` in its documentation), ``/scan-all-resources`` ``{server_url, total_resources,
  scanned, skipped, ..., resources: [...]}``, and one item (``/scan-prompt``, ``/scan-resource``,
  ``/scan-tool``, ``/scan-instructions``): ``{server_url, prompt_name | resource_uri | tool_name |
  instructions, status, is_safe, findings}``;
- ``vulnerable-package``: ``{scan_target: "vulnerable-package:<path>"`` (or ``mcp_server_repository``),
  ``scan_results: [{package_name, vulnerability_description, ...}]}``. That is pip-audit over a
  requirements file or a project: a dependency scan, not a scan of an MCP server, so it counts for
  no server (the collector says so in a warning).

A result is one tool, prompt, resource or instructions with ``status`` (a resource whose MIME type is
not analysed is ``skipped``), ``is_safe`` and ``findings`` keyed by analyzer, each with a rolled-up
``severity``. Config-based scans name the server (``server_name``); a remote or stdio scan names
only its target in ``server_url`` (``stdio:<command>`` for stdio), and a bare array names nothing,
so its target is the file name. ``server_names`` in the collector settings maps such targets (globs
allowed) to the names the inventory uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from aisma.collectors.mcp_config.stream import ANY_ITEM, ANY_KEY, Hit, Pattern, parse_events, select
from aisma.collectors.mcp_scan.coverage import ServerScan
from aisma.errors import AismaError
from aisma.formats.jsonstream import open_json, shape_error

EXPECTED = (
    "Cisco MCP scanner JSON output (--format raw {server_url, scan_results}, a --raw array of results, "
    "or a known-configs map of config paths to results)"
)
HIGH_SEVERITIES = frozenset({"HIGH", "CRITICAL"})
_RESULT_FIELDS = ("is_safe", "findings", "status", "item_type")
_ITEM_NAMES = ("tool_name", "prompt_name", "resource_name", "resource_uri", "package_name")
_SINGLE = ("tool_name", "prompt_name", "resource_uri", "instructions")  # one item at the top level (API)
_TOP_FIELDS = ("server_url", "mcp_server_repository", "scan_target", "server_name", *_RESULT_FIELDS, *_ITEM_NAMES)
_COUNTS = ("total_", "safe_", "unsafe_")  # the API responses' summary numbers
_SCALARS = frozenset({"scanned", "skipped", "requested_analyzers", "instructions", "protocol_version"})
_BUILD: tuple[Pattern, ...] = (*((key,) for key in _TOP_FIELDS), (ANY_ITEM,), (ANY_KEY, ANY_ITEM))
_PEEK: tuple[Pattern, ...] = ((ANY_KEY,),)
_TARGET = ""  # results that name no server belong to the file's scan target


def server_names(settings: Mapping[str, Any]) -> dict[str, str]:
    """``collectors.cisco-mcp-scanner.server_names``: scan target (glob) -> inventory server name."""
    value = settings.get("server_names") or {}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise AismaError("aisma.yaml: collectors.cisco-mcp-scanner.server_names must map scan targets to server names")
    return dict(value)


def _severity(findings: Any) -> tuple[str, list[str]]:
    """The highest severity across analyzers, and the analyzers (with threats) that reached it."""
    order = {"SAFE": 0, "UNKNOWN": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3, "CRITICAL": 4}
    worst, where = "SAFE", []
    if isinstance(findings, Mapping):
        for analyzer, found in findings.items():
            if not isinstance(found, Mapping):
                continue
            severity = str(found.get("severity") or "UNKNOWN").upper()
            threats = found.get("threat_names") or []
            label = f"{analyzer}: {', '.join(map(str, threats))}" if threats else str(analyzer)
            if order.get(severity, 0) > order.get(worst, 0):
                worst, where = severity, [label]
            elif severity == worst and order.get(severity, 0) > 0:
                where.append(label)
    return worst, where


@dataclass
class CiscoFile:
    """One file: per-server results, how many results, and what a package scan found."""

    servers: dict[str, ServerScan]
    results: int
    package_target: str = ""  # set for a vulnerable-package scan (no MCP server scanned)
    packages: int = 0
    vulnerable: list[str] = field(default_factory=list)


class _Reader:
    def __init__(self, path: Path, names: Mapping[str, str]) -> None:
        self.path, self.names = path, names
        self.servers: dict[str, ServerScan] = {}
        self.top: dict[str, str] = {}  # top-level key -> first event
        self.target: dict[str, str] = {}
        self.fields: dict[str, object] = {}  # top-level values built (a single-item response)
        self.results = 0
        self.packages = 0
        self.vulnerable: list[str] = []

    def take(self, hit: Hit) -> None:
        if len(hit.path) == 1 and isinstance(hit.path[0], str):
            key = hit.path[0]
            self.top.setdefault(key, hit.event)
            if hit.built:
                self.fields[key] = hit.value
                if isinstance(hit.value, str):
                    self.target[key] = hit.value
            return
        if not hit.built:
            return
        item = hit.value
        if isinstance(hit.path[0], str) and hit.path[0] == "requested_analyzers":
            return
        if not isinstance(item, Mapping) or not any(k in item for k in _RESULT_FIELDS):
            raise shape_error(self.path, f"item {hit.path[-1]} is not a scan result (no is_safe or findings)", EXPECTED)
        self.item(item)

    def item(self, item: Mapping[str, Any]) -> None:
        self.results += 1
        if "package_name" in item:  # a vulnerable-package result: a dependency, not an MCP server
            self.packages += 1
            if item.get("is_safe") is False and len(self.vulnerable) < 20:
                self.vulnerable.append(str(item.get("package_name")))
            return
        server = str(item.get("server_name") or _TARGET)
        scan = self.servers.setdefault(server.casefold(), ServerScan(server))
        status = str(item.get("status") or "completed")
        if status.casefold() != "completed":
            scan.merge(ServerScan(server, why_not=f"not scanned (status {status})"))
            return
        severity, analyzers = _severity(item.get("findings"))
        problems = []
        if severity in HIGH_SEVERITIES:
            inferred = next((k.split("_")[0] for k in _ITEM_NAMES if item.get(k)), "item")
            kind = str(item.get("item_type") or inferred)
            name = next((str(item[k]) for k in _ITEM_NAMES if item.get(k)), "?")
            problems.append(f"{kind} {name}: {severity} ({'; '.join(analyzers)})")
        scan.merge(ServerScan(server, scanned=True, problems=problems))

    def result(self, first: bytes) -> dict[str, ServerScan]:
        if first == b"{" and "scan_results" not in self.top:
            if not any(event == "start_array" for event in self.top.values()) and any(k in self.top for k in _SINGLE):
                self.item(self.fields)  # one prompt, resource, tool or instructions scanned (the API)
            else:
                odd = next((k for k, event in self.top.items() if event != "start_array" and not _known(k)), None)
                if odd is not None:
                    raise shape_error(self.path, f"no scan_results, and {odd!r} is not a list of results", EXPECTED)
        out: dict[str, ServerScan] = {}
        for key, scan in self.servers.items():
            if key == _TARGET:
                label = self.target.get("server_url") or self.target.get("mcp_server_repository") or self.path.stem
                scan.name = label
            name = next((v for pattern, v in self.names.items() if fnmatchcase(scan.name, pattern)), scan.name)
            scan.name = name
            if name.casefold() in out:
                out[name.casefold()].merge(scan)
            else:
                out[name.casefold()] = scan
        return out


def _known(key: str) -> bool:
    """A top-level key of a response that is not a list of results."""
    return key in _TOP_FIELDS or key in _SCALARS or key.startswith(_COUNTS)


def read_results(path: Path, names: Mapping[str, str]) -> CiscoFile:
    """Per-server results of one file and the number of scan results in it; bad input raises one line."""
    reader = _Reader(path, names)
    with open_json(path, EXPECTED) as (handle, first):
        if first not in (b"{", b"["):
            raise shape_error(path, "not a JSON object or array", EXPECTED)
        for hit in select(parse_events(handle), _BUILD, _PEEK):
            reader.take(hit)
    servers = reader.result(first)
    target = str(reader.fields.get("scan_target") or reader.fields.get("mcp_server_repository") or "")
    if reader.packages or target.startswith("vulnerable-package:"):
        return CiscoFile({}, reader.results, target or path.name, reader.packages, reader.vulnerable)
    return CiscoFile(servers, reader.results)
