"""Discovery from evidence: the OTLP and OCSF readers, discovered assets, their KPIs and the shadow-AI report."""

from __future__ import annotations

import json
import tracemalloc
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.assessment import assess
from aisma.cli.main import run
from aisma.collectors.run import collect_workspace
from aisma.errors import AismaError
from aisma.formats.ocsf import read_findings
from aisma.formats.otlp import read_spans
from aisma.inventory.discovery import discovery_measurements
from aisma.inventory.schema import Inventory
from aisma.reports import render
from aisma.scoring.inputs import ObservedAsset, Source
from aisma.workspace.loader import assessment_input, open_workspace

PROWLER = Path(__file__).parent / "data" / "prowler"
FIXTURES = sorted(PROWLER.glob("example_output_*.ocsf.json"))
AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
NS = 1_000_000_000


# ----------------------------------------------------------------------------------------- helpers
def value(v: object) -> dict[str, object]:
    if isinstance(v, bool):
        return {"boolValue": v}
    if isinstance(v, int):
        return {"intValue": str(v)}
    if isinstance(v, float):
        return {"doubleValue": v}
    if isinstance(v, list):
        return {"arrayValue": {"values": [value(x) for x in v]}}
    return {"stringValue": v}


def attrs(**kv: object) -> list[dict[str, object]]:
    return [{"key": k.replace("__", "."), "value": value(v)} for k, v in kv.items()]


def otlp_span(name: str, when: datetime, attributes: dict[str, object]) -> dict[str, Any]:
    nanos = int(when.timestamp()) * NS
    return {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": "eee19b7ec3c1b174",
        "name": name,
        "kind": 3,
        "startTimeUnixNano": str(nanos),
        "endTimeUnixNano": str(nanos + 2 * NS),
        "attributes": [{"key": k, "value": value(v)} for k, v in attributes.items()],
    }


def otlp(service: str, *spans: dict[str, Any]) -> dict[str, Any]:
    return {
        "resourceSpans": [
            {
                "resource": {"attributes": attrs(service__name=service)},
                "scopeSpans": [{"scope": {"name": "test"}, "spans": list(spans)}],
            }
        ]
    }


def finding(check: str, uid: str, status: str = "FAIL", muted: bool = False) -> dict[str, Any]:
    """A Detection Finding with the fields Prowler writes that the reader uses."""
    return {
        "metadata": {"event_code": check, "product": {"name": "Prowler"}, "version": "1.4.0"},
        "status": "Suppressed" if muted else "New",
        "status_id": 3 if muted else 1,
        "status_code": status,
        "severity": "High",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "resources": [{"uid": uid, "type": "Other", "region": "eu-west-1", "name": uid.rsplit("/", 1)[-1]}],
        "cloud": {"account": {"uid": "111122223333"}, "provider": "aws", "region": "eu-west-1"},
        "time": 1792400000,
        "time_dt": "2026-10-17T09:33:20.000000",
    }


def expect_error(path: Path, reader: str, *fragments: str) -> str:
    with pytest.raises(AismaError) as caught:
        list(read_spans(path) if reader == "otlp" else read_findings(path))
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for fragment in fragments:
        assert fragment in message
    return message


# ----------------------------------------------------------------------------------------- OCSF reader
@pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
def test_ocsf_reader_on_real_prowler_output(path: Path) -> None:
    raw = json.loads(path.read_text())
    findings = list(read_findings(path))
    assert len(findings) == len(raw)
    assert Counter(f.status_code for f in findings) == Counter(r["status_code"] for r in raw)
    assert [f.check_id for f in findings] == [r["metadata"]["event_code"] for r in raw]
    assert [[x.uid for x in f.resources] for f in findings] == [[x["uid"] for x in r["resources"]] for r in raw]
    assert not any(f.muted for f in findings)
    assert all(f.time is not None and f.time.tzinfo is not None for f in findings)


def test_ocsf_reader_exact_counts_of_the_aws_fixture() -> None:
    findings = list(read_findings(PROWLER / "example_output_aws.ocsf.json"))
    assert len(findings) == 5
    assert Counter(f.status_code for f in findings) == {"FAIL": 2, "MANUAL": 3}
    first = findings[0]
    assert first.check_id == "accessanalyzer_enabled"
    assert first.account_uid == "<account_uid>"
    assert first.resources[0].uid == "<resource_uid>"
    assert first.time == datetime(2025, 2, 14, 14, 27, 3, 913874, tzinfo=UTC)


