"""The otel collector on OTLP/JSON traces built from the GenAI semantic conventions in tests/data/otel.

No real trace export is published with a license we can copy, so the trace files are generated here
from the conventions' own definitions (attribute names, operation names, provider ids), and every
name the collector reads is checked against those definitions. Expected numbers are computed from
the span list below, not by calling the collector.
"""

from __future__ import annotations

import json
import tracemalloc
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.otel import collector
from aisma.collectors.otel import spans as span_rules
from aisma.errors import AismaError
from aisma.formats import jsonstream
from aisma.inventory.schema import AISystem, Inventory
from aisma.scoring.inputs import Measurement

DATA = Path(__file__).parent.parent / "data"
SEMCONV = DATA / "otel"
AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
SDK = ("nb.secure_genai", "2.3.0")
OPENAI_V2 = ("opentelemetry.instrumentation.openai_v2", "2.1b0")
LITELLM = ("litellm", "1.74.9")

INVENTORY = Inventory(
    systems=(
        AISystem(
            id="chatbot",
            name="Chatbot",
            track="build",
            deployment_type="paas",
            risk_tier="HIGH",
            match=("service.name=chatbot-api", "kb-chatbot-*"),
        ),
        AISystem(
            id="helper-agent",
            name="Helper agent",
            track="build",
            deployment_type="paas",
            risk_tier="MEDIUM",
            agentic=True,
            match=("agent-7*",),
        ),
        AISystem(
            id="gateway",
            name="Gateway",
            track="platform",
            deployment_type="self_hosted",
            risk_tier="LOW",
            match=("service.name=gateway",),
        ),
        AISystem(id="batch-model", name="Batch", track="build", deployment_type="self_hosted", match=("ocp:batch*",)),
        AISystem(
            id="ops-agent",
            name="Ops agent",
            track="build",
            deployment_type="paas",
            environment="pilot",
            agentic=True,
            match=("ops-agent*",),
        ),
        AISystem(id="office-copilot", name="Copilot", track="copilot", deployment_type="api_saas"),
        AISystem(
            id="old-bot",
            name="Old bot",
            track="build",
            deployment_type="api_saas",
            environment="retired",
            match=("service.name=agent-svc",),
        ),
    )
)


# (id, service, scope, system the test author ties it to, days before AT (None: no start time), attributes,
#  evaluated). Attribute names and values come from the GenAI conventions (checked below).
SPANS: list[tuple[str, str, tuple[str, str], str | None, float | None, dict[str, Any], bool]] = [
    ("c1", "chatbot-api", SDK, "chatbot", 1, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
     "gen_ai.request.model": "gpt-4o-2024-11-20", "gen_ai.response.model": "gpt-4o-2024-11-20",
     "gen_ai.request.max_tokens": 500, "gen_ai.response.id": "chatcmpl-1"}, True),
    ("c2", "chatbot-api", SDK, "chatbot", 2, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
     "gen_ai.request.model": "gpt-4o", "gen_ai.response.model": "gpt-4o-2024-11-20"}, False),
    ("c3", "chatbot-api", SDK, "chatbot", 3, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "azure.ai.openai",
     "server.address": "oai-chat.openai.azure.com", "gen_ai.request.model": "chat-deploy",
     "gen_ai.response.model": "gpt-4o-2024-11-20", "gen_ai.request.max_tokens": 300}, False),
    ("c4", "chatbot-api", SDK, "chatbot", 3, {"gen_ai.operation.name": "embeddings", "gen_ai.provider.name": "openai",
     "gen_ai.request.model": "text-embedding-3-small"}, False),
    ("c5", "chatbot-api", SDK, "chatbot", 3, {"gen_ai.operation.name": "retrieval",
     "gen_ai.data_source.id": "kb-chatbot-faq"}, False),
    ("a1", "agent-svc", OPENAI_V2, "helper-agent", 4, {"gen_ai.operation.name": "invoke_agent",
     "gen_ai.provider.name": "openai", "gen_ai.agent.id": "agent-7a", "gen_ai.agent.name": "helper",
     "gen_ai.data_source.id": "kb-unknown"}, False),
    ("a2", "agent-svc", OPENAI_V2, "helper-agent", 4, {"gen_ai.operation.name": "execute_tool",
     "gen_ai.tool.name": "lookup", "gen_ai.agent.id": "agent-7a"}, False),
    ("a3", "agent-svc", OPENAI_V2, None, 4, {"gen_ai.operation.name": "execute_tool",
     "gen_ai.tool.name": "send_email"}, False),
    ("a4", "agent-svc", OPENAI_V2, "helper-agent", 4, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
     "gen_ai.agent.id": "agent-7a", "gen_ai.request.model": "gpt-4o-mini"}, False),
    ("g1", "gateway", LITELLM, "gateway", 5, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "aws.bedrock",
     "gen_ai.request.model": "anthropic.claude-3-haiku-20240307-v1:0",
     "gen_ai.response.model": "anthropic.claude-3-haiku-20240307-v1:0", "gen_ai.request.max_tokens": 256}, False),
    ("g2", "gateway", LITELLM, "gateway", 6, {"gen_ai.operation.name": "text_completion",
     "gen_ai.system": "vertex_ai", "gen_ai.request.model": "gemini-2.5-flash",
     "gen_ai.response.model": "gemini-2.5-flash-001", "gen_ai.request.max_tokens": 100}, False),
    ("s1", "shadow-nb", OPENAI_V2, None, 2, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "deepseek",
     "gen_ai.request.model": "deepseek-chat", "gen_ai.response.model": "deepseek-chat"}, False),
    ("s2", "shadow-nb", OPENAI_V2, None, 2, {"gen_ai.operation.name": "execute_tool",
     "gen_ai.tool.name": "send_email"}, False),
    # Not counted: outside the 30-day window, without a start time, not a GenAI span.
    ("o1", "chatbot-api", SDK, "chatbot", 45, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
     "gen_ai.request.model": "gpt-4o"}, False),
    ("u1", "chatbot-api", SDK, "chatbot", None, {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "openai",
     "gen_ai.request.model": "gpt-4o"}, False),
    ("h1", "chatbot-api", SDK, "chatbot", 1, {"http.request.method": "GET", "url.path": "/health"}, False),
]  # fmt: skip


