"""Hostile files, cheap to send and expensive to read, against every file collector.

Each case runs ``aisma collect`` in a child process of its own, which reports its peak RSS as the kernel
counts it (``VmHWM``), so the figure is the whole process's, C parsers included; an address-space limit
on the child stops a regression from taking the machine down with it. Every case must end with
exit 0 (the file is valid, if odd) or exit 1 and one line naming the file, never an internal error,
and stay under 300 MB. Nothing here measures time.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a Python process per hostile file, with its memory measured

PEAK_LIMIT_MB = 300
ADDRESS_SPACE = 3 << 30  # the child's safety net: a runaway reader fails instead of swapping

DEEP = 100_000
Payload = Callable[[], bytes]


def deep() -> bytes:
    return b"[" * DEEP + b"]" * DEEP


def deep_objects() -> bytes:
    return b'{"a":' * DEEP + b"1" + b"}" * DEEP


def huge_string() -> bytes:
    return b'"' + b"x" * (17 << 20) + b'"'


def huge_number() -> bytes:
    return b"1" * 2_000_000


def many_keys() -> bytes:
    return b"{" + b",".join(b'"k%d":0' % i for i in range(1_200_000)) + b"}"


def many_empties() -> bytes:  # the most Python objects per byte a JSON value can make
    return b"[" + b",".join([b"{}"] * 2_700_000) + b"]"


JSON_PAYLOADS: dict[str, Payload] = {
    "deep-arrays": deep,
    "deep-objects": deep_objects,
    "huge-string": huge_string,
    "huge-number": huge_number,
    "many-keys": many_keys,
    "many-empty-objects": many_empties,
}
# collector -> (file name, bytes before the payload, bytes after it): the payload sits where the reader builds
# or streams values, past every shape check.
JSON_COLLECTORS: dict[str, tuple[str, bytes, bytes]] = {
    "sarif": ("x.sarif", b'{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"t"}},"results":[', b"]}]}"),
    "cyclonedx": ("x.cdx.json", b'{"bomFormat":"CycloneDX","specVersion":"1.6","components":[', b"]}"),
    "garak": ("x.report.jsonl", b'{"entry_type":"init","garak_version":"0.14.0"}\n', b"\n"),
    "promptfoo": (
        "x.json",
        b'{"evalId":"e","results":{"version":3,"timestamp":"2026-11-01T00:00:00Z","results":[',
        b"]}}",
    ),
    "prowler": ("x.ocsf.json", b"[", b"]"),
    "otel": ("x.json", b'{"resourceSpans":[{"scopeSpans":[{"spans":[', b"]}]}]}"),
    "mcp-config": ("mcp.json", b'{"mcpServers":{"a":', b"}}"),
    "mcp-scan": ("x.json", b'{"/home/me/.cursor/mcp.json":{"client":"cursor","path":"/p","servers":[', b"]}}"),
    "cisco-mcp-scanner": ("x.json", b'{"server_url":"https://m.example/mcp","scan_results":[', b"]}"),
    "github-copilot": ("seats.json", b'{"total_seats":1,"seats":[', b"]}"),
    "azure-openai": ("deployments.json", b'{"value":[', b"]}"),
    "gcp-vertex-ai": ("endpoints.json", b'{"endpoints":[', b"]}"),
    "m365-copilot": ("groups.json", b'{"value":[', b"]}"),
}
XML_PAYLOADS: dict[str, bytes] = {
    "billion-laughs": (
        b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components><component type="machine-learning-model">'
        b"<name>&c;</name></component></components></bom>"
    ),
    "external-entity": (
        b'<?xml version="1.0"?><!DOCTYPE bom [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><timestamp>&x;</timestamp></metadata></bom>'
    ),
    "deep-elements": b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>'
    + b"<component><components>" * 50_000
    + b"</components></component>" * 50_000
    + b"</components></bom>",
    "huge-text": b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><metadata><timestamp>'
    + b"x" * (17 << 20)
    + b"</timestamp></metadata></bom>",
    "many-elements": b'<bom xmlns="http://cyclonedx.org/schema/bom/1.6"><components>'
    b'<component type="machine-learning-model"><name>m</name><x>' + b"<a/>" * 2_000_000 + b"</x></component>"
    b"</components></bom>",
}
CSV_COLLECTORS: dict[str, tuple[str, bytes]] = {
    "prowler": ("scan.csv", b"TIMESTAMP;CHECK_ID;STATUS;MUTED;RESOURCE_UID;REGION\n"),
    "promptfoo": ("export.csv", b"vars,[openai:gpt-4o] prompt,Status,pluginId,strategyId\n"),
}


CHILD = """
import resource, sys
limit, report = int(sys.argv[1]), sys.argv[2]
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
from aisma.cli.main import run
try:
    code = run(sys.argv[3:])