def test_ocsf_reader_json_lines_and_muted(tmp_path: Path) -> None:
    raw = json.loads((PROWLER / "example_output_gcp.ocsf.json").read_text())
    raw.append(finding("bedrock_guardrails_configured", "arn:aws:bedrock:eu-west-1:1:guardrail/summary", muted=True))
    path = tmp_path / "findings.ocsf.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in raw))
    findings = list(read_findings(path))
    assert len(findings) == 6
    assert Counter(f.status_code for f in findings) == {"PASS": 3, "FAIL": 3}
    assert [f.muted for f in findings] == [False] * 5 + [True]


def test_ocsf_reader_empty_array_is_no_findings(tmp_path: Path) -> None:
    path = tmp_path / "none.ocsf.json"
    path.write_text("[]\n")
    assert list(read_findings(path)) == []


# ----------------------------------------------------------------------------------------- OTLP reader
def test_otlp_reader_flattens_resource_and_span_attributes(tmp_path: Path) -> None:
    when = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    doc = otlp(
        "support-api",
        otlp_span(
            "chat gpt-4o",
            when,
            {
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": "openai",
                "gen_ai.request.model": "gpt-4o",
                "gen_ai.usage.input_tokens": 120,
                "gen_ai.request.temperature": 0.5,
                "gen_ai.request.stream": True,
                "gen_ai.response.finish_reasons": ["stop"],
            },
        ),
        otlp_span(
            "chat claude",
            when,
            {"gen_ai.operation.name": "chat", "gen_ai.system": "anthropic", "service.name": "overridden-by-span"},
        ),
    )
    path = tmp_path / "traces.json"
    path.write_text(json.dumps(doc, indent=2))
    spans = list(read_spans(path))
    assert [s.name for s in spans] == ["chat gpt-4o", "chat claude"]
    first, second = spans
    assert first.start_time == when
    assert first.attributes["service.name"] == "support-api"
    assert first.attributes["gen_ai.provider.name"] == "openai"
    assert first.attributes["gen_ai.usage.input_tokens"] == 120
    assert first.attributes["gen_ai.request.temperature"] == 0.5
    assert first.attributes["gen_ai.request.stream"] is True
    assert first.attributes["gen_ai.response.finish_reasons"] == ("stop",)
    assert second.text("gen_ai.system") == "anthropic"
    assert second.text("service.name") == "overridden-by-span"


def test_otlp_reader_json_lines_skips_other_signals(tmp_path: Path) -> None:
    when = datetime(2026, 11, 2, tzinfo=UTC)
    lines = [
        otlp("a", otlp_span("chat m1", when, {"gen_ai.request.model": "m1"})),
        {"resourceMetrics": []},
        otlp("b", otlp_span("chat m2", when, {"gen_ai.request.model": "m2"})),
    ]
    path = tmp_path / "traces.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    spans = list(read_spans(path))
    assert [(s.text("service.name"), s.text("gen_ai.request.model")) for s in spans] == [("a", "m1"), ("b", "m2")]


def test_otlp_reader_accepts_resource_after_spans(tmp_path: Path) -> None:
    doc = otlp("late-resource", otlp_span("chat m", datetime(2026, 11, 2, tzinfo=UTC), {}))
    item = doc["resourceSpans"][0]
    doc["resourceSpans"][0] = {"scopeSpans": item["scopeSpans"], "resource": item["resource"]}
    path = tmp_path / "traces.json"
    path.write_text(json.dumps(doc))
    assert [s.text("service.name") for s in read_spans(path)] == ["late-resource"]