# ----------------------------------------------------------------------------------------- OTLP/JSON writers
def any_value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, list):
        return {"arrayValue": {"values": [any_value(v) for v in value]}}
    return {"stringValue": str(value)}


def kv(attributes: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"key": key, "value": any_value(value)} for key, value in attributes.items()]


def nanos(when: datetime) -> str:
    return str(int(when.timestamp()) * 1_000_000_000 + when.microsecond * 1000)


def start_of(days: float | None) -> datetime | None:
    return None if days is None else AT - timedelta(days=days)


def otlp_span(span_id: str, days: float | None, attributes: dict[str, Any], evaluated: bool) -> dict[str, Any]:
    start = start_of(days)
    raw: dict[str, Any] = {
        "traceId": f"{span_id:0>32}",
        "spanId": f"{span_id:0>16}",
        "name": f"{attributes.get('gen_ai.operation.name', 'GET')} {span_id}",
        "kind": 3,
        "startTimeUnixNano": nanos(start) if start else "0",
        "endTimeUnixNano": nanos(start + timedelta(seconds=2)) if start else "0",
        "attributes": kv(attributes),
        "status": {},
    }
    if evaluated and start:
        raw["events"] = [
            {
                "timeUnixNano": nanos(start + timedelta(seconds=3)),
                "name": "gen_ai.evaluation.result",
                "attributes": kv({"gen_ai.evaluation.name": "Relevance", "gen_ai.evaluation.score.label": "pass"}),
            }
        ]
    return raw


def documents(specs: list[Any] = SPANS) -> list[dict[str, Any]]:
    """One OTLP document per (service, scope), as a file exporter batches them."""
    groups: dict[tuple[str, tuple[str, str]], list[dict[str, Any]]] = {}
    for span_id, service, scope, _system, days, attributes, evaluated in specs:
        groups.setdefault((service, scope), []).append(otlp_span(span_id, days, attributes, evaluated))
    return [
        {
            "resourceSpans": [
                {
                    "resource": {"attributes": kv({"service.name": service, "telemetry.sdk.version": "1.38.0"})},
                    "scopeSpans": [{"scope": {"name": scope[0], "version": scope[1]}, "spans": spans}],
                }
            ]
        }
        for (service, scope), spans in groups.items()
    ]


def write_json(path: Path, docs: list[dict[str, Any]]) -> Path:
    merged = {"resourceSpans": [rs for doc in docs for rs in doc["resourceSpans"]]}
    path.write_text(json.dumps(merged, indent=1))
    return path


