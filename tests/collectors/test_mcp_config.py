"""The mcp-config collector: MCP client configurations and coding-agent settings, measured per file.

Real files: the snyk/agent-scan client configurations in tests/data/mcp (see SOURCE there) and the
demo's Claude Code configuration. Generated files cover what those lack: every launcher, secrets,
remote authentication, allowlist, gateway, JSON with comments, settings files, bad input, size.
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

import aisma.collectors.mcp_config.reader as mcp_config_reader
from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.mcp_config import collector
from aisma.collectors.mcp_config.importer import parse_mcp_config
from aisma.errors import AismaError
from aisma.maturity.catalogs import metric_catalog

DATA = Path(__file__).parent.parent / "data" / "mcp"
DEMO = (
    Path(__file__).parents[2]
    / "src/aisma/examples/bank/evidence/mcp/claude-code-platform-engineering-2026-11-10T0900Z.json"
)
AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
PINNED = "mcp.servers.pinned_ratio"
SECRET_FREE = "mcp.servers.secret_free_ratio"
AUTHENTICATED = "mcp.remote.authenticated_ratio"
ALLOWLISTED = "mcp.servers.allowlisted_ratio"
TLS = "mcp.remote.tls_ratio"
SANDBOXED = "mcp.servers.sandboxed_ratio"
GATEWAY = "mcp.remote.gateway_routed_ratio"
SUPERVISED = "mcp.clients.supervised_execution_ratio"
EXPECTED = "expected an MCP client configuration"


def collect(paths: list[Path], **settings: Any) -> CollectionResult:
    return collector().collect(paths, CollectContext(assessed_at=AT, settings=settings))


def measured(result: CollectionResult) -> dict[tuple[str, str], tuple[float, float]]:
    """(metric, file name) -> (numerator, denominator)."""
    return {
        (m.metric, Path(m.source.file).name): (m.numerator or 0.0, m.denominator or 0.0) for m in result.measurements
    }


def write(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) if not isinstance(data, str) else data)
    return path


def one_line_error(paths: list[Path], *parts: str, **settings: Any) -> None:
    """A setting error stops the collection; a file that cannot be read is skipped with one line."""
    try:
        result = collect(paths, **settings)
    except AismaError as exc:
        message = str(exc)
    else:
        assert len(result.unreadable) == 1 and result.measurements == (), result
        message = result.unreadable[0]
    assert "\n" not in message
    for part in parts:
        assert part in message, message


def test_metrics_are_in_the_catalog_and_inventoried_ratio_is_left_to_discovery() -> None:
    meta = collector().meta
    catalog = metric_catalog()
    assert all("mcp-config" in catalog[m].producers for m in meta.metrics)
    assert {m for m, d in catalog.items() if "mcp-config" in d.producers} - set(meta.metrics) == {
        "mcp.servers.inventoried_ratio"
    }
    assert (meta.id, meta.evidence_dir, meta.patterns) == ("mcp-config", "mcp", ("*.json",))


# ------------------------------------------------------------------------------- real configurations
def _expected_from_fixture(data: dict[str, Any], name: str) -> dict[tuple[str, str], tuple[float, float]]:
    """What the snyk fixtures must give, worked out from their JSON: they hold local scripts started
    with ``uv run python`` (pinned: nothing fetched; not in a container) and remote servers on
    localhost without headers (loopback passes TLS; no authentication); none holds a secret."""
    servers = data.get("mcpServers") or (data.get("mcp") or {}).get("servers") or {}
    stdio = [s for s in servers.values() if "command" in s]
    remote = [s for s in servers.values() if "url" in s]
    want: dict[tuple[str, str], tuple[float, float]] = {}
    if servers:
        want[(SECRET_FREE, name)] = (len(servers), len(servers))
    if stdio:
        assert all(s["command"] == "uv run python" for s in stdio)
        want[(PINNED, name)] = (len(stdio), len(stdio))
        want[(SANDBOXED, name)] = (0, len(stdio))
    if remote:
        assert all(s["url"].startswith("http://localhost:") and "headers" not in s for s in remote)
        want[(TLS, name)] = (len(remote), len(remote))
        want[(AUTHENTICATED, name)] = (0, len(remote))
    if any(k.startswith("chat.") for k in data):  # VS Code settings without any auto-approve setting
        want[(SUPERVISED, name)] = (1, 1)
    return want


def test_real_client_configurations() -> None:
    paths = sorted(DATA.glob("*.json"))
    want: dict[tuple[str, str], tuple[float, float]] = {}
    for path in paths:
        want |= _expected_from_fixture(json.loads(path.read_text()), path.name)
    result = collect(paths)
    assert measured(result) == want
    assert len(want) == 17
    sandbox = next(m for m in result.measurements if m.metric == SANDBOXED and "all_config" in m.source.file)
    assert sandbox.details == (
        f"{DATA / 'all_config.json'}: Weather: uv runs outside a container or sandbox",
        f"{DATA / 'all_config.json'}: Math: uv runs outside a container or sandbox",
    )
    assert sandbox.source.sha256 == sha256_of(DATA / "all_config.json")
    assert sandbox.source.tool == "aisma mcp-config"


def test_demo_claude_code_configuration() -> None:
    data = json.loads(DEMO.read_text())["mcpServers"]
    assert sorted(data) == ["confluence", "filesystem", "github", "jira", "postgres-readonly"]
    result = collect([DEMO], gateway_hosts=["mcp-gateway.northbridge-bank.example"], allowlist=["ghcr.io/github/*"])
    name = DEMO.name
    # github: docker image tag v0.9.1 (pinned, sandboxed); postgres-readonly: uvx postgres-mcp==0.3.0
    # (pinned, not sandboxed); filesystem: npx -y without a version. jira, confluence: https through the
    # gateway with an Authorization header referencing ${env:...}. Every secret is a ${env:...} reference.
    assert measured(result) == {
        (PINNED, name): (2, 3),
        (SANDBOXED, name): (1, 3),
        (SECRET_FREE, name): (5, 5),
        (AUTHENTICATED, name): (2, 2),
        (TLS, name): (2, 2),
        (GATEWAY, name): (2, 2),
        (ALLOWLISTED, name): (1, 5),
    }
    pinned = next(m for m in result.measurements if m.metric == PINNED)
    assert pinned.details == (f"{DEMO}: filesystem: @modelcontextprotocol/server-filesystem: no exact version",)


# ------------------------------------------------------------------------------- every rule, generated
# name -> (entry, pinned, sandboxed, secret, allowlisted); None where the metric does not apply.
STDIO: dict[str, tuple[dict[str, Any], bool, bool, bool, bool]] = {
    "npx-floating": (
        {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/srv"]},
        False,
        False,
        False,
        True,
    ),
    "npx-exact": (
        {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"]},
        True,
        False,
        False,
        True,
    ),
    "npx-latest": ({"command": "npx", "args": ["@playwright/mcp@latest"]}, False, False, False, False),
    "npx-range": (
        {"command": "npx", "args": ["--yes", "mcp-remote@^0.1.0", "https://x.example/mcp"]},
        False,
        False,
        False,
        False,
    ),
    "npx-package-flag": (
        {"command": "npx", "args": ["-p", "tavily-mcp@0.2.1", "tavily-mcp"]},
        True,
        False,
        False,
        False,
    ),
    "uvx-floating": ({"command": "uvx", "args": ["mcp-server-fetch"]}, False, False, False, False),
    "uvx-exact": (
        {"command": "uvx", "args": ["mcp-server-git==2025.1.14", "--repository", "."]},
        True,
        False,
        False,
        False,
    ),
    "uvx-at": ({"command": "uvx", "args": ["mcp-server-time@0.6.2"]}, True, False, False, False),
    "uvx-from": (
        {
            "command": "uvx",
            "args": ["--from", "awslabs.aws-documentation-mcp-server==1.1.2", "awslabs.aws-documentation-mcp-server"],
        },
        True,
        False,
        False,
        False,
    ),
    "uv-tool-run": ({"command": "uv", "args": ["tool", "run", "mcp-server-sqlite"]}, False, False, False, False),
    "pipx-floating": ({"command": "pipx", "args": ["run", "mcp-server-time"]}, False, False, False, False),
    "pipx-spec": (
        {"command": "pipx", "args": ["run", "--spec", "mcp-server-time==0.6.2", "mcp-server-time"]},
        True,
        False,
        False,
        False,
    ),
    "docker-latest": (
        {"command": "docker", "args": ["run", "-i", "--rm", "mcp/fetch:latest"]},
        False,
        True,
        False,
        True,
    ),
    "docker-untagged": (
        {"command": "docker", "args": ["run", "-i", "--rm", "-e", "TZ", "mcp/time"]},
        False,
        True,
        False,
        True,
    ),
    "docker-tag": (
        {"command": "docker", "args": ["run", "--rm", "-i", "--network=none", "mcp/git:1.0.2"]},
        True,
        True,
        False,
        True,
    ),
    "podman-digest": (
        {"command": "podman", "args": ["run", "-i", "ghcr.io/acme/mcp@sha256:" + "a" * 64]},
        True,
        True,
        False,
        False,
    ),
    "firejail": (
        {"command": "firejail", "args": ["--net=none", "npx", "-y", "server-memory@0.6.2"]},
        True,
        True,
        False,
        False,
    ),
    "binary": ({"command": "/usr/local/bin/github-mcp-server", "args": ["stdio"]}, True, False, False, True),
    "script": ({"command": "node", "args": ["/opt/mcp/build/index.js"]}, True, False, False, False),
    "env-literal": (
        {"command": "uvx", "args": ["mcp-x==1.0.0"], "env": {"GITHUB_TOKEN": "ghp_" + "A1b2C3d4E5" * 4}},
        True,
        False,
        True,
        False,
    ),
    "env-reference": (
        {
            "command": "uvx",
            "args": ["mcp-x==1.0.0"],
            "env": {"GITHUB_TOKEN": "${env:GH_TOKEN}", "API_KEY": "${input:key}"},
        },
        True,
        False,
        False,
        False,
    ),
    "env-named": (
        {"command": "uvx", "args": ["mcp-x==1.0.0"], "env": {"DB_PASSWORD": "correct-horse-battery"}},
        True,
        False,
        True,
        False,
    ),
    "env-placeholder": (
        {"command": "uvx", "args": ["mcp-x==1.0.0"], "env": {"SLACK_BOT_TOKEN": "<your-slack-bot-token>"}},
        True,
        False,
        False,
        False,
    ),
    "env-dsn": (
        {
            "command": "uvx",
            "args": ["postgres-mcp==0.3.0"],
            "env": {"DATABASE_URI": "postgresql://ro:Pa55w0rd!x@db:5432/app"},
        },
        True,
        False,
        True,
        False,
    ),
    "arg-flag": (
        {"command": "npx", "args": ["-y", "@acme/mcp@1.0.0", "--api-key", "k3y-5ecret-v4lue"]},
        True,
        False,
        True,
        False,
    ),
    "arg-aws": (
        {"command": "docker", "args": ["run", "-i", "-e", "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE", "mcp/aws:1.0"]},
        True,
        True,
        True,
        True,
    ),
    "arg-entropy": (
        {"command": "uvx", "args": ["mcp-x==1.0.0", "--session", "Zq8Xv2Lp9Rt4Wm7Yc1Nb6Hk3Js5Gf0Dd"]},
        True,
        False,
        True,
        False,
    ),
}
# name -> (entry, authenticated, tls, gateway, secret, allowlisted)
REMOTE: dict[str, tuple[dict[str, Any], bool, bool, bool, bool, bool]] = {
    "gw-bearer-ref": (
        {
            "type": "http",
            "url": "https://mcp-gw.example.com/jira/mcp",
            "headers": {"Authorization": "Bearer ${input:jira}"},
        },
        True,
        True,
        True,
        False,
        False,
    ),
    "vendor-oauth": (
        {"httpUrl": "https://mcp.example.com/mcp", "oauth": {"enabled": True}},
        True,
        True,
        False,
        False,
        True,
    ),
    "vendor-apikey": (
        {"serverUrl": "https://api.vendor.example/sse", "headers": {"X-API-Key": "${env:VENDOR_KEY}"}},
        True,
        True,
        False,
        False,
        False,
    ),
    "plain-http": ({"type": "sse", "url": "http://mcp.internal.example/sse"}, False, False, False, False, False),
    "loopback": ({"url": "http://127.0.0.1:8123/mcp"}, False, True, False, False, False),
    "literal-bearer": (
        {"url": "https://mcp-gw.example.com/x/mcp", "headers": {"Authorization": "Bearer 9f8e7d6c5b4a39281706"}},
        True,
        True,
        True,
        True,
        False,
    ),
    "url-key": ({"url": "https://search.example.net/mcp?apiKey=s3cr3tvalue42"}, False, True, False, True, False),
}
ALLOWLIST = ["@modelcontextprotocol/*", "mcp/*", "github-mcp-server", "mcp.example.com"]


def test_every_rule_on_a_generated_configuration(tmp_path: Path) -> None:
    servers = {name: row[0] for name, row in STDIO.items()} | {name: row[0] for name, row in REMOTE.items()}
    path = write(tmp_path / ".cursor" / "mcp.json", {"mcpServers": servers})
    result = collect([path], allowlist=ALLOWLIST, gateway_hosts=["MCP-GW.example.com"], sandbox_wrappers=["firejail"])

    def count(rows: dict[str, Any], column: int, want: bool = True) -> tuple[float, float]:
        return (sum(1 for row in rows.values() if row[column] is want), len(rows))

    secret_free = sum(1 for r in STDIO.values() if not r[3]) + sum(1 for r in REMOTE.values() if not r[4])
    allowlisted = sum(1 for r in STDIO.values() if r[4]) + sum(1 for r in REMOTE.values() if r[5])
    assert measured(result) == {
        (PINNED, "mcp.json"): count(STDIO, 1),
        (SANDBOXED, "mcp.json"): count(STDIO, 2),
        (SECRET_FREE, "mcp.json"): (secret_free, len(servers)),
        (ALLOWLISTED, "mcp.json"): (allowlisted, len(servers)),
        (AUTHENTICATED, "mcp.json"): count(REMOTE, 1),
        (TLS, "mcp.json"): count(REMOTE, 2),
        (GATEWAY, "mcp.json"): count(REMOTE, 3),
    }
    details = {m.metric: m.details for m in result.measurements}
    prefix = f"{path}: "
    assert all(d.startswith(prefix) for ds in details.values() for d in ds)
    assert {d.removeprefix(prefix).split(":")[0] for d in details[SECRET_FREE]} == {
        n for n, r in STDIO.items() if r[3]
    } | {n for n, r in REMOTE.items() if r[4]}
    assert f"{prefix}env-literal: literal secret in env GITHUB_TOKEN" in details[SECRET_FREE]
    assert f"{prefix}env-dsn: literal secret in env DATABASE_URI (password in the URL)" in details[SECRET_FREE]
    assert not any("ghp_" in d or "Pa55" in d or "AKIA" in d for d in details[SECRET_FREE]), "values never shown"
    assert f"{prefix}npx-latest: @playwright/mcp@latest: version latest is not exact" in details[PINNED]
    assert f"{prefix}docker-untagged: mcp/time: image without a tag" in details[PINNED]
    assert f"{prefix}plain-http: http://mcp.internal.example/sse is not https" in details[TLS]


def test_without_allowlist_or_gateway_hosts_those_metrics_are_not_produced(tmp_path: Path) -> None:
    path = write(tmp_path / "mcp.json", {"mcpServers": {"a": REMOTE["vendor-oauth"][0], "b": STDIO["binary"][0]}})
    assert {m for m, _ in measured(collect([path]))} == {PINNED, SANDBOXED, SECRET_FREE, AUTHENTICATED, TLS}
    assert {m for m, _ in measured(collect([path], allowlist=[], gateway_hosts=[]))} == {
        PINNED,
        SANDBOXED,
        SECRET_FREE,
        AUTHENTICATED,
        TLS,
    }


@pytest.mark.parametrize(
    ("setting", "value"), [("allowlist", "mcp/*"), ("gateway_hosts", [1]), ("sandbox_wrappers", [""])]
)
def test_a_bad_setting_is_one_line(tmp_path: Path, setting: str, value: Any) -> None:
    path = write(tmp_path / "mcp.json", {"mcpServers": {}})
    one_line_error([path], f"collectors.mcp-config.{setting} must be a list", **{setting: value})


# ------------------------------------------------------------------------------- layouts and clients
def test_vscode_layouts_and_json_with_comments(tmp_path: Path) -> None:
    workspace = write(
        tmp_path / ".vscode" / "mcp.json",
        '{\n  // VS Code writes comments\n  "inputs": [],\n  "servers": {\n'
        '    "gh": {"type": "http", "url": "https://api.githubcopilot.com/mcp/", '
        '"headers": {"Authorization": "Bearer ${input:gh_pat}"},},\n  },\n}\n',
    )
    user = write(
        tmp_path / "Code" / "User" / "settings.json",
        '{"editor.fontSize": 13, /* flat key */ "mcp.servers": {"t": {"command": "uvx", "args": ["mcp-server-time"]}}}',
    )
    result = measured(collect([workspace, user]))
    assert result == {
        (SECRET_FREE, "mcp.json"): (1, 1),
        (AUTHENTICATED, "mcp.json"): (1, 1),
        (TLS, "mcp.json"): (1, 1),
        (SECRET_FREE, "settings.json"): (1, 1),
        (PINNED, "settings.json"): (0, 1),
        (SANDBOXED, "settings.json"): (0, 1),
        (SUPERVISED, "settings.json"): (1, 1),
    }


def test_claude_code_user_file_with_project_servers(tmp_path: Path) -> None:
    data = {
        "numStartups": 42,
        "mcpServers": {"github": STDIO["docker-tag"][0]},
        "projects": {
            "/home/dev/app": {"mcpServers": {"fs": STDIO["npx-floating"][0]}, "allowedTools": []},
            "/home/dev/web": {"mcpServers": {}},
        },
    }
    path = write(tmp_path / ".claude.json", data)
    assert measured(collect([path]))[(PINNED, ".claude.json")] == (1, 2)
    config = parse_mcp_config(path)  # the importer (discovery) sees the same servers
    assert (config.client, [s.name for s in config.servers]) == ("claude-code", ["github", "fs"])


def test_an_empty_known_client_file_has_no_measurement(tmp_path: Path) -> None:
    path = write(tmp_path / "claude_desktop_config.json", {"globalShortcut": "Ctrl+Space"})
    result = collect([path])
    assert result.measurements == ()
    assert result.warnings == (f"1 file(s) configure no MCP server: {path}",)


# ------------------------------------------------------------------------------- supervised execution
SETTINGS: dict[str, tuple[str, Any, str | None]] = {
    "vscode-clean": (
        ".vscode/settings.json",
        {"chat.agent.enabled": True, "chat.tools.terminal.autoApprove": {"/^git (status|log)\\b/": True, "rm": False}},
        None,
    ),
    "vscode-global": (
        "Code/User/settings.json",
        {"chat.tools.global.autoApprove": True},
        "chat.tools.global.autoApprove is true",
    ),
    "vscode-legacy": ("a/.vscode/settings.json", {"chat.tools.autoApprove": True}, "chat.tools.autoApprove is true"),
    "vscode-bypass": (
        "b/.vscode/settings.json",
        {"chat.permissions.default": "autopilot"},
        "chat.permissions.default is autopilot",
    ),
    "vscode-terminal-all": (
        "c/.vscode/settings.json",
        {"chat.tools.terminal.autoApprove": {"/.*/": {"approve": True, "matchCommandLine": True}}},
        "chat.tools.terminal.autoApprove rule '/.*/' matches every command",
    ),
    "vscode-sandboxed": (
        "d/.vscode/settings.json",
        {"chat.tools.global.autoApprove": True, "chat.agent.sandbox.enabled": True},
        None,
    ),
    "claude-scoped": (
        "repo/.claude/settings.json",
        {"permissions": {"allow": ["Bash(npm run test:*)", "Read"], "defaultMode": "acceptEdits"}},
        None,
    ),
    "claude-bypass": (
        "home/.claude/settings.json",
        {"permissions": {"defaultMode": "bypassPermissions"}},
        "permissions.defaultMode is bypassPermissions",
    ),
    "claude-bash": (
        "etc/claude-code/managed-settings.json",
        {"permissions": {"allow": ["Bash(*)"]}},
        "permissions.allow has 'Bash(*)' without a command scope",
    ),
    "claude-sandbox": (
        "x/.claude/settings.local.json",
        {"permissions": {"allow": ["Bash"]}, "sandbox": {"enabled": True}},
        None,
    ),
    "cline": (
        "globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json",
        {"mcpServers": {"fs": {"command": "npx", "args": ["-y", "fs-mcp@1.0.0"], "autoApprove": ["read_file"]}}},
        "server fs auto-approves tools",
    ),
    "roo": (
        "p/.roo/mcp.json",
        {"mcpServers": {"git": {"command": "uvx", "args": ["mcp-server-git==1.0.0"], "alwaysAllow": []}}},
        None,
    ),
}


def test_coding_agent_settings_files(tmp_path: Path) -> None:
    paths = [write(tmp_path / rel, data) for rel, data, _ in SETTINGS.values()]
    cursor = write(
        tmp_path / ".cursor" / "mcp.json", {"mcpServers": {"fs": STDIO["binary"][0] | {"autoApprove": ["x"]}}}
    )
    result = collect([*paths, cursor])
    supervised = [m for m in result.measurements if m.metric == SUPERVISED]
    assert len(supervised) == len(SETTINGS), "Cursor keeps execution settings outside files: not counted"
    by_file = {m.source.file: m for m in supervised}
    for path, (_, _, failure) in zip(paths, SETTINGS.values(), strict=True):
        m = by_file[str(path)]
        assert (m.numerator, m.denominator) == ((0.0 if failure else 1.0), 1.0), path
        assert m.details == ((f"{path}: {failure}",) if failure else ()), path


ENFORCED = "mcp.clients.allowlist_enforced_ratio"
# Claude Code's managed MCP policy, as code.claude.com/docs/en/managed-mcp documents it.
POLICIES = {
    "approved-catalog": (
        "ep-01/managed-settings.json",
        {
            "allowedMcpServers": [{"serverName": "github"}, {"serverUrl": "https://mcp.example.com/*"}],
            "allowManagedMcpServersOnly": True,
        },
        None,
    ),
    "soft-allowlist": (
        "ep-02/managed-settings.json",
        {"allowedMcpServers": [{"serverName": "github"}]},
        "allowManagedMcpServersOnly not true: users can add servers",
    ),
    "deny-only": (
        "ep-03/managed-settings.json",
        {"deniedMcpServers": [{"serverName": "filesystem"}], "permissions": {"defaultMode": "default"}},
        "no allowedMcpServers; allowManagedMcpServersOnly not true: users can add servers",
    ),
    "fixed-set": ("ep-04/managed-mcp.json", {"mcpServers": {"github": STDIO["binary"][0]}}, None),
    "disabled": ("ep-05/managed-mcp.json", {"mcpServers": {}}, None),
}


def test_managed_client_policies_that_enforce_the_allowlist(tmp_path: Path) -> None:
    paths = [write(tmp_path / rel, data) for rel, data, _ in POLICIES.values()]
    # A user's own settings can never enforce anything: not a policy file, not counted.
    user = write(tmp_path / "ep-06" / ".claude" / "settings.json", {"allowedMcpServers": [{"serverName": "x"}]})
    result = collect([*paths, user])
    enforced = {m.source.file: m for m in result.measurements if m.metric == ENFORCED}
    assert set(enforced) == {str(p) for p in paths}
    for path, (_, _, failure) in zip(paths, POLICIES.values(), strict=True):
        m = enforced[str(path)]
        assert (m.numerator, m.denominator) == ((0.0 if failure else 1.0), 1.0), path
        assert m.details == ((clipped(f"{path}: {failure}"),) if failure else ()), path


def clipped(detail: str) -> str:
    """A detail as the collector caps it (200 characters): the temporary path's length varies by machine."""
    return detail if len(detail) <= 200 else detail[:197] + "..."