finally:
    # VmHWM: the peak RSS of this program's own memory (ru_maxrss would also count the parent's image,
    # which a fork copies before the exec)
    with open("/proc/self/status") as status, open(report, "w") as out:
        out.write(next(line.split()[1] for line in status if line.startswith("VmHWM:")))
sys.exit(code)
"""


def collect_in_a_child(collector: str, path: Path) -> tuple[int, str, float]:
    """Exit status, stderr and peak RSS (MB) of ``aisma collect COLLECTOR PATH`` in a process of its own."""
    report = path.with_name(path.name + ".peak")
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(ADDRESS_SPACE), str(report), "collect", collector, str(path)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "AISMA_DEBUG": ""},
        check=False,
    )
    peak_kb = int(report.read_text()) if report.exists() else 0
    return child.returncode, child.stderr.decode("utf-8", errors="replace"), peak_kb / 1024


def check(collector: str, path: Path) -> str:
    code, err, peak = collect_in_a_child(collector, path)
    assert code in (0, 1), f"exit {code}: {err[-500:]}"
    assert "Traceback" not in err and "internal error" not in err
    assert peak < PEAK_LIMIT_MB, f"{collector} on {path.name}: peak RSS {peak:.0f} MB"
    if code == 1:
        lines = err.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"aisma: error: {path}: "), err[-500:]
    return err


@pytest.mark.parametrize("payload", sorted(JSON_PAYLOADS))
@pytest.mark.parametrize("collector", sorted(JSON_COLLECTORS))
def test_hostile_json_is_one_line_in_bounded_memory(tmp_path: Path, collector: str, payload: str) -> None:
    name, head, tail = JSON_COLLECTORS[collector]
    path = tmp_path / name
    path.write_bytes(head + JSON_PAYLOADS[payload]() + tail)
    err = check(collector, path)
    if payload in ("deep-arrays", "deep-objects"):
        assert "refused: nested" in err, err  # no reader lets 100,000 levels through
    if payload in ("huge-string", "huge-number"):
        assert "refused: " in err or "not JSON" in err or "invalid JSON" in err or err == "", err


@pytest.mark.parametrize("payload", sorted(XML_PAYLOADS))
def test_hostile_xml_bom_is_one_line_in_bounded_memory(tmp_path: Path, payload: str) -> None:
    path = tmp_path / f"{payload}.cdx.xml"
    path.write_bytes(XML_PAYLOADS[payload])
    err = check("cyclonedx", path)
    assert "refused: " in err, err  # entities, a DTD, 50,000 levels, 17 MB of text, 2 million elements


@pytest.mark.parametrize("collector", sorted(CSV_COLLECTORS))
def test_a_huge_csv_row_is_one_line_in_bounded_memory(tmp_path: Path, collector: str) -> None:
    name, header = CSV_COLLECTORS[collector]
    path = tmp_path / name
    path.write_bytes(header + b"," * (12 << 20) + b"\n")
    err = check(collector, path)
    assert "refused: a CSV row longer than" in err, err