def write_jsonl(path: Path, docs: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(doc) + "\n" for doc in docs))
    return path


def collect(paths: list[Path], settings: dict[str, Any] | None = None, **kw: Any) -> CollectionResult:
    context = CollectContext(assessed_at=AT, inventory=kw.get("inventory", INVENTORY), settings=settings or {})
    return collector().collect(paths, context)


def by_metric(result: CollectionResult) -> dict[str, Measurement]:
    found = {m.metric: m for m in result.measurements}
    assert len(found) == len(result.measurements), "one measurement per metric"
    return found


def counted() -> list[Any]:
    """The spans the collector must count: GenAI spans started in the 30-day window."""
    return [s for s in SPANS if s[4] is not None and s[4] <= 30 and "gen_ai.operation.name" in s[5]]


def op(spec: Any) -> str:
    return str(spec[5].get("gen_ai.operation.name", ""))


def fraction(measurement: Measurement) -> tuple[float | None, float | None]:
    return measurement.numerator, measurement.denominator


# ----------------------------------------------------------------------------------------- the conventions
def registry_attributes() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for name in ("gen-ai-registry.yaml", "gen-ai-registry-deprecated.yaml"):
        for group in yaml.safe_load((SEMCONV / name).read_text())["groups"]:
            for attribute in group.get("attributes", []):
                if "id" in attribute:
                    out[attribute["id"]] = attribute
    return out


def members(attribute: dict[str, Any]) -> set[str]:
    return {m["id"] for m in attribute["type"]["members"]}


def test_every_name_read_is_in_the_semantic_conventions() -> None:
    registry = registry_attributes()
    read = {
        "gen_ai.operation.name", "gen_ai.provider.name", "gen_ai.system", "gen_ai.request.model",
        "gen_ai.response.model", "gen_ai.request.max_tokens", "gen_ai.agent.id", "gen_ai.agent.name",
        "gen_ai.tool.name", "gen_ai.data_source.id", "gen_ai.evaluation.name", "gen_ai.evaluation.score.label",
    }  # fmt: skip
    assert read <= set(registry)
    assert registry["gen_ai.system"]["deprecated"]["renamed_to"] == "gen_ai.provider.name"
    operations = members(registry["gen_ai.operation.name"])
    used = span_rules.SAMPLED_OPERATIONS | span_rules.RETRIEVAL_OPERATIONS | {span_rules.TOOL_OPERATION}
    assert used <= operations
    providers = members(registry["gen_ai.provider.name"]) | members(registry["gen_ai.system"])
    assert set(span_rules.PROVIDER_VENDORS) == providers
    assert {k for spec in SPANS for k in spec[5] if k.startswith("gen_ai.")} <= set(registry)


def test_span_definitions_name_the_operations_read() -> None:
    groups = {g["id"]: g for g in yaml.safe_load((SEMCONV / "gen-ai-spans.yaml").read_text())["groups"]}
    for operation, group in (
        ("invoke_agent", "span.gen_ai.invoke_agent.client"),
        ("execute_tool", "span.gen_ai.execute_tool.internal"),
        ("retrieval", "span.gen_ai.retrieval.client"),
    ):
        text = f"{groups[group].get('brief', '')} {groups[group].get('note', '')}"
        assert f"`gen_ai.operation.name` SHOULD be `{operation}`" in text
    retrieval = {a.get("ref") for a in groups["span.gen_ai.retrieval.client"]["attributes"]}
    assert "gen_ai.data_source.id" in retrieval


# ----------------------------------------------------------------------------------------- happy path
@pytest.fixture
def traces(tmp_path: Path) -> Path:
    return write_json(tmp_path / "traces.json", documents())


