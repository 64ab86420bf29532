"""Read MCP client configuration files: which MCP servers the AI clients of the organization connect to.

MCP servers give agents tools, so an inventory that misses them misses the agents' reach. The
client files found on developer machines and in repositories are the most direct record. Layouts:

- ``{"mcpServers": {name: {...}}}``: Claude Desktop and Code, Cursor, Windsurf, Gemini CLI, Cline
- ``{"projects": {dir: {"mcpServers": {...}}}}``: Claude Code's ``~/.claude.json`` (per-project servers)
- ``{"servers": {name: {...}}}``: VS Code ``mcp.json``
- ``{"mcp": {"servers": {...}}}`` or ``{"mcp.servers": {...}}``: VS Code ``settings.json``

A server is ``{command, args, env}`` (stdio) or ``{url | serverUrl | httpUrl, headers}`` (remote);
the transport is the entry's ``type``/``transport`` when given, else stdio for a command, http for
``httpUrl``, sse for a URL whose path ends in ``/sse`` and http for any other URL. Only the names of
``env`` variables and ``headers`` are kept: their values are often secrets. A file without any of
these layouts has zero servers, which is not an error (VS Code settings often have none).
VS Code writes JSON with comments and trailing commas; both are tolerated, outside strings only.

``parse_mcp_config`` is pure (a path in, dataclasses out); the mcp-config collector, which streams
large files itself, reuses ``load_config``, ``server_from_entry`` and ``client_of``. ``import_mcp``
records the servers in the inventory's ``mcp_servers``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisma.errors import InputError
from aisma.inventory.importers.common import MB, decode_text, open_inventory, parse_json, read_bytes
from aisma.inventory.matching import find_system

MAX_CONFIG_BYTES = 20 * MB

_TRANSPORTS = {
    "stdio": "stdio",
    "http": "http",
    "streamable-http": "http",
    "streamable_http": "http",
    "streamablehttp": "http",
    "sse": "sse",
}
# A JSON string (kept), or a comment (blanked); newlines survive so error lines stay right.
_COMMENT = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?(?:\*/|\Z)', re.DOTALL)
_TRAILING_COMMA = re.compile(r'"(?:[^"\\\n]|\\.)*"|,(?=\s*[}\]])')


@dataclass(frozen=True)
class McpServer:
    name: str
    transport: str
    command: str | None
    args: tuple[str, ...]
    url: str | None
    env_keys: tuple[str, ...]
    header_keys: tuple[str, ...]
    disabled: bool

    @property
    def target(self) -> str:
        """What the server runs or where it is: the command line, or the URL."""
        if self.command is not None:
            return " ".join([self.command, *self.args])
        return self.url or ""


@dataclass(frozen=True)
class McpConfig:
    """One client configuration file: the client it appears to belong to, its layout and servers."""

    file: str
    client: str
    layout: str | None
    servers: tuple[McpServer, ...]


@dataclass(frozen=True)
class ServerAssignment:
    name: str
    systems: tuple[str, ...]


@dataclass(frozen=True)
class McpImportResult:
    configs: tuple[McpConfig, ...]
    assignments: tuple[ServerAssignment, ...]
    systems: dict[str, str]

    @property
    def unassigned(self) -> tuple[str, ...]:
        return tuple(a.name for a in self.assignments if not a.systems)


def strip_jsonc(text: str) -> str:
    """JSON with ``//`` and ``/* */`` comments and trailing commas -> JSON; strings are left alone."""

    def blank(match: re.Match[str]) -> str:
        found = match.group(0)
        if found.startswith('"'):
            return found
        return "".join(ch if ch == "\n" else " " for ch in found)

    return _TRAILING_COMMA.sub(blank, _COMMENT.sub(blank, text))


def load_config(path: Path) -> Any:
    """The parsed file (at most 20 MB), tolerating the comments and trailing commas VS Code writes."""
    text = decode_text(path, read_bytes(path, MAX_CONFIG_BYTES))
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return parse_json(path, strip_jsonc(text))


def _servers_of(data: Any) -> tuple[str | None, Any]:
    if not isinstance(data, Mapping):
        return None, None
    if "mcpServers" in data:
        return "mcpServers", data["mcpServers"]
    if isinstance(data.get("servers"), Mapping):  # "servers" alone is too common a key to insist on
        return "servers", data["servers"]
    mcp = data.get("mcp")
    if isinstance(mcp, Mapping) and "servers" in mcp:
        return "mcp.servers", mcp["servers"]
    if "mcp.servers" in data:
        return "mcp.servers", data["mcp.servers"]
    return None, None