@pytest.mark.slow
def test_otlp_reader_streams_in_constant_memory(tmp_path: Path) -> None:
    span = otlp_span("chat m", datetime(2026, 11, 2, tzinfo=UTC), {"gen_ai.request.model": "m", "pad": "x" * 200})
    path = tmp_path / "big.json"
    text = json.dumps(otlp("svc", span))
    head, tail = text.split(json.dumps(span))
    with path.open("w") as handle:
        handle.write(head)
        handle.write(",".join([json.dumps(span)] * 20_000))
        handle.write(tail)
    assert path.stat().st_size > 10_000_000
    tracemalloc.start()
    count = sum(1 for _ in read_spans(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 20_000
    assert peak < 2_000_000, f"peak {peak} bytes for a {path.stat().st_size} byte file"


# ----------------------------------------------------------------------------------------- bad files
def test_truncated_files_are_one_line_errors(tmp_path: Path) -> None:
    doc = json.dumps(otlp("svc", otlp_span("chat m", datetime(2026, 11, 2, tzinfo=UTC), {})))
    traces = tmp_path / "traces.json"
    traces.write_text(doc[: len(doc) // 2])
    expect_error(traces, "otlp", "truncated or invalid JSON", "expected OTLP JSON traces")
    findings = tmp_path / "findings.ocsf.json"
    text = (PROWLER / "example_output_aws.ocsf.json").read_text()
    findings.write_text(text[: len(text) - 200])
    expect_error(findings, "ocsf", "truncated or invalid JSON", "expected Prowler OCSF findings")


def test_wrong_tools_file_is_refused(tmp_path: Path) -> None:
    expect_error(PROWLER / "example_output_aws.ocsf.json", "otlp", "found a JSON array", "expected OTLP JSON traces")
    traces = tmp_path / "traces.json"
    traces.write_text(json.dumps(otlp("svc")))
    expect_error(traces, "ocsf", "item 1 is not a Detection Finding", "(OTLP traces?)")
    other = tmp_path / "other.json"
    other.write_text('{"findings": []}')
    expect_error(other, "otlp", "JSON object 1 has no resourceSpans")
    other.write_text('{"resourceSpans": {"spans": []}}')
    expect_error(other, "otlp", "resourceSpans is not a list")


@pytest.mark.parametrize("content", ["", "  \n\n"], ids=["empty", "blank"])
def test_empty_files_are_one_line_errors(tmp_path: Path, content: str) -> None:
    path = tmp_path / "x.json"
    path.write_text(content)
    expect_error(path, "otlp", "the file is empty", "expected OTLP JSON traces")
    expect_error(path, "ocsf", "the file is empty", "expected Prowler OCSF findings")


# ----------------------------------------------------------------------------------------- discovery
INVENTORY = """\
systems:
  - id: support-bot
    name: Support chatbot
    track: build
    deployment_type: paas
    environment: production
    match: ["service.name=support-api"]
  - id: claims-agent
    name: Claims triage agent
    track: build
    deployment_type: paas
    environment: production
    match: ["arn:aws:bedrock:*:agent/CLAIMS*", "gen_ai.agent.name=claims-*"]
  - id: old-bot
    name: Legacy bot
    track: build
    deployment_type: api_saas
    environment: retired
    match: ["legacy-model-*"]
"""
CLAIMS_ARN = "arn:aws:bedrock:eu-west-1:111122223333:agent/CLAIMS01"
POC_ARN = "arn:aws:sagemaker:eu-west-1:111122223333:endpoint/pricing-llm-poc"


def write_workspace(root: Path) -> Path:
    (root / "evidence" / "otel" / "nested").mkdir(parents=True)
    (root / "evidence" / "prowler").mkdir(parents=True)
    (root / "aisma.yaml").write_text("organization: Example Org\n")
    (root / "inventory.yaml").write_text(INVENTORY)
    early, late = datetime(2026, 11, 10, tzinfo=UTC), datetime(2026, 11, 14, 12, tzinfo=UTC)
    lines = [
        otlp(
            "support-api",
            otlp_span(
                "chat gpt-4o",
                early,
                {
                    "gen_ai.operation.name": "chat",
                    "gen_ai.provider.name": "openai",
                    "gen_ai.request.model": "gpt-4o",
                    "server.address": "api.openai.com",
                },
            ),
        ),
        otlp(
            "hackday",
            otlp_span(
                "invoke_agent rogue-agent",
                early,
                {
                    "gen_ai.operation.name": "invoke_agent",
                    "gen_ai.system": "openai",
                    "gen_ai.agent.name": "rogue-agent",
                    "gen_ai.request.model": "legacy-model-v2",
                    "server.address": "llm.hackday.example",
                },
            ),
        ),
    ]
    (root / "evidence" / "otel" / "traces.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines))
    claims = otlp(
        "claims-worker",
        otlp_span(
            "invoke_agent claims-triage",
            late,
            {
                "gen_ai.operation.name": "invoke_agent",
                "gen_ai.provider.name": "aws.bedrock",
                "gen_ai.agent.id": CLAIMS_ARN,
                "gen_ai.agent.name": "claims-triage",
                "gen_ai.request.model": "anthropic.claude-3-haiku",
                "server.address": "bedrock-agent-runtime.eu-west-1.amazonaws.com",
            },
        ),
        otlp_span(
            "execute_tool lookup_policy",
            late,
            {
                "gen_ai.operation.name": "execute_tool",
                "gen_ai.agent.id": CLAIMS_ARN,
                "server.address": "policies.internal",
            },
        ),
    )
    (root / "evidence" / "otel" / "nested" / "claims.json").write_text(json.dumps(claims))
    findings = [
        finding("bedrock_agent_guardrail_enabled", CLAIMS_ARN, "PASS"),
        finding("sagemaker_endpoint_config_prod_variant_instances", POC_ARN),
        finding("bedrock_guardrails_configured", "arn:aws:bedrock:eu-west-1:111122223333:guardrail/summary"),
        finding("bedrock_vpc_endpoints_configured", "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1"),
        finding("s3_bucket_default_encryption", "arn:aws:s3:::not-ai"),
    ]
    (root / "evidence" / "prowler" / "scan.ocsf.json").write_text(json.dumps(findings))
    (root / "evidence" / "otel" / "notes.md").write_text("not read")
    return root


def discover(evidence: Path) -> tuple[ObservedAsset, ...]:
    """What the otel, prowler and mcp-config collectors saw under ``evidence``: discovery's input."""
    observed = collect_workspace(evidence.parent, {}, Inventory(), AT).observed
    return tuple(sorted(observed, key=lambda a: (a.kind, a.identifier, a.tool, a.file, a.seen_with)))


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    return write_workspace(tmp_path / "ws")


def test_discover_reads_otel_and_prowler(workspace: Path) -> None:
    assets = discover(workspace / "evidence")
    assert list(assets) == sorted(assets, key=lambda a: (a.kind, a.identifier, a.tool, a.file, a.seen_with))
    seen = {(a.kind, a.identifier, a.tool, a.file) for a in assets}
    assert seen == {
        ("agent", CLAIMS_ARN, "otel", "evidence/otel/nested/claims.json"),
        ("agent", CLAIMS_ARN, "prowler", "evidence/prowler/scan.ocsf.json"),
        ("agent", "rogue-agent", "otel", "evidence/otel/traces.jsonl"),
        ("endpoint", "api.openai.com", "otel", "evidence/otel/traces.jsonl"),
        ("endpoint", "bedrock-agent-runtime.eu-west-1.amazonaws.com", "otel", "evidence/otel/nested/claims.json"),
        ("endpoint", "llm.hackday.example", "otel", "evidence/otel/traces.jsonl"),
        ("endpoint", POC_ARN, "prowler", "evidence/prowler/scan.ocsf.json"),
        ("model", "anthropic.claude-3-haiku", "otel", "evidence/otel/nested/claims.json"),
        ("model", "gpt-4o", "otel", "evidence/otel/traces.jsonl"),
        ("model", "legacy-model-v2", "otel", "evidence/otel/traces.jsonl"),
    }
    # The invoke_agent span names the agent; the execute_tool span carries only its id.
    agent = [a for a in assets if a.identifier == CLAIMS_ARN and a.tool == "otel"]
    assert [(a.count, a.seen_with) for a in agent] == [
        (1, ()),
        (1, ("claims-triage", "gen_ai.agent.name=claims-triage")),
    ]
    assert agent[0].last_seen == datetime(2026, 11, 14, 12, tzinfo=UTC)
    gpt = next(a for a in assets if a.identifier == "gpt-4o")
    assert gpt.seen_with == ("api.openai.com", "service.name=support-api")


def test_discover_without_evidence_is_empty(tmp_path: Path) -> None:
    assert discover(tmp_path / "evidence") == ()


def test_discovery_measurements(workspace: Path) -> None:
    ws = open_workspace(workspace)
    inputs = assessment_input(ws, AT, collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT))
    assert inputs.observed == discover(workspace / "evidence") and inputs.observed
    by_metric = {m.metric: m for m in inputs.measurements if m.source.tool == "discovery"}
    assert set(by_metric) == {
        "inventory.discovery.registered_ratio",
        "inventory.unregistered.count",
        "otel.agents.registered_ratio",
        "otel.models.registered_ratio",
        "otel.retired_systems.silent_ratio",
    }
    silent = by_metric["otel.retired_systems.silent_ratio"]
    assert (silent.numerator, silent.denominator) == (0, 1)  # old-bot still answers in the traces
    ratio = by_metric["inventory.discovery.registered_ratio"]
    assert (ratio.numerator, ratio.denominator) == (5, 9)
    assert ratio.details == (
        "agent rogue-agent: unregistered",
        "endpoint arn:aws:sagemaker:eu-west-1:111122223333:endpoint/pricing-llm-poc: unregistered",
        "endpoint llm.hackday.example: unregistered (matches retired system old-bot)",
        "model legacy-model-v2: unregistered (matches retired system old-bot)",
    )
    # The oldest of each tool's latest sighting: OTLP 2026-11-14 12:00, Prowler 2026-10-17.
    assert ratio.observed_at == datetime(2026, 10, 17, 9, 33, 20, tzinfo=UTC)
    count = by_metric["inventory.unregistered.count"]
    assert (count.value, count.numerator, count.denominator) == (4, 4, None)
    models = by_metric["otel.models.registered_ratio"]
    assert (models.numerator, models.denominator) == (2, 3)
    assert models.observed_at == datetime(2026, 11, 14, 12, tzinfo=UTC)
    agents = by_metric["otel.agents.registered_ratio"]
    assert (agents.numerator, agents.denominator) == (1, 2)


def test_no_measurements_when_nothing_observed() -> None:
    assert discovery_measurements((), (), AT, Source(tool="discovery")) == ()


def test_unregistered_ai_in_result_and_reports(workspace: Path) -> None:
    ws = open_workspace(workspace)
    result = assess(assessment_input(ws, AT, collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT)))
    entries = {u.identifier: u for u in result.unregistered_ai}
    assert sorted(entries) == sorted(["llm.hackday.example", "legacy-model-v2", POC_ARN, "rogue-agent"])
    assert entries["legacy-model-v2"].model_dump() == {
        "kind": "model",
        "identifier": "legacy-model-v2",
        "seen": 1,
        "tools": ("otel",),
        "files": ("evidence/otel/traces.jsonl",),
        "matches_retired_system": "old-bot",
    }
    assert entries[POC_ARN].tools == ("prowler",)
    assert entries[POC_ARN].matches_retired_system is None
    assert entries["rogue-agent"].matches_retired_system is None
    # INV-3.1 is measured from discovery: 5 of 9 distinct assets registered measures "partially".
    inv31 = result.category("INV").objectives
    measured = next(o for o in inv31 if o.id == "INV-3.1")
    assert measured.source == "measured" and measured.answer == "partially"
    data = json.loads(render(result, "json"))
    assert len(data["unregistered_ai"]) == 4
    markdown = render(result, "md")
    assert "## Unregistered AI" in markdown
    assert "| model | legacy-model-v2 | 1 | otel | evidence/otel/traces.jsonl | old-bot |" in markdown
    html = render(result, "html")
    assert "4 unregistered AI assets seen in tool output" in html
    assert 'id="s-unregistered"' in html


def test_registered_sighting_does_not_hide_a_shadow_one() -> None:
    """A shared endpoint called by a registered service and by an unknown one is reported once, for the unknown use."""
    from aisma.inventory.schema import Inventory

    inventory = Inventory.model_validate(
        {
            "systems": [
                {
                    "id": "bot",
                    "name": "Bot",
                    "track": "build",
                    "deployment_type": "paas",
                    "match": ["service.name=bot-api"],
                }
            ]
        }
    )
    observed = (
        ObservedAsset("endpoint", "api.openai.com", "otel", "a.json", 5, ("service.name=bot-api",)),
        ObservedAsset("endpoint", "api.openai.com", "otel", "a.json", 2, ("service.name=shadow",)),
    )
    (ratio, count) = discovery_measurements(inventory.systems, observed, AT, Source(tool="discovery"))
    assert (ratio.numerator, ratio.denominator) == (0, 1)
    assert count.value == 1


def test_cli_reports_a_bad_trace_file_in_one_line(workspace: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = workspace / "evidence" / "otel" / "broken.json"
    bad.write_text('{"resourceSpans": [{"resource": {"attributes": [')
    # The assessment reads every other file; the broken one is one warning line, and --strict fails on it.
    assert run(["assess", str(workspace), "--at", "2026-11-16"]) == 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert err.startswith("warning: otel: evidence/otel/broken.json: truncated or invalid JSON")
    assert run(["assess", str(workspace), "--at", "2026-11-16", "--strict"]) == 1
    err = capsys.readouterr().err
    assert err.splitlines()[-1] == "aisma: error: --strict: 1 evidence file(s) could not be read"
    assert "Traceback" not in err


def test_mcp_servers_in_client_configs_are_discovered(tmp_path: Path) -> None:
    """Servers found in evidence/mcp client configs count as inventoried when a system lists them."""
    from aisma.inventory.schema import AISystem
    from aisma.scoring.inputs import Source

    mcp = tmp_path / "evidence" / "mcp"
    mcp.mkdir(parents=True)
    (mcp / "cursor.json").write_text(
        '{"mcpServers": {"github": {"command": "npx", "args": ["-y", "gh-mcp"]}, "Jira": {"url": "https://x/mcp"},'
        ' "shadow": {"command": "uvx", "args": ["shadow-mcp"]}}}'
    )
    observed = discover(tmp_path / "evidence")
    assert sorted(a.identifier for a in observed if a.kind == "mcp_server") == ["Jira", "github", "shadow"]
    agent = AISystem.model_validate(
        {
            "id": "dev",
            "name": "dev",
            "track": "coding_tool",
            "deployment_type": "api_saas",
            "mcp_servers": ["github", "jira"],
        }
    )
    at = datetime(2026, 11, 16, tzinfo=UTC)
    measured = {m.metric: m for m in discovery_measurements([agent], observed, at, Source(tool="discovery"))}
    inventoried = measured["mcp.servers.inventoried_ratio"]
    assert (inventoried.numerator, inventoried.denominator) == (2, 3)
    assert inventoried.details == ("mcp_server shadow: unregistered",)


def test_retired_systems_must_be_silent() -> None:
    """A retired system whose agent still shows up in recent traces was not really decommissioned."""
    from aisma.inventory.discovery import retired_silent
    from aisma.inventory.schema import AISystem
    from aisma.scoring.inputs import ObservedAsset, Source

    at = datetime(2026, 11, 16, tzinfo=UTC)

    def retired(sid: str, pattern: str) -> AISystem:
        return AISystem.model_validate(
            {
                "id": sid,
                "name": sid,
                "track": "build",
                "deployment_type": "paas",
                "environment": "retired",
                "match": [pattern],
            }
        )

    systems = [retired("old-bot", "bot-v1"), retired("gone", "bot-v0"), retired("very-old", "bot-v-1")]
    observed = [
        ObservedAsset("agent", "bot-v1", "otel", "evidence/otel/t.json", 3, (), datetime(2026, 11, 14, tzinfo=UTC)),
        ObservedAsset("agent", "bot-v-1", "otel", "evidence/otel/t.json", 1, (), datetime(2026, 10, 1, tzinfo=UTC)),
        ObservedAsset("mcp_server", "bot-v0", "mcp-config", "evidence/mcp/c.json", 1, ()),
    ]
    (m,) = retired_silent(systems, observed, at, Source(tool="discovery"))
    assert (m.numerator, m.denominator) == (2, 3)
    assert m.details == ("old-bot: agent bot-v1 seen in evidence/otel/t.json",)
    assert retired_silent([], observed, at, Source(tool="discovery")) == ()