def test_measurements_from_a_generated_export(traces: Path) -> None:
    result = collect([traces], {"approved_providers": ["Microsoft", {"name": "aws.bedrock"}]})
    got = by_metric(result)
    spans = counted()
    tools = [s for s in spans if op(s) == "execute_tool"]
    identified = [s for s in tools if "gen_ai.agent.id" in s[5] or "gen_ai.agent.name" in s[5]]
    assert fraction(got["otel.tool_calls.agent_identity_ratio"]) == (len(identified), len(tools)) == (1, 3)
    assert got["otel.tool_calls.agent_identity_ratio"].details == (
        "service.name=agent-svc tool send_email: no gen_ai.agent.id or gen_ai.agent.name (1 span)",
        "service.name=shadow-nb tool send_email: no gen_ai.agent.id or gen_ai.agent.name (1 span)",
    )

    built = [s for s in INVENTORY.active_systems() if s.track in ("build", "platform")]
    logged = {s[3] for s in spans if s[3]}
    assert fraction(got["otel.systems.logged_ratio"]) == (len(logged), len(built)) == (3, 5)
    assert got["otel.systems.logged_ratio"].details == (
        "batch-model: no GenAI span in the last 30 days",
        "ops-agent: no GenAI span in the last 30 days",
    )

    agentic = [s for s in INVENTORY.active_systems() if s.is_agentic]
    traced = {s[3] for s in tools if s[3]}
    assert fraction(got["otel.agentic.tool_calls_traced_ratio"]) == (len(traced), len(agentic)) == (1, 2)

    inference = [s for s in spans if s[3] and op(s) in ("chat", "text_completion", "generate_content")]
    capped = [s for s in inference if "gen_ai.request.max_tokens" in s[5]]
    assert fraction(got["otel.inference.max_tokens_ratio"]) == (len(capped), len(inference)) == (4, 6)

    both = [
        s for s in inference if "gen_ai.response.model" in s[5] and "azure" not in s[5].get("gen_ai.provider.name", "")
    ]
    same = [s for s in both if s[5]["gen_ai.response.model"] == s[5]["gen_ai.request.model"]]
    assert fraction(got["otel.models.pinned_ratio"]) == (len(same), len(both)) == (2, 4)
    assert got["otel.models.pinned_ratio"].details == (
        "chatbot: gpt-4o resolved to gpt-4o-2024-11-20 (1 span)",
        "gateway: gemini-2.5-flash resolved to gemini-2.5-flash-001 (1 span)",
    )

    sources = {s[5]["gen_ai.data_source.id"] for s in spans if "gen_ai.data_source.id" in s[5]}
    assert fraction(got["otel.retrieval.registered_source_ratio"]) == (1, len(sources)) == (1, 2)
    assert got["otel.retrieval.registered_source_ratio"].details == (
        "data source kb-unknown: matches no inventory system",
    )

    pairs = {(s[1], s[5].get("gen_ai.provider.name") or s[5].get("gen_ai.system")) for s in spans} - {
        (s[1], None) for s in spans
    }
    approved = {p for p in pairs if p[1] in ("azure.ai.openai", "aws.bedrock")}
    assert fraction(got["otel.providers.approved_ratio"]) == (len(approved), len(pairs)) == (2, 6)

    # chatbot (HIGH, 20%): 1 of 3 evaluated; helper-agent (MEDIUM, 5%): 0 of 2; gateway (LOW, 1%): 0 of 2.
    sampled = [s for s in spans if s[3] and op(s) in ("chat", "text_completion", "generate_content", "invoke_agent")]
    assert sorted({s[3] for s in sampled}) == ["chatbot", "gateway", "helper-agent"]
    assert fraction(got["otel.evaluations.tier_sampling_ratio"]) == (1, 3)
    assert "otel.systems.secure_sdk_ratio" not in got, "no secure-SDK scope configured"

    newest = min(s[4] for s in spans)
    assert {m.observed_at for m in result.measurements} == {AT - timedelta(days=newest) + timedelta(seconds=2)}
    assert {(m.source.tool, m.source.version, m.source.sha256) for m in result.measurements} == {
        ("OpenTelemetry", "1.38.0", sha256_of(traces))
    }
    assert result.warnings == (
        "1 GenAI spans started outside the 30-day window ending 2026-11-16T09:00:00+00:00 and were not counted",
        "1 GenAI spans have no start time and were not counted",
        "1 Azure OpenAI spans name a deployment, not a model, in gen_ai.request.model; their version pinning is "
        "a deployment setting and they are not counted in otel.models.pinned_ratio",
    )


