"""The cisco-mcp-scanner collector: scanned and clean MCP servers from Cisco's MCP scanner JSON output.

Real files: the two complete JSON examples of the scanner's docs/output-formats.md (tests/data/
cisco-mcp-scanner, see SOURCE). The other documented shapes (the ``--raw`` bare array and the
known-configs map of config paths to results) are written here from that document's description.
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.cisco_mcp_scanner import collector
from aisma.errors import AismaError
from aisma.inventory.schema import AISystem, Inventory
from collectors.reading import skipped

DATA = Path(__file__).parent.parent / "data"
REAL = sorted((DATA / "cisco-mcp-scanner").glob("*.raw.json"))
AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
SCANNED = "mcp.servers.scanned_ratio"
CLEAN = "mcp.servers.clean_ratio"
EXPECTED = "expected Cisco MCP scanner JSON output"


def collect(paths: list[Path], inventory: Inventory | None = None, **settings: Any) -> CollectionResult:
    context = CollectContext(assessed_at=AT, inventory=inventory or Inventory(), settings=settings)
    return collector().collect(paths, context)


def measured(result: CollectionResult) -> dict[str, tuple[float, float]]:
    return {m.metric: (m.numerator or 0.0, m.denominator or 0.0) for m in result.measurements}


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    return path


def inventory(*servers: str) -> Inventory:
    system = AISystem(id="fraud-agent", name="Fraud", track="build", deployment_type="paas", mcp_servers=servers)
    return Inventory(systems=(system,))


def result_item(name: str, severity: str, server: str | None = None, status: str = "completed") -> dict[str, Any]:
    findings = (
        {}
        if severity == "SAFE"
        else {
            "llm_analyzer": {
                "severity": severity,
                "threat_names": ["PROMPT INJECTION"],
                "threat_summary": "x",
                "total_findings": 1,
            }
        }
    )
    item: dict[str, Any] = {
        "status": status,
        "is_safe": severity == "SAFE",
        "tool_name": name,
        "tool_description": "d",
        "item_type": "tool",
        "findings": findings,
    }
    if server is not None:
        item |= {"server_name": server, "server_source": "/etc/mcp/agent.json"}
    return item


# ------------------------------------------------------------------------------- real examples
def test_documented_examples() -> None:
    """Each example is a remote scan of one server (its server_url); a HIGH analyzer makes it unclean."""
    docs = [json.loads(p.read_text()) for p in REAL]
    targets = {d["server_url"] for d in docs}
    high = {
        d["server_url"]
        for d in docs
        for item in d["scan_results"]
        if any(f.get("severity") == "HIGH" for f in item["findings"].values())
    }
    result = collect(REAL)
    assert measured(result) == {SCANNED: (len(targets), len(targets)), CLEAN: (len(targets - high), len(targets))}
    assert measured(result) == {SCANNED: (2, 2), CLEAN: (0, 2)}
    clean = next(m for m in result.measurements if m.metric == CLEAN)
    assert clean.details == (
        "http://127.0.0.1:8001/sse: tool execute_command: HIGH (yara_analyzer); prompt malicious_prompt: HIGH "
        "(llm_analyzer)",
        "https://mcp-server.example.com/mcp: tool execute_command: HIGH (yara_analyzer: CODE EXECUTION; "
        "llm_analyzer: PROMPT INJECTION, DATA EXFILTRATION)",
    )
    newest = max(REAL, key=lambda p: (datetime.fromtimestamp(int(p.stat().st_mtime), tz=UTC), str(p)))
    assert (clean.source.tool, clean.source.sha256) == ("cisco-mcp-scanner", sha256_of(newest))


def test_server_names_map_targets_to_inventory_servers() -> None:
    names = {"https://mcp-server.example.com/*": "case-management", "http://127.0.0.1:8001/*": "txn-history"}
    result = collect(REAL, inventory("case-management", "txn-history", "card-controls"), server_names=names)
    assert measured(result) == {SCANNED: (2, 3), CLEAN: (0, 2)}
    scanned = next(m for m in result.measurements if m.metric == SCANNED)
    assert scanned.details == ("card-controls: not in the scanner output",)
    newest = max(REAL, key=lambda p: (datetime.fromtimestamp(int(p.stat().st_mtime), tz=UTC), str(p)))
    assert result.warnings == (f"1 file(s) with no date in the name, dated by their modification time: {newest}",)


def test_a_bad_server_names_setting_is_one_line() -> None:
    with pytest.raises(AismaError, match="server_names must map scan targets to server names"):
        collect(REAL, server_names=["x"])


# ------------------------------------------------------------------------------- the other shapes
def test_config_scan_names_its_servers(tmp_path: Path) -> None:
    envelope = {
        "server_url": "/etc/mcp/agent.json",
        "scan_results": [
            result_item("get_case", "SAFE", "case-management"),
            result_item("block_card", "HIGH", "card-controls"),
            result_item("lookup", "MEDIUM", "txn-history"),
            result_item("screen", "LOW", "sanctions-screening", status="failed"),
        ],
        "requested_analyzers": ["yara", "llm"],
    }
    path = write(tmp_path / "agent-config-2026-11-13.json", envelope)
    result = collect([path], inventory("case-management", "card-controls", "txn-history", "sanctions-screening"))
    assert measured(result) == {SCANNED: (3, 4), CLEAN: (2, 3)}
    by_metric = {m.metric: m for m in result.measurements}
    assert by_metric[SCANNED].details == ("sanctions-screening: not scanned (status failed)",)
    assert by_metric[CLEAN].details == ("card-controls: tool block_card: HIGH (llm_analyzer: PROMPT INJECTION)",)
    assert by_metric[SCANNED].observed_at == datetime(2026, 11, 13, tzinfo=UTC)


def test_raw_array_and_known_configs_map(tmp_path: Path) -> None:
    bare = write(tmp_path / "stdio-fetch.json", [result_item("fetch", "SAFE"), result_item("fetch2", "LOW")])
    known = write(
        tmp_path / "known-configs.json",
        {
            "/Users/me/.cursor/mcp.json": [result_item("a", "SAFE", "github"), result_item("b", "CRITICAL", "github")],
            "/Users/me/.config/claude/claude_desktop_config.json": [result_item("c", "SAFE", "notes")],
        },
    )
    result = collect([bare, known])
    assert measured(result) == {SCANNED: (3, 3), CLEAN: (2, 3)}
    assert {m.metric: m.details for m in result.measurements}[CLEAN] == (
        "github: tool b: CRITICAL (llm_analyzer: PROMPT INJECTION)",
    )


def test_a_later_file_replaces_a_server_result(tmp_path: Path) -> None:
    old = write(tmp_path / "scan-2026-11-01.json", {"server_url": "x", "scan_results": [result_item("t", "HIGH", "s")]})
    new = write(tmp_path / "scan-2026-11-12.json", {"server_url": "x", "scan_results": [result_item("t", "SAFE", "s")]})
    assert measured(collect([new, old])) == {SCANNED: (1, 1), CLEAN: (1, 1)}


def test_an_empty_scan_has_no_measurement(tmp_path: Path) -> None:
    path = write(tmp_path / "scan.json", {"server_url": "https://x.example/mcp", "scan_results": []})
    result = collect([path])
    assert result.measurements == ()
    assert result.warnings == (f"1 file(s) hold no scan result: {path}",)


# ------------------------------------------------------------------------------- bad input
def one_line_error(path: Path, *parts: str) -> None:
    message = skipped(collector(), [path], CollectContext(assessed_at=AT))
    for part in parts:
        assert part in message, message


def test_truncated_file_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    text = REAL[0].read_text()
    path = write(tmp_path / "scan.json", text[: len(text) // 2])
    before = sorted(p.name for p in tmp_path.iterdir())
    one_line_error(path, str(path), "truncated or invalid JSON", EXPECTED)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


@pytest.mark.parametrize("content", ["", "\t\n"], ids=["empty", "blank"])
def test_empty_file_is_one_line(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "scan.json", content)
    one_line_error(path, str(path), "the file is empty", EXPECTED)


def test_another_tools_file_is_one_line(tmp_path: Path) -> None:
    scan = write(
        tmp_path / "mcp-scan.json", {"/home/u/.cursor/mcp.json": {"client": "cursor", "path": "p", "servers": []}}
    )
    one_line_error(scan, "no scan_results, and '/home/u/.cursor/mcp.json' is not a list of results", EXPECTED)
    config = DATA / "mcp" / "all_config.json"
    one_line_error(config, "no scan_results, and 'mcpServers' is not a list of results")
    ocsf = write(tmp_path / "ocsf.json", [{"metadata": {"event_code": "x"}, "status_code": "FAIL"}])
    one_line_error(ocsf, "item 0 is not a scan result")
    text = write(tmp_path / "t.json", '"just a string"')
    one_line_error(text, "not a JSON object or array")


# ------------------------------------------------------------------------------- streaming
@pytest.mark.slow
def test_results_stream_in_flat_memory(tmp_path: Path) -> None:
    """Four times the results over the same 500 servers cost no more memory."""
    n, servers = 8000, 500  # over 1 MiB, the block the file's sha256 is read in
    peaks = []
    for k in (1, 4):
        count = k * n
        path = tmp_path / f"fleet-{k}.raw.json"
        with path.open("w") as handle:
            handle.write('{"server_url": "well-known-configs", "scan_results": [')
            for i in range(count):
                item = result_item(f"tool_{i}", "HIGH" if i % 1000 == 7 else "SAFE", f"server-{i % servers}")
                handle.write(("," if i else "") + json.dumps(item))
            handle.write('], "requested_analyzers": ["yara"]}')
        assert path.stat().st_size > 1 << 20
        tracemalloc.start()
        try:
            result = collect([path])
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        dirty = {i % servers for i in range(count) if i % 1000 == 7}
        assert measured(result) == {SCANNED: (servers, servers), CLEAN: (servers - len(dirty), servers)}
    # 24,000 more results: 15 bytes kept per result would be 360 KB.
    assert peaks[1] < peaks[0] * 1.1 + 100_000, f"peaks {peaks[0]} and {peaks[1]} bytes"