# ------------------------------------------------------------------------------- provenance and time
def test_observed_time_comes_from_the_file_name_else_the_file(tmp_path: Path) -> None:
    dated = write(
        tmp_path / "ep-0142_2026-11-02T0815Z" / "mcp-2026-11-03.json", {"mcpServers": {"a": STDIO["binary"][0]}}
    )
    undated = write(tmp_path / "mcp.json", {"mcpServers": {"a": STDIO["binary"][0]}})
    times = {Path(m.source.file).name: m.observed_at for m in collect([dated, undated]).measurements}
    assert times["mcp-2026-11-03.json"] == datetime(2026, 11, 3, tzinfo=UTC)
    assert times["mcp.json"] == datetime.fromtimestamp(int(undated.stat().st_mtime), tz=UTC)


def test_details_are_capped_at_twenty(tmp_path: Path) -> None:
    path = write(tmp_path / "mcp.json", {"mcpServers": {f"s{i}": STDIO["uvx-floating"][0] for i in range(25)}})
    pinned = next(m for m in collect([path]).measurements if m.metric == PINNED)
    assert (pinned.numerator, pinned.denominator, len(pinned.details)) == (0.0, 25.0, 20)


# ------------------------------------------------------------------------------- bad input
def test_truncated_file_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    text = json.dumps({"mcpServers": {n: r[0] for n, r in STDIO.items()}})
    path = write(tmp_path / "mcp.json", text[: len(text) // 2])
    before = sorted(p.name for p in tmp_path.iterdir())
    one_line_error([path], str(path), "truncated or invalid JSON", EXPECTED)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("content", ["", "  \n"], ids=["empty", "blank"])
def test_empty_file_is_one_line(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "mcp.json", content)
    one_line_error([path], str(path), "the file is empty", EXPECTED)


def test_another_tools_file_is_one_line(tmp_path: Path) -> None:
    sarif = write(tmp_path / "results.json", {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}}]})
    one_line_error([sarif], str(sarif), "no mcpServers, servers or mcp.servers object", EXPECTED)
    scan = write(tmp_path / "scan.json", {"/home/u/.cursor/mcp.json": {"client": "cursor", "path": "x", "servers": []}})
    one_line_error([scan], str(scan), "no mcpServers, servers or mcp.servers object")
    array = write(tmp_path / "array.json", [{"mcpServers": {}}])
    one_line_error([array], str(array), "not a JSON object", EXPECTED)
    wrong = write(tmp_path / "mcp.json", {"mcpServers": ["a", "b"]})
    one_line_error([wrong], str(wrong), "mcpServers is not an object mapping server names")
    entry = write(tmp_path / "mcp2.json", {"mcpServers": {"a": "npx a"}})
    one_line_error([entry], str(entry), "mcpServers.a is not an object with command or url")