def test_json_lines_and_several_files_give_the_same_numbers(tmp_path: Path, traces: Path) -> None:
    docs = documents()
    lines = write_jsonl(tmp_path / "traces.jsonl", docs)
    first, second = write_json(tmp_path / "a.json", docs[:2]), write_jsonl(tmp_path / "b.jsonl", docs[2:])

    def numbers(result: CollectionResult) -> dict[str, tuple[float | None, float | None]]:
        return {m.metric: fraction(m) for m in result.measurements}

    expected = numbers(collect([traces]))
    assert numbers(collect([lines])) == expected
    split = collect([first, second])
    assert numbers(split) == expected
    # The newest span (c1, chatbot-api) is in the first file: provenance names it.
    assert {m.source.file for m in split.measurements} == {str(first)}


def test_secure_sdk_scope_version_and_exceptions(traces: Path) -> None:
    settings: dict[str, Any] = {"sdk_name": "nb.secure_genai", "min_version": "2.4"}
    got = by_metric(collect([traces], settings))
    # Production build systems with GenAI spans: chatbot (all under the SDK) and helper-agent (none).
    assert fraction(got["otel.systems.secure_sdk_ratio"]) == (1, 2)
    assert got["otel.systems.secure_sdk_ratio"].details == (
        "helper-agent: 2 of 2 inference and tool spans outside the secure SDK",
    )
    assert fraction(got["otel.systems.secure_sdk_current_ratio"]) == (0, 1)
    assert got["otel.systems.secure_sdk_current_ratio"].details == ("chatbot: secure SDK 2.3.0 is below 2.4",)

    settings = {
        "sdk_name": ["nb.secure_genai"],
        "min_version": "2.3",
        "sdk_exceptions": [{"system": "helper-agent", "expires": date(2026, 12, 31), "reason": "migration"}],
    }
    got = by_metric(collect([traces], settings))
    assert fraction(got["otel.systems.secure_sdk_ratio"]) == (2, 2)
    assert fraction(got["otel.systems.secure_sdk_current_ratio"]) == (1, 1)
    expired = {"sdk_name": "nb.secure_genai", "sdk_exceptions": [{"system": "helper-agent", "expires": "2026-11-01"}]}
    got = by_metric(collect([traces], expired))
    assert fraction(got["otel.systems.secure_sdk_ratio"]) == (1, 2)
    assert "otel.systems.secure_sdk_current_ratio" not in got, "no minimum release configured"


def test_window_setting_and_empty_inventory(traces: Path) -> None:
    got = by_metric(collect([traces], {"window_days": 2}))
    # Only spans started in the last 2 days: c1, c2, h1 (not GenAI), s1, s2.
    assert fraction(got["otel.tool_calls.agent_identity_ratio"]) == (0, 1)
    assert fraction(got["otel.systems.logged_ratio"]) == (1, 5)
    bare = by_metric(collect([traces], inventory=Inventory()))
    # Without systems nothing is matched: only the span-level ratios and the data sources remain.
    assert set(bare) == {"otel.tool_calls.agent_identity_ratio", "otel.retrieval.registered_source_ratio"}
    assert fraction(bare["otel.retrieval.registered_source_ratio"]) == (0, 2)


def test_evaluation_log_records_withhold_the_sampling_ratio(tmp_path: Path, traces: Path) -> None:
    logs = {
        "resourceLogs": [
            {
                "resource": {"attributes": kv({"service.name": "chatbot-api"})},
                "scopeLogs": [
                    {
                        "logRecords": [
                            {
                                "timeUnixNano": nanos(AT - timedelta(days=1)),
                                "eventName": "gen_ai.evaluation.result",
                                "spanId": "00000000000000c2",
                                "attributes": kv(
                                    {"event.name": "gen_ai.evaluation.result", "gen_ai.evaluation.name": "Relevance"}
                                ),
                            },
                            {"timeUnixNano": nanos(AT), "body": {"stringValue": "other"}},
                        ]
                    }
                ],
            }
        ]
    }
    path = write_jsonl(tmp_path / "signals.jsonl", [*documents(), logs])
    result = collect([path])
    assert "otel.evaluations.tier_sampling_ratio" not in by_metric(result)
    assert "otel.tool_calls.agent_identity_ratio" in by_metric(result)
    assert result.warnings[-1].startswith("1 gen_ai.evaluation.result log records were found")
    plain = write_jsonl(
        tmp_path / "plain.jsonl", [*documents(), {"resourceLogs": [{"scopeLogs": [{"logRecords": [{}]}]}]}]
    )
    assert collect([plain]).warnings[-1] == "1 OTLP log records were skipped (only spans are read)"


