"""Read one MCP client configuration or coding-agent settings file into pass/fail tallies per metric.

The file is streamed one server entry at a time (a fleet export can hold hundreds of thousands);
each entry goes through the inventory importer's own parsing (``server_from_entry``) so discovery
and this collector agree on names and transports. JSON with comments, which ijson rejects, is read
whole through the importer's tolerant loader when it is small enough (VS Code writes such files).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from aisma.collectors.base import MAX_DETAILS
from aisma.collectors.mcp_config.importer import MAX_CONFIG_BYTES, client_of, load_config, server_from_entry
from aisma.collectors.mcp_config.launch import launch_of
from aisma.collectors.mcp_config.secrets import entry_secrets
from aisma.collectors.mcp_config.settings import (
    CLAUDE_KEYS,
    CLAUDE_POLICY_KEYS,
    VSCODE_KEYS,
    SettingsKind,
    allowlist_gaps,
    auto_approves,
    settings_kind,
    unsupervised,
)
from aisma.collectors.mcp_config.stream import ANY_KEY, Hit, Pattern, events_of, matches, parse_events, select
from aisma.errors import AismaError, InputError
from aisma.formats.jsonstream import JSONError, open_json, shape_error

EXPECTED = "an MCP client configuration (mcpServers, servers or mcp.servers) or a coding-agent settings file, as JSON"
PINNED = "mcp.servers.pinned_ratio"
SECRET_FREE = "mcp.servers.secret_free_ratio"  # noqa: S105 - a metric id
AUTHENTICATED = "mcp.remote.authenticated_ratio"
ALLOWLISTED = "mcp.servers.allowlisted_ratio"
TLS = "mcp.remote.tls_ratio"
SANDBOXED = "mcp.servers.sandboxed_ratio"
GATEWAY = "mcp.remote.gateway_routed_ratio"
SUPERVISED = "mcp.clients.supervised_execution_ratio"
ENFORCED = "mcp.clients.allowlist_enforced_ratio"

# Where server entries sit, by layout; the first layout present wins, as in the importer.
_LAYOUTS: dict[Pattern, str] = {
    ("mcpServers", ANY_KEY): "mcpServers",
    ("projects", ANY_KEY, "mcpServers", ANY_KEY): "mcpServers",
    ("servers", ANY_KEY): "servers",
    ("mcp", "servers", ANY_KEY): "mcp.servers",
    ("mcp.servers", ANY_KEY): "mcp.servers",
}
_CONTAINERS: dict[Pattern, str] = {
    ("mcpServers",): "mcpServers",
    ("servers",): "servers",
    ("mcp", "servers"): "mcp.servers",
    ("mcp.servers",): "mcp.servers",
}
_ORDER = ("mcpServers", "servers", "mcp.servers")
_BUILD: tuple[Pattern, ...] = (*_LAYOUTS, *((key,) for key in (*VSCODE_KEYS, *CLAUDE_KEYS, *CLAUDE_POLICY_KEYS)))
_PEEK: tuple[Pattern, ...] = ((ANY_KEY,), *_CONTAINERS)
_KNOWN_NAMES = frozenset(
    {
        "claude_desktop_config.json",
        ".claude.json",
        ".mcp.json",
        "mcp.json",
        "mcp_config.json",
        "settings.json",
        "managed-mcp.json",
    }
)
_AUTH_HEADERS = ("authorization", "proxy-authorization")
_TOKEN_HEADER_PARTS = ("api-key", "api_key", "apikey", "auth-token", "access-token", "x-token")
_DETAIL_WIDTH = 200
# JSON with comments (VS Code) is parsed whole by the importer's tolerant loader; only up to this size, since
# a whole parse costs many times the file in memory (settings files are a few kilobytes).
MAX_TOLERANT_BYTES = 2 << 20


@dataclass(frozen=True)
class Options:
    """The collector settings (``collectors.mcp-config`` in aisma.yaml)."""

    allowlist: tuple[str, ...] = ()
    gateway_hosts: tuple[str, ...] = ()
    sandbox_wrappers: tuple[str, ...] = ()

    @classmethod
    def from_settings(cls, settings: Mapping[str, Any]) -> Options:
        def strings(key: str) -> tuple[str, ...]:
            value = settings.get(key)
            if value is None:
                return ()
            if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                raise AismaError(f"aisma.yaml: collectors.mcp-config.{key} must be a list of non-empty strings")
            return tuple(v.strip() for v in value)

        return cls(strings("allowlist"), strings("gateway_hosts"), strings("sandbox_wrappers"))


@dataclass
class Tally:
    passed: int = 0
    total: int = 0
    failing: list[str] = field(default_factory=list)

    def add(self, ok: bool, failure: str) -> None:
        self.total += 1
        if ok:
            self.passed += 1
        elif len(self.failing) < MAX_DETAILS:
            self.failing.append(failure if len(failure) <= _DETAIL_WIDTH else failure[: _DETAIL_WIDTH - 3] + "...")


@dataclass
class _Layout:
    tallies: dict[str, Tally] = field(default_factory=dict)
    auto_approved: list[str] = field(default_factory=list)
    servers: int = 0
    names: list[str] = field(default_factory=list)  # the servers, as the inventory importer names them
    problem: str | None = None  # an entry that is not an object

    def add(self, metric: str, ok: bool, failure: str) -> None:
        self.tallies.setdefault(metric, Tally()).add(ok, failure)


@dataclass(frozen=True)
class ConfigResult:
    client: str
    servers: int
    settings: SettingsKind | None
    tallies: dict[str, Tally]
    names: tuple[str, ...] = ()


def _loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _authenticated(entry: Mapping[str, Any]) -> bool:
    headers = entry.get("headers")
    if isinstance(headers, Mapping):
        for name, value in headers.items():
            key = str(name).casefold()
            named = key in _AUTH_HEADERS or any(part in key for part in _TOKEN_HEADER_PARTS)
            if named and isinstance(value, str) and value.strip():
                return True
    for key in ("oauth", "auth"):
        value = entry.get(key)
        if value is True or (isinstance(value, Mapping) and value and value.get("enabled") is not False):
            return True
    return bool(entry.get("authProviderType") or entry.get("headersHelper"))


def _on(patterns: Sequence[str], identities: Sequence[str]) -> bool:
    return any(fnmatchcase(i.casefold(), p.casefold()) for i in identities if i for p in patterns)


class _Reader:
    """Takes the hits of one file: server entries per layout, settings values, top-level keys."""

    def __init__(self, path: Path, display: str, options: Options) -> None:
        self.path, self.display, self.options = path, display, options
        self.layouts: dict[str, _Layout] = {}
        self.containers: dict[str, str] = {}  # layout -> first event of its object
        self.values: dict[str, Any] = {}
        self.top_keys: set[str] = set()

    def take(self, hit: Hit) -> None:
        if len(hit.path) == 1:
            self.top_keys.add(str(hit.path[0]))
        pattern = next((p for p in _CONTAINERS if p == hit.path), None)
        if pattern is not None and not hit.built:
            self.containers.setdefault(_CONTAINERS[pattern], hit.event)
            return
        if hit.built and len(hit.path) == 1:
            self.values[str(hit.path[0])] = hit.value
            return
        layout = next((v for p, v in _LAYOUTS.items() if matches(hit.path, p)), None)
        if layout is not None:
            if layout == "mcpServers" and len(hit.path) == 4:
                self.containers.setdefault("mcpServers", "start_map")
            self._server(layout, str(hit.path[-1]), hit.value)

    def _server(self, layout_name: str, name: str, entry: Any) -> None:
        layout = self.layouts.setdefault(layout_name, _Layout())
        if not isinstance(entry, Mapping):
            layout.problem = layout.problem or f"{layout_name}.{name} is not an object with command or url"
            return
        options = self.options
        server = server_from_entry(self.path, layout_name, name, entry)
        label = f"{self.display}: {name}"
        layout.servers += 1
        layout.names.append(server.name)
        secrets = entry_secrets(entry)
        layout.add(SECRET_FREE, not secrets, f"{label}: literal secret in {', '.join(secrets)}")
        remote = server.url is not None and server.transport != "stdio"
        identities: list[str] = []
        if remote and server.url is not None:
            parts = urlsplit(server.url)
            host = (parts.hostname or "").casefold()
            identities = [host, f"{host}{parts.path}", server.url]
            layout.add(AUTHENTICATED, _authenticated(entry), f"{label}: {server.url} without authorization or OAuth")
            tls = parts.scheme.casefold() in ("https", "wss") or _loopback(host)
            layout.add(TLS, tls, f"{label}: {server.url} is not https")
            if options.gateway_hosts:
                routed = _on(options.gateway_hosts, [host])
                layout.add(GATEWAY, routed, f"{label}: {host or server.url} is not an MCP gateway host")
        elif server.command is not None:
            launch = launch_of(server.command, server.args, options.sandbox_wrappers)
            layout.add(PINNED, launch.pinned, f"{label}: {launch.spec or server.target}: {launch.why}")
            started = launch.spec or launch.program
            layout.add(SANDBOXED, launch.sandboxed, f"{label}: {started} runs outside a container or sandbox")
            if launch.kind == "program":
                identities = [launch.program, launch.program.replace("\\", "/").rsplit("/", 1)[-1], server.target]
            else:
                identities = [launch.name or "", launch.spec or ""]
        if options.allowlist:
            shown = identities[0] if identities else server.target or "no package, image or URL"
            layout.add(ALLOWLISTED, _on(options.allowlist, identities), f"{label}: {shown} is not on the allowlist")
        if auto_approves(entry):
            layout.auto_approved.append(name)

    def result(self) -> ConfigResult:
        chosen = next((name for name in _ORDER if self._present(name)), None)
        layout = self.layouts.get(chosen, _Layout()) if chosen else _Layout()
        if chosen and self.containers.get(chosen, "start_map") != "start_map":
            raise shape_error(self.path, f"{chosen} is not an object mapping server names to settings", EXPECTED)
        if layout.problem:
            raise shape_error(self.path, layout.problem, EXPECTED)
        kind = settings_kind(self.path, self.top_keys)
        if chosen is None and kind is None and self.path.name.casefold() not in _KNOWN_NAMES:
            raise shape_error(self.path, "no mcpServers, servers or mcp.servers object and no agent settings", EXPECTED)
        tallies = dict(layout.tallies)
        if kind is not None:
            failing = unsupervised(kind, self.values, layout.auto_approved)
            supervised = Tally()
            supervised.add(not failing, f"{self.display}: {'; '.join(failing)}")
            tallies[SUPERVISED] = supervised
        gaps = allowlist_gaps(self.path, self.values)
        if gaps is not None:
            enforced = Tally()
            enforced.add(not gaps, f"{self.display}: {'; '.join(gaps)}")
            tallies[ENFORCED] = enforced
        return ConfigResult(client_of(self.path, chosen), layout.servers, kind, tallies, tuple(layout.names))

    def _present(self, layout: str) -> bool:
        event = self.containers.get(layout)
        if layout == "servers":
            return event == "start_map"
        return event is not None or layout in self.layouts


def read_config(path: Path, display: str, options: Options) -> ConfigResult:
    """The tallies of one file; bad input raises a one-line error naming the file."""
    reader = _Reader(path, display, options)
    with open_json(path, EXPECTED) as (handle, first):
        if first not in (b"{", b"/"):
            raise shape_error(path, "not a JSON object", EXPECTED)
        if first == b"{":
            try:
                for hit in select(parse_events(handle), _BUILD, _PEEK):
                    reader.take(hit)
                return reader.result()
            except JSONError as exc:
                if path.stat().st_size > min(MAX_CONFIG_BYTES, MAX_TOLERANT_BYTES):
                    raise exc from None
    try:  # comments or trailing commas (VS Code), or broken JSON: the tolerant loader decides
        data = load_config(path)
    except InputError as exc:
        where = f" at line {exc.line}" if exc.line else ""
        detail = exc.detail.removeprefix("invalid JSON: ")
        raise shape_error(path, f"truncated or invalid JSON ({detail}{where})", EXPECTED) from None
    if not isinstance(data, Mapping):
        raise shape_error(path, "not a JSON object", EXPECTED)
    reader = _Reader(path, display, options)
    for hit in select(events_of(data), _BUILD, _PEEK):
        reader.take(hit)
    return reader.result()