# ------------------------------------------------------------------------------- streaming
def write_fleet_export(path: Path, count: int) -> Path:
    with path.open("w") as handle:
        handle.write('{"mcpServers": {')
        for i in range(count):
            if i % 3 == 0:
                entry = {"command": "npx", "args": ["-y", f"@acme/mcp-{i}@1.{i % 10}.0", "--root", f"/srv/{i}"]}
            elif i % 3 == 1:
                entry = {"command": "docker", "args": ["run", "-i", "--rm", f"registry.example/mcp/s{i}"]}
            else:
                entry = {
                    "type": "http",
                    "url": f"https://mcp-{i}.example.com/mcp",
                    "headers": {"Authorization": "Bearer ${env:T}"},
                }
            handle.write(("," if i else "") + json.dumps(f"server-{i}") + ":" + json.dumps(entry))
        handle.write("}}")
    return path


@pytest.mark.slow
def test_servers_stream_in_flat_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four times the servers cost no more memory than discovery's record of each server: a file beyond
    what is read whole (the limit is shrunk so that small files are such files) is streamed one server
    entry at a time, and every server is reported to discovery from that same read."""
    limit = 64 << 10
    monkeypatch.setattr(mcp_config_reader, "MAX_CONFIG_BYTES", limit)
    n = 12_000  # over 1 MiB, the block the file's sha256 is read in
    peaks = []
    for k in (1, 4):
        count = k * n
        path = write_fleet_export(tmp_path / f"fleet-export-{k}.json", count)
        assert path.stat().st_size > limit
        tracemalloc.start()
        try:
            result = collect([path])
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        stdio = count - count // 3
        npx = (count + 2) // 3
        assert measured(result) == {
            (PINNED, path.name): (npx, stdio),
            (SANDBOXED, path.name): (stdio - npx, stdio),
            (SECRET_FREE, path.name): (count, count),
            (AUTHENTICATED, path.name): (count // 3, count // 3),
            (TLS, path.name): (count // 3, count // 3),
        }
        assert len(result.observed) == count  # every server reported to discovery, even past the size limit
    # 36,000 more servers: discovery's sighting of each (its name and tally) is what grows, under 600 bytes.
    assert peaks[1] < peaks[0] * 1.1 + 36_000 * 600, f"peaks {peaks[0]} and {peaks[1]} bytes"
