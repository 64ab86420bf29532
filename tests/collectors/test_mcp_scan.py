"""The mcp-scan collector: scanner coverage, clean servers and toxic flows from ``mcp-scan --json`` output.

No real mcp-scan output is published, so the scans here are written in the documented shape
(``{config_path: {client, path, servers, issues, labels}}``) around real pieces: the client
configurations of tests/data/mcp and the server signatures of tests/data/mcp-scan/signatures, both
from snyk/agent-scan's own tests, with issue codes from its issue-code reference.
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.mcp_scan import collector
from aisma.collectors.mcp_scan.codes import is_high
from aisma.inventory.schema import AISystem, Inventory
from collectors.reading import skipped

DATA = Path(__file__).parent.parent / "data"
SIGNATURES = DATA / "mcp-scan" / "signatures"
AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
SCANNED = "mcp.servers.scanned_ratio"
CLEAN = "mcp.servers.clean_ratio"
TOXIC_FREE = "mcp.configs.toxic_flow_free_ratio"
EXPECTED = "expected mcp-scan or agent-scan --json output"


def signature(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((SIGNATURES / f"{name}_server_signature.json").read_text())
    return data


def config_servers(file: str) -> dict[str, Any]:
    data = json.loads((DATA / "mcp" / file).read_text())
    servers: dict[str, Any] = data.get("mcpServers") or data["mcp"]["servers"]
    return servers


def path_result(client: str, path: str, servers: list[dict[str, Any]], issues: list[dict[str, Any]]) -> dict[str, Any]:
    return {"client": client, "path": path, "servers": servers, "issues": issues, "labels": [], "error": None}


def server(
    name: str, spec: dict[str, Any], sig: dict[str, Any] | None = None, error: str | None = None
) -> dict[str, Any]:
    err = {"message": error, "exception": None, "is_failure": True, "category": "server_startup"} if error else None
    return {"name": name, "server": spec, "signature": sig, "error": err}


def issue(code: str, message: str, reference: list[int | None] | None) -> dict[str, Any]:
    return {"code": code, "message": message, "reference": reference, "extra_data": None}


def machine_scan() -> dict[str, Any]:
    """One developer machine: four client configurations from the real fixtures, with real signatures."""
    cursor = config_servers("all_config.json")  # Weather, Math
    windsurf = config_servers("weather_config.json")  # Weather
    desktop = config_servers("sbb_config.json")  # SBB (fails to start: no signature fixture)
    vscode = config_servers("multiple_transport.json")  # http_server, sse_server (remote, unreachable)
    return {
        "/home/dev/.cursor/mcp.json": path_result(
            "cursor",
            "/home/dev/.cursor/mcp.json",
            [
                server("Weather", cursor["Weather"], signature("weather")),
                server("Math", cursor["Math"], signature("math")),
            ],
            [
                issue("W015", "The server exposes the agent to untrusted content.", [0, None]),
                issue("W017", "The server exposes sensitive data.", [1, None]),
                issue("W001", "Suspicious word 'important' in the tool description.", [1, 4]),
                issue("X002", "whitelisted", [1, 4]),
            ],
        ),
        "/home/dev/.codeium/windsurf/mcp_config.json": path_result(
            "windsurf",
            "/home/dev/.codeium/windsurf/mcp_config.json",
            [server("Weather", windsurf["Weather"], signature("weather"))],
            [issue("E001", "Prompt injection in tool description: 'ignore previous instructions'", [0, 0])],
        ),
        "/home/dev/Library/Application Support/Claude/claude_desktop_config.json": path_result(
            "claude",
            "/home/dev/Library/Application Support/Claude/claude_desktop_config.json",
            [server("SBB", desktop["SBB"], error="Server failed to start: ENOENT")],
            [],
        ),
        "/home/dev/.config/Code/User/settings.json": path_result(
            "vscode",
            "/home/dev/.config/Code/User/settings.json",
            [
                server(n, s, error="Could not connect to remote server")
                for n, s in vscode.items()  # http_server, sse_server
            ],
            [],
        ),
    }


def collect(paths: list[Path], inventory: Inventory | None = None) -> CollectionResult:
    return collector().collect(paths, CollectContext(assessed_at=AT, inventory=inventory or Inventory()))


def measured(result: CollectionResult) -> dict[str, tuple[float, float]]:
    return {m.metric: (m.numerator or 0.0, m.denominator or 0.0) for m in result.measurements}


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def inventory(*servers: str) -> Inventory:
    system = AISystem(
        id="dev-agents", name="Agents", track="coding_tool", deployment_type="api_saas", mcp_servers=servers
    )
    retired = AISystem(
        id="old", name="Old", track="build", deployment_type="paas", environment="retired", mcp_servers=("legacy",)
    )
    return Inventory(systems=(system, retired))


def expected(scan: dict[str, Any], known: set[str]) -> dict[str, tuple[float, float]]:
    """Worked out from the scan itself: a server is scanned when it has a signature and no error, and
    clean when no non-whitelisted E0xx (or W003/W007/W008/W012) issue references it."""
    scanned: dict[str, bool] = {}
    names: set[str] = set()
    toxic = free = 0
    for result in scan.values():
        whitelisted = {tuple(i["reference"]) for i in result["issues"] if i["code"] == "X002"}
        live = [i for i in result["issues"] if i["code"] != "X002" and tuple(i["reference"] or ()) not in whitelisted]
        any_scanned = False
        for index, entry in enumerate(result["servers"]):
            name = entry["name"].casefold()
            names.add(name)
            ok = entry["signature"] is not None and entry["error"] is None
            any_scanned |= ok
            high = any(i["reference"] and i["reference"][0] == index and is_high(i["code"]) for i in live)
            if ok:
                scanned[name] = scanned.get(name, True) and not high
        codes = {i["code"] for i in live}
        if any_scanned:
            if {"W015", "W017"} <= codes:
                toxic += 1
            else:
                free += 1
    union = names | {k.casefold() for k in known}
    return {
        SCANNED: (len(scanned), len(union)),
        CLEAN: (sum(scanned.values()), len(scanned)),
        TOXIC_FREE: (free, free + toxic),
    }


# ------------------------------------------------------------------------------- happy path
def test_machine_scan_against_the_inventory(tmp_path: Path) -> None:
    scan = machine_scan()
    path = write(tmp_path / "mcp-scan-2026-11-12.json", scan)
    known = {"Weather", "Math", "github"}
    result = collect([path], inventory(*known))
    assert measured(result) == expected(scan, known)
    # Weather and Math scanned; SBB, http_server, sse_server failed; github never scanned -> 2 of 6.
    assert measured(result) == {SCANNED: (2, 6), CLEAN: (1, 2), TOXIC_FREE: (1, 2)}
    by_metric = {m.metric: m for m in result.measurements}
    assert by_metric[SCANNED].details == (
        "github: not in the scanner output",
        "http_server: not scanned (Could not connect to remote server)",
        "SBB: not scanned (Server failed to start: ENOENT)",
        "sse_server: not scanned (Could not connect to remote server)",
    )
    assert by_metric[CLEAN].details == (
        "Weather: E001 Prompt injection in tool description: 'ignore previous instructions' "
        "(/home/dev/.codeium/windsurf/mcp_config.json)",
    )
    assert by_metric[TOXIC_FREE].details == (
        "/home/dev/.cursor/mcp.json: untrusted content (W015) from Weather with sensitive data (W017) from Math",
    )
    m = by_metric[SCANNED]
    assert (m.observed_at, m.source.tool, m.source.sha256) == (
        datetime(2026, 11, 12, tzinfo=UTC),
        "mcp-scan",
        sha256_of(path),
    )
    assert result.warnings == (
        "1 whitelisted (X002) issue(s) muted and not counted",
        "3 server(s) in the scanner output are in no system's mcp_servers: SBB, http_server, sse_server",
    )


def test_without_inventory_servers_the_denominator_is_the_output(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.json", machine_scan())
    result = collect([path])
    assert measured(result)[SCANNED] == (2, 5)
    assert "no active system lists mcp_servers" in result.warnings[-2]
    # mcp-scan writes no time into its output: the file's name has no date, so it is dated by the file
    assert result.warnings[-1] == f"1 file(s) with no date in the name, dated by their modification time: {path}"


def test_analysis_failures_leave_servers_unscanned(tmp_path: Path) -> None:
    weather = config_servers("weather_config.json")["Weather"]
    math = config_servers("math_config.json")["Math"]
    scan = {
        "a.json": path_result(
            "cursor",
            "a.json",
            [server("Weather", weather, signature("weather"))],
            [issue("X001", "Could not reach analysis server", None)],
        ),
        "b.json": {
            **path_result("claude", "b.json", [server("Math", math, signature("math"))], []),
            "error": {"message": "Tried calling verification api 3 times.", "is_failure": True},
        },
        "c.json": {
            "client": None,
            "path": "c.json",
            "servers": None,
            "issues": [],
            "labels": [],
            "error": {"message": "file does not exist", "is_failure": False, "category": "file_not_found"},
        },
    }
    result = collect([write(tmp_path / "scan.json", scan)])
    assert measured(result) == {SCANNED: (0, 2)}
    assert {m.metric: m.details for m in result.measurements}[SCANNED] == (
        "Math: not analysed (Tried calling verification api 3 times.)",
        "Weather: not analysed (X001 Could not reach analysis server)",
    )


def test_high_codes_and_a_changed_tool(tmp_path: Path) -> None:
    sig = signature("math")
    servers = [server(f"s{i}", {"command": "x"}, sig) for i in range(6)]
    issues = [
        issue("E002", "Cross-server tool reference", [0, 1]),
        issue("W003", "Entity has changed", [1, 0]),
        issue("W008", "Hardcoded secret", [2, None]),
        issue("W001", "Suspicious words", [3, 0]),
        issue("W019", "Destructive capabilities", [4, None]),
        issue("W021", "Hidden Unicode characters", [5, 2]),
        issue("E001", "whitelisted later", [5, 3]),
        issue("X002", "whitelisted", [5, None]),
    ]
    result = collect([write(tmp_path / "scan.json", {"p": path_result("cursor", "p", servers, issues)})])
    assert measured(result)[CLEAN] == (3, 6)
    assert result.warnings[0] == "2 whitelisted (X002) issue(s) muted and not counted"


def test_skills_are_not_servers(tmp_path: Path) -> None:
    scan = {
        "/home/dev/.claude": path_result(
            "claude code",
            "/home/dev/.claude",
            [
                server("pdf", {"path": "/home/dev/.claude/skills/pdf", "type": "skill"}, {"metadata": {}}),
                server("Math", {"command": "uv"}, signature("math")),
            ],
            [issue("E004", "Prompt injection in skill", [0, None])],
        )
    }
    assert measured(collect([write(tmp_path / "s.json", scan)])) == {SCANNED: (1, 1), CLEAN: (1, 1), TOXIC_FREE: (1, 1)}


def test_a_later_scan_replaces_an_earlier_one(tmp_path: Path) -> None:
    old = machine_scan()
    new = {k: v for k, v in machine_scan().items() if "windsurf" in k}
    new["/home/dev/.codeium/windsurf/mcp_config.json"]["issues"] = []  # poisoned tool removed
    first = write(tmp_path / "mcp-scan-2026-11-01.json", old)
    second = write(tmp_path / "mcp-scan-2026-11-12.json", new)
    result = collect([second, first])
    assert measured(result) == {SCANNED: (2, 5), CLEAN: (2, 2), TOXIC_FREE: (1, 2)}
    assert all(Path(m.source.file).name == second.name for m in result.measurements)


def test_an_empty_scan_has_no_measurement(tmp_path: Path) -> None:
    result = collect([write(tmp_path / "scan.json", {})])
    assert result.measurements == ()
    assert result.warnings == ("the scanner output lists no client configuration",)


# ------------------------------------------------------------------------------- bad input
def one_line_error(path: Path, *parts: str) -> None:
    message = skipped(collector(), [path], CollectContext(assessed_at=AT))
    for part in parts:
        assert part in message, message


def test_truncated_file_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    text = json.dumps(machine_scan())
    path = write(tmp_path / "scan.json", text[: len(text) // 2])
    before = sorted(p.name for p in tmp_path.iterdir())
    one_line_error(path, str(path), "truncated or invalid JSON", EXPECTED)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("content", ["", "\n \n"], ids=["empty", "blank"])
def test_empty_file_is_one_line(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "scan.json", content)
    one_line_error(path, str(path), "the file is empty", EXPECTED)


def test_another_tools_file_is_one_line(tmp_path: Path) -> None:
    cisco = DATA / "cisco-mcp-scanner" / "complete-example.raw.json"
    one_line_error(cisco, str(cisco), "'server_url' is not a client configuration result", EXPECTED)
    config = DATA / "mcp" / "all_config.json"
    one_line_error(config, "'mcpServers' has none of client, path, servers, issues")
    sarif = write(tmp_path / "r.json", {"version": "2.1.0", "runs": []})
    one_line_error(sarif, "'version' is not a client configuration result")
    array = write(tmp_path / "a.json", [{"path": "x"}])
    one_line_error(array, "not a JSON object", EXPECTED)


# ------------------------------------------------------------------------------- streaming
# The path and verdict kept per configuration (about 220 bytes); 15 bytes more per server result is over.
PER_CONFIG_BYTES = 350


def write_fleet(path: Path, configs: int, per_config: int = 10, pool: int = 40) -> Path:
    """``configs`` developer machines' configurations of ten servers each, from a pool of 40 server names."""
    real = signature("weather")
    sig = {
        "metadata": {"serverInfo": real["metadata"]["serverInfo"]},
        "tools": [{"name": "weather", "description": "Get weather for a city."}],
    }
    with path.open("w") as handle:
        handle.write("{")
        for c in range(configs):
            names = [f"srv-{(c + s) % pool}" for s in range(per_config)]
            servers = [server(n, {"command": "npx", "args": ["-y", n]}, sig) for n in names]
            issues = [issue("W015", "untrusted", [0, None])]
            if c % 4 == 0:
                issues.append(issue("W017", "sensitive", [1, None]))
            key = f"/home/u{c}/.cursor/mcp.json"
            handle.write(
                ("," if c else "") + json.dumps(key) + ":" + json.dumps(path_result("cursor", key, servers, issues))
            )
        handle.write("}")
    return path


@pytest.mark.slow
def test_server_results_stream_in_flat_memory(tmp_path: Path) -> None:
    """Four times the machines: the server results (ten per machine, 40 names) cost nothing more; what
    grows is the one small record kept per client configuration for the toxic-flow ratio."""
    n, pool = 1500, 40
    peaks = []
    for k in (1, 4):
        path = write_fleet(tmp_path / f"fleet-{k}.json", k * n)
        tracemalloc.start()
        try:
            result = collect([path])
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        toxic = (k * n + 3) // 4
        assert measured(result) == {SCANNED: (pool, pool), CLEAN: (pool, pool), TOXIC_FREE: (k * n - toxic, k * n)}
    per_config = (peaks[1] - peaks[0]) / (3 * n)
    assert per_config < PER_CONFIG_BYTES, f"{per_config:.0f} bytes per configuration (peaks {peaks})"
