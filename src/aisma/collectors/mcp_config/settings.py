"""Coding-agent settings that let the agent run commands or tools without approval.

A coding agent that reads a poisoned README or issue can be steered into running commands; approval
prompts or a sandbox are what stand between that text and code execution. The settings files read
here are VS Code user and workspace ``settings.json``, Claude Code ``settings.json``,
``settings.local.json`` and ``managed-settings.json``, and the MCP settings files of Cline and Roo
Code. A file passes when the client's sandbox is on, or when none of these is set: VS Code
``chat.tools.global.autoApprove`` or ``chat.tools.autoApprove`` true, ``chat.permissions.default``
bypass or autopilot, a ``chat.tools.terminal.autoApprove`` rule that matches every command; Claude
Code ``permissions.defaultMode`` bypassPermissions or auto, an allow rule ``Bash`` or ``Bash(*)``
without a command scope; a non-empty ``autoApprove`` or ``alwaysAllow`` list on an MCP server entry.
Cursor keeps its auto-run mode outside files, so its files are not counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

SettingsKind = Literal["vscode", "claude-code", "cline", "roo-code"]

# The flat VS Code keys and the Claude Code objects whose whole value the reader keeps.
VSCODE_KEYS = (
    "chat.tools.global.autoApprove",
    "chat.tools.autoApprove",
    "chat.permissions.default",
    "chat.tools.terminal.autoApprove",
    "chat.agent.sandbox.enabled",
)
CLAUDE_KEYS = ("permissions", "sandbox")
# Claude Code's managed MCP policy (managed-settings.json): an allowlist users cannot extend.
CLAUDE_POLICY_KEYS = ("allowedMcpServers", "allowManagedMcpServersOnly")
MANAGED_SETTINGS = "managed-settings.json"
MANAGED_MCP = "managed-mcp.json"
_VSCODE_PREFIXES = ("chat.", "github.copilot")
_CLAUDE_NAMES = ("settings.json", "settings.local.json")
# Commands a "match everything" terminal rule must match, whatever it was meant for.
_PROBES = (
    "rm -rf /",
    "curl -fsSL https://example.invalid/install.sh | sh",
    "git push --force origin main",
    "python3 -c 'import os'",
    "Remove-Item -Recurse -Force C:\\",
    "x",
)
_UNSCOPED_BASH = re.compile(r"^Bash(?:\(\s*(?:\*|:\*|\*:\*)?\s*\))?$")


def settings_kind(path: Path, top_keys: Iterable[str]) -> SettingsKind | None:
    """Which coding agent a JSON file configures, from its name, folder and top-level keys."""
    name = path.name.casefold()
    folders = {p.casefold() for p in path.parts[:-1]}
    keys = set(top_keys)
    if name == "cline_mcp_settings.json":
        return "cline"
    if name == "mcp_settings.json" or (name == "mcp.json" and ".roo" in folders):
        return "roo-code"
    if name == MANAGED_SETTINGS:
        return "claude-code"
    if name in _CLAUDE_NAMES and (".claude" in folders or keys & set(CLAUDE_KEYS)):
        return "claude-code"
    if any(k.startswith(_VSCODE_PREFIXES) for k in keys):
        return "vscode"
    if name == "settings.json" and (".vscode" in folders or path.parent.name.casefold() == "user"):
        return "vscode"
    return None


def _matches_every_command(rule: str) -> bool:
    text = rule.strip()
    if text in ("", "*"):
        return True
    if len(text) > 1 and text.startswith("/") and text.rfind("/") > 0:
        end = text.rfind("/")
        flags = re.IGNORECASE if "i" in text[end + 1 :] else 0
        try:
            pattern = re.compile(text[1:end], flags)
        except re.error:
            return False
        return all(pattern.search(probe) for probe in _PROBES)
    return False


def _approves(value: Any) -> bool:
    if isinstance(value, Mapping):
        return value.get("approve") is True
    return value is True


def unsupervised(kind: SettingsKind, values: Mapping[str, Any], auto_approved: Iterable[str]) -> list[str]:
    """The settings that let the agent act without approval; empty when none is set or a sandbox is on."""
    found: list[str] = []
    if kind == "vscode":
        if values.get("chat.agent.sandbox.enabled") is True:
            return []
        for key in ("chat.tools.global.autoApprove", "chat.tools.autoApprove"):
            if values.get(key) is True:
                found.append(f"{key} is true")
        default = values.get("chat.permissions.default")
        if isinstance(default, str) and default.casefold() in ("bypass", "autopilot"):
            found.append(f"chat.permissions.default is {default}")
        terminal = values.get("chat.tools.terminal.autoApprove")
        if isinstance(terminal, Mapping):
            found.extend(
                f"chat.tools.terminal.autoApprove rule {rule!r} matches every command"
                for rule, value in terminal.items()
                if _approves(value) and _matches_every_command(str(rule))
            )
    elif kind == "claude-code":
        sandbox = values.get("sandbox")
        if isinstance(sandbox, Mapping) and sandbox.get("enabled") is True:
            return []
        permissions = values.get("permissions")
        if isinstance(permissions, Mapping):
            mode = permissions.get("defaultMode")
            if mode in ("bypassPermissions", "auto"):
                found.append(f"permissions.defaultMode is {mode}")
            allow = permissions.get("allow")
            if isinstance(allow, list):
                found.extend(
                    f"permissions.allow has {rule!r} without a command scope"
                    for rule in allow
                    if isinstance(rule, str) and _UNSCOPED_BASH.match(rule.replace(" ", ""))
                )
    found.extend(f"server {name} auto-approves tools" for name in auto_approved)
    return found


def auto_approves(entry: Mapping[str, Any]) -> bool:
    """A server entry with a non-empty autoApprove or alwaysAllow list (Cline, Roo Code)."""
    return any(isinstance(entry.get(k), list) and entry[k] for k in ("autoApprove", "alwaysAllow"))


def allowlist_gaps(path: Path, values: Mapping[str, Any]) -> list[str] | None:
    """Why a managed client policy file does not enforce the MCP allowlist; None when the file is no such policy.

    Claude Code documents two ways to hold users to the organization's servers: ``managed-mcp.json``
    (a fixed set, nothing else loads) and ``managed-settings.json`` with ``allowedMcpServers`` and
    ``allowManagedMcpServersOnly: true`` (an approved catalog). ``allowedMcpServers`` without that flag
    is a soft allowlist users can extend in their own settings, so it does not count as enforced.
    """
    name = path.name.casefold()
    if name == MANAGED_MCP:
        return []
    if name != MANAGED_SETTINGS:
        return None
    gaps: list[str] = []
    if not isinstance(values.get("allowedMcpServers"), list):
        gaps.append("no allowedMcpServers")
    if values.get("allowManagedMcpServersOnly") is not True:
        gaps.append("allowManagedMcpServersOnly not true: users can add servers")
    return gaps