def test_only_spans_outside_the_window_give_nothing(tmp_path: Path) -> None:
    old = [s for s in SPANS if s[0] == "o1"]
    result = collect([write_json(tmp_path / "old.json", documents(old))])
    assert result.measurements == ()
    assert result.warnings[0].startswith("1 GenAI spans started outside the 30-day window")


def test_bad_settings_are_one_line(traces: Path) -> None:
    with pytest.raises(AismaError, match=r"^aisma.yaml: collectors.otel.window_days: Input should be greater"):
        collect([traces], {"window_days": 0})
    with pytest.raises(AismaError, match=r"^aisma.yaml: collectors.otel.sdk_nmae: Extra inputs"):
        collect([traces], {"sdk_nmae": "x"})
    assert collect([traces], {"enabled": True, "paths": ["x.json"]}).measurements


# ----------------------------------------------------------------------------------------- bad input
def expect_error(path: Path, *parts: str) -> None:
    result = collect([path])
    assert len(result.unreadable) == 1 and result.measurements == (), result
    message = result.unreadable[0]
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    for part in parts:
        assert part in message


def test_truncated_empty_and_other_tools_files(tmp_path: Path, traces: Path) -> None:
    text = traces.read_text()
    truncated = tmp_path / "truncated.json"
    truncated.write_text(text[: len(text) // 2])
    expect_error(truncated, "truncated or invalid JSON", "expected OTLP JSON traces")
    empty = tmp_path / "empty.json"
    empty.write_text("  \n")
    expect_error(empty, "the file is empty", "expected OTLP JSON traces")
    expect_error(DATA / "prowler" / "example_output_aws.ocsf.json", "found a JSON array", "expected OTLP JSON")
    expect_error(DATA / "cyclonedx" / "valid-machine-learning-1.6.json", "JSON object 1 has no resourceSpans")


# ----------------------------------------------------------------------------------------- streaming
def write_spans(path: Path, count: int, one_document: bool) -> Path:
    """``count`` lean spans in batches of 100: JSON Lines of export requests, or one document holding them all."""
    when = nanos(AT - timedelta(days=1))
    tool = {
        "startTimeUnixNano": when,
        "attributes": kv({"gen_ai.operation.name": "execute_tool", "gen_ai.agent.id": "agent-7a"}),
    }
    chat = {
        "startTimeUnixNano": when,
        "attributes": kv({"gen_ai.operation.name": "chat", "gen_ai.request.max_tokens": 9}),
    }
    batch = ",".join(json.dumps(tool if i % 4 == 0 else chat) for i in range(100))
    with path.open("w") as handle:
        handle.write('{"resourceSpans": [' if one_document else "")
        for number in range(count // 100):
            service = "chatbot-api" if number % 2 else "agent-svc"
            resource = json.dumps({"attributes": kv({"service.name": service})})
            item = f'{{"resource": {resource}, "scopeSpans": [{{"spans": [{batch}]}}]}}'
            handle.write(("," if number else "") + item if one_document else f'{{"resourceSpans": [{item}]}}\n')
        handle.write("]}" if one_document else "")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("one_document", [False, True], ids=["json-lines", "one-document"])
def test_spans_stream_in_flat_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, one_document: bool) -> None:
    """Four times the spans cost no more memory, in JSON Lines (decoded a line at a time) and in one
    document too long to decode whole (the limit is shrunk so that a small file is one: streamed by ijson)."""
    monkeypatch.setattr(jsonstream, "DECODE_LIMIT", 64 << 10)
    n = 6000  # over 1 MiB, the block the file's sha256 is read in (in a thread, traced too)
    peaks = []
    for k in (1, 4):
        path = write_spans(tmp_path / f"spans-{k}.json", k * n, one_document)
        tracemalloc.start()
        try:
            result = collect([path])
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        got = by_metric(result)
        tools = k * n // 4
        assert fraction(got["otel.tool_calls.agent_identity_ratio"]) == (tools, tools)
        # Chat spans count only in the chatbot-api batches (half the file); agent-svc ties to no active system.
        chats = (k * n - tools) // 2
        assert fraction(got["otel.inference.max_tokens_ratio"]) == (chats, chats)
        assert fraction(got["otel.systems.logged_ratio"]) == (2, 5)
    # 18,000 more spans: 20 bytes kept per span would be 360 KB.
    assert peaks[1] < peaks[0] * 1.1 + 100_000, f"peaks {peaks[0]} and {peaks[1]} bytes"