def client_of(path: Path, layout: str | None) -> str:
    """The client a configuration file belongs to, from its name and folders (``unknown`` if unclear)."""
    name = path.name.casefold()
    parts = {p.casefold() for p in path.parts[:-1]}
    if name == "claude_desktop_config.json":
        return "claude-desktop"
    if name in (".claude.json", ".mcp.json") or ".claude" in parts:
        return "claude-code"
    if ".cursor" in parts:
        return "cursor"
    if "windsurf" in parts or name == "mcp_config.json":
        return "windsurf"
    if ".gemini" in parts:
        return "gemini"
    if ".vscode" in parts or "code" in parts or layout in ("servers", "mcp.servers"):
        return "vscode"
    return "unknown"


def _names(value: Any) -> tuple[str, ...]:
    return tuple(str(key) for key in value) if isinstance(value, Mapping) else ()


def _transport(entry: Mapping[str, Any], url: str | None) -> str:
    declared = entry.get("type", entry.get("transport"))
    if isinstance(declared, str) and declared.strip():
        return _TRANSPORTS.get(declared.strip().casefold(), declared.strip())
    if isinstance(entry.get("command"), str):
        return "stdio"
    if isinstance(entry.get("httpUrl"), str):
        return "http"
    if url:
        return "sse" if url.split("?")[0].rstrip("/").endswith("/sse") else "http"
    return "unknown"


def server_from_entry(path: Path, layout: str, name: str, entry: Any) -> McpServer:
    """One server entry; an entry that is not an object raises with the file and the entry's name."""
    if not isinstance(entry, Mapping):
        raise InputError(path, None, f"{layout}.{name} must be an object with command or url")
    url = next((entry[k] for k in ("url", "serverUrl", "httpUrl") if isinstance(entry.get(k), str)), None)
    command = entry.get("command")
    args = entry.get("args")
    return McpServer(
        name=name,
        transport=_transport(entry, url),
        command=command if isinstance(command, str) else None,
        args=tuple(str(a) for a in args) if isinstance(args, list) else (),
        url=url,
        env_keys=_names(entry.get("env")),
        header_keys=_names(entry.get("headers")),
        disabled=entry.get("disabled") is True,
    )


def _project_servers(data: Any) -> list[tuple[str, Any]]:
    """Claude Code's per-project servers in ``~/.claude.json``: ``projects.<dir>.mcpServers``."""
    projects = data.get("projects") if isinstance(data, Mapping) else None
    if not isinstance(projects, Mapping):
        return []
    found: list[tuple[str, Any]] = []
    for project in projects.values():
        servers = project.get("mcpServers") if isinstance(project, Mapping) else None
        if isinstance(servers, Mapping):
            found.extend((str(name), entry) for name, entry in servers.items())
    return found


def parse_mcp_config(path: Path) -> McpConfig:
    """The MCP servers configured in one client file; invalid JSON raises with the file and line."""
    data = load_config(path)
    layout, servers = _servers_of(data)
    projects = _project_servers(data)
    if layout is None or servers is None:
        if not projects:
            return McpConfig(str(path), client_of(path, None), None, ())
        layout, servers = "mcpServers", {}
    if not isinstance(servers, Mapping):
        raise InputError(path, None, f"{layout} must be an object mapping server names to their settings")
    entries = [*((str(name), entry) for name, entry in servers.items()), *projects]
    found = tuple(server_from_entry(path, layout, name, entry) for name, entry in entries)
    return McpConfig(str(path), client_of(path, layout), layout, found)


def _listed(entry: Mapping[str, Any], name: str) -> bool:
    listed = entry.get("mcp_servers") or ()
    return any(str(item).casefold() == name.casefold() for item in listed)


def import_mcp(paths: Sequence[Path], directory: Path, system: str | None = None) -> McpImportResult:
    """Add the servers to ``system``'s mcp_servers, or to the systems that list or match them."""
    document = open_inventory(directory)
    systems = document.validated().systems
    configs = tuple(parse_mcp_config(path) for path in paths)
    names = list(dict.fromkeys(server.name for config in configs for server in config.servers))
    if system is not None:
        document.require(system)
    additions: dict[str, list[str]] = {}
    assignments: list[ServerAssignment] = []
    for name in names:
        if system is not None:
            owners: tuple[str, ...] = (system,)
        else:
            owners = tuple(s.id for s in systems if _listed(document.require(s.id), name))
            matched = find_system(systems, name) if not owners else None
            owners = owners or ((matched.id,) if matched else ())
        for owner in owners:
            if not _listed(document.require(owner), name):
                additions.setdefault(owner, []).append(name)
        assignments.append(ServerAssignment(name, owners))
    statuses: dict[str, str] = {}
    for owner, added in additions.items():
        current = [str(item) for item in document.require(owner).get("mcp_servers") or ()]
        statuses[owner] = document.upsert({"id": owner, "mcp_servers": [*current, *added]})
    if any(status != "unchanged" for status in statuses.values()):
        document.save()
    return McpImportResult(configs, tuple(assignments), statuses)
