"""Stream one mcp-scan / agent-scan ``--json`` file: servers scanned and their high issues, toxic configs.

The output is ``{config_path: {client, path, servers: [{name, server, signature, error}], issues:
[{code, message, reference, extra_data}], labels, error}}``. An issue's ``reference`` is
``[server_index, entity_index]``, ``[server_index, null]`` or null (the whole configuration). One
issue is built at a time, and of a server only its name, launch settings and error: the signature
(every tool's description and schema, the bulk of the file) is only checked for presence. A
configuration's servers and issues are kept until it ends, so memory follows the largest
configuration, not the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aisma.collectors.mcp_config.stream import ANY_ITEM, ANY_KEY, Hit, Pattern, parse_events, select
from aisma.collectors.mcp_scan.codes import (
    SENSITIVE_DATA,
    UNTRUSTED_CONTENT,
    WHITELISTED,
    is_analysis_failure,
    is_high,
)
from aisma.collectors.mcp_scan.coverage import ServerScan
from aisma.formats.jsonstream import open_json, shape_error

EXPECTED = "mcp-scan or agent-scan --json output (an object mapping config paths to {client, path, servers, issues})"
_FIELDS = ("client", "path", "servers", "issues", "labels", "error")
_BUILD: tuple[Pattern, ...] = (
    (ANY_KEY, "client"),
    (ANY_KEY, "path"),
    (ANY_KEY, "servers", ANY_ITEM, "name"),
    (ANY_KEY, "servers", ANY_ITEM, "server"),
    (ANY_KEY, "servers", ANY_ITEM, "error"),
    (ANY_KEY, "issues", ANY_ITEM),
    (ANY_KEY, "error"),
)
_PEEK: tuple[Pattern, ...] = (
    (ANY_KEY,),
    (ANY_KEY, ANY_KEY),
    (ANY_KEY, "servers", ANY_ITEM),
    (ANY_KEY, "servers", ANY_ITEM, "signature"),
)
_MESSAGE_WIDTH = 100


@dataclass(frozen=True)
class _Issue:
    code: str
    message: str
    server: int | None
    entity: int | None


@dataclass
class _Config:
    key: str
    fields: set[str] = field(default_factory=set)
    path: str = ""
    error: Any = None
    pending: list[dict[str, Any]] = field(default_factory=list)  # the servers' fields, as read
    servers: list[tuple[int, ServerScan]] = field(default_factory=list)
    issues: list[_Issue] = field(default_factory=list)


@dataclass
class ConfigScan:
    """One client configuration of the run: whether any server was scanned, and its toxic flow if any."""

    scanned: bool
    toxic: str  # empty when there is no toxic flow


@dataclass
class ScanFile:
    servers: dict[str, ServerScan] = field(default_factory=dict)
    configs: dict[str, ConfigScan] = field(default_factory=dict)
    muted: int = 0


def _short(text: Any) -> str:
    line = str(text or "").strip().splitlines()[0] if str(text or "").strip() else ""
    return line if len(line) <= _MESSAGE_WIDTH else line[: _MESSAGE_WIDTH - 3] + "..."


def _reference(value: Any) -> tuple[int | None, int | None]:
    if isinstance(value, list) and len(value) == 2:
        server, entity = value
        return (server if isinstance(server, int) else None, entity if isinstance(entity, int) else None)
    return None, None


def _server(index: int, item: Any) -> ServerScan | None:
    """A server entry of the output; None for skills, which are not MCP servers."""
    if not isinstance(item, Mapping):
        return None
    raw = item.get("server")
    spec: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
    if spec.get("type") == "skill" or ("path" in spec and "command" not in spec and "url" not in spec):
        return None
    name = item.get("name") or spec.get("url") or spec.get("serverUrl") or spec.get("command") or f"server {index}"
    scan = ServerScan(name=str(name))
    error = item.get("error")
    if error:
        message = error.get("message") or error.get("exception") if isinstance(error, Mapping) else error
        scan.why_not = f"not scanned ({_short(message) or 'error'})"
    elif item.get("signature") is None:
        scan.why_not = "not scanned (no signature)"
    else:
        scan.scanned = True
    return scan


def _name(names: Mapping[int, str], index: int | None) -> str:
    return names.get(index, f"server {index}") if index is not None else "the configuration"


class _Reader:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.result = ScanFile()
        self.current: _Config | None = None

    def take(self, hit: Hit) -> None:
        key = str(hit.path[0])
        if len(hit.path) == 1:
            self.finish()
            if hit.event != "start_map":
                raise shape_error(self.path, f"{key!r} is not a client configuration result", EXPECTED)
            self.current = _Config(key)
            return
        config = self.current
        if config is None:  # pragma: no cover - the walker reports a configuration before its fields
            return
        field_name = str(hit.path[1])
        config.fields.add(field_name)
        if field_name == "servers" and len(hit.path) == 3:
            config.pending.append({"index": hit.path[2], "map": hit.event == "start_map"})
        elif field_name == "servers" and config.pending:
            part = str(hit.path[3])
            config.pending[-1][part] = hit.value if hit.built else (None if hit.event == "null" else True)
        elif not hit.built:
            return
        elif field_name == "path":
            config.path = str(hit.value)
        elif field_name == "error":
            config.error = hit.value
        elif field_name == "issues" and isinstance(hit.value, Mapping):
            server, entity = _reference(hit.value.get("reference"))
            code = str(hit.value.get("code") or "")
            config.issues.append(_Issue(code, _short(hit.value.get("message")), server, entity))

    def finish(self) -> None:
        config, self.current = self.current, None
        if config is None:
            return
        if not config.fields & set(_FIELDS):
            raise shape_error(self.path, f"{config.key!r} has none of {', '.join(_FIELDS)}", EXPECTED)
        for part in config.pending:
            index = int(part.pop("index"))
            scan = _server(index, part) if part.pop("map") else None
            if scan is not None:
                config.servers.append((index, scan))
        where = config.path or config.key
        muted_all = {i.server for i in config.issues if i.code == WHITELISTED and i.entity is None}
        muted = {(i.server, i.entity) for i in config.issues if i.code == WHITELISTED}
        issues: list[_Issue] = []
        for issue in config.issues:
            if issue.code == WHITELISTED:
                continue
            if issue.server is not None and (issue.server in muted_all or (issue.server, issue.entity) in muted):
                self.result.muted += 1
            else:
                issues.append(issue)
        error = config.error
        failed = isinstance(error, Mapping) and error.get("is_failure", True) is not False
        failures = [i for i in issues if is_analysis_failure(i.code)]
        names = {index: scan.name for index, scan in config.servers}
        any_scanned = False
        for index, scan in config.servers:
            stopped = next((i for i in failures if i.server in (index, None)), None)
            if scan.scanned and (failed or stopped):
                reason = f"{stopped.code} {stopped.message}" if stopped else _short(error.get("message"))
                scan.scanned, scan.why_not = False, f"not analysed ({reason or 'analysis failed'})"
            if scan.scanned:
                any_scanned = True
                high = [i for i in issues if i.server == index and is_high(i.code)]
                scan.problems = [f"{i.code} {i.message} ({where})" for i in high]
            key = scan.name.casefold()
            if key in self.result.servers:
                self.result.servers[key].merge(scan)
            else:
                self.result.servers[key] = scan
        untrusted = sorted({_name(names, i.server) for i in issues if i.code == UNTRUSTED_CONTENT})
        sensitive = sorted({_name(names, i.server) for i in issues if i.code == SENSITIVE_DATA})
        toxic = ""
        if untrusted and sensitive:
            toxic = f"{where}: untrusted content (W015) from {', '.join(untrusted)} with sensitive data (W017) from "
            toxic += ", ".join(sensitive)
        self.result.configs[where] = ConfigScan(any_scanned, toxic)


def read_scan(path: Path) -> ScanFile:
    """The servers and configurations of one mcp-scan output file; bad input raises one line."""
    reader = _Reader(path)
    with open_json(path, EXPECTED) as (handle, first):
        if first != b"{":
            raise shape_error(path, "not a JSON object", EXPECTED)
        for hit in select(parse_events(handle), _BUILD, _PEEK):
            reader.take(hit)
        reader.finish()
    return reader.result
