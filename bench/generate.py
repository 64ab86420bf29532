"""Deterministic inputs for the collector benchmark: Prowler OCSF findings and OTLP gen_ai spans.

Both writers stream: one finding (or one batch of 1000 spans) is rendered and written at a time, so
generating a 1,000,000-record file takes a few MB of memory. The same seed writes the same bytes.
Each writer also returns the counts it wrote (``expected``), which the benchmark checks against
aisma and DuckDB.

    .venv/bin/python bench/generate.py --findings 100000 --spans 100000 --out /tmp/aisma-bench
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
# The field layout of a real Prowler finding (prowler-cloud/prowler examples/output, Apache-2.0).
LAYOUT = ROOT / "tests" / "data" / "prowler" / "example_output_aws.ocsf.json"

# Prowler's AI-related AWS checks (the ids of its AWS AI Security Framework and gen-ai category):
# (check id, service, severity, resource kind used to build the resource ARN).
AI_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    ("bedrock_agent_guardrail_enabled", "bedrock", "high", "agent"),
    ("bedrock_agent_role_least_privilege", "bedrock", "high", "agent"),
    ("bedrock_agent_role_not_shared_across_agents", "bedrock", "high", "agent"),
    ("bedrock_api_key_no_administrative_privileges", "bedrock", "high", "iam-user"),
    ("bedrock_api_key_no_long_term_credentials", "bedrock", "high", "iam-user"),
    ("bedrock_custom_model_encrypted_with_cmk", "bedrock", "critical", "custom-model"),
    ("bedrock_full_access_policy_attached", "bedrock", "high", "iam-role"),
    ("bedrock_guardrail_contextual_grounding_filter_enabled", "bedrock", "high", "guardrail"),
    ("bedrock_guardrail_prompt_attack_filter_enabled", "bedrock", "high", "guardrail"),
    ("bedrock_guardrail_sensitive_information_filter_enabled", "bedrock", "high", "guardrail"),
    ("bedrock_guardrails_configured", "bedrock", "medium", "guardrail"),
    ("bedrock_knowledge_base_encrypted_with_cmk", "bedrock", "high", "knowledge-base"),
    ("bedrock_model_invocation_logging_enabled", "bedrock", "medium", "account"),
    ("bedrock_model_invocation_logs_encryption_enabled", "bedrock", "high", "s3-bucket"),
    ("bedrock_prompt_encrypted_with_cmk", "bedrock", "medium", "prompt"),
    ("bedrock_prompt_management_exists", "bedrock", "low", "account"),
    ("bedrock_vpc_endpoints_configured", "bedrock", "medium", "vpc"),
    ("cloudtrail_bedrock_logging_enabled", "cloudtrail", "medium", "trail"),
    ("cloudtrail_threat_detection_llm_jacking", "cloudtrail", "critical", "trail"),
    ("iam_role_access_not_stale_to_bedrock", "iam", "medium", "iam-role"),
    ("organizations_opt_out_ai_services_policy", "organizations", "medium", "account"),
    ("sagemaker_clarify_exists", "sagemaker", "low", "account"),
    ("sagemaker_domain_sso_configured", "sagemaker", "medium", "domain"),
    ("sagemaker_endpoint_config_kms_encryption_enabled", "sagemaker", "medium", "endpoint-config"),
    ("sagemaker_endpoint_config_prod_variant_instances", "sagemaker", "medium", "endpoint-config"),
    ("sagemaker_models_monitor_enabled", "sagemaker", "low", "model"),
    ("sagemaker_models_network_isolation_enabled", "sagemaker", "high", "model"),
    ("sagemaker_models_registry_in_use", "sagemaker", "low", "account"),
    ("sagemaker_models_vpc_settings_configured", "sagemaker", "medium", "model"),
    ("sagemaker_notebook_instance_encryption_enabled", "sagemaker", "high", "notebook-instance"),
    ("sagemaker_notebook_instance_no_secrets", "sagemaker", "high", "notebook-instance"),
    ("sagemaker_notebook_instance_root_access_disabled", "sagemaker", "medium", "notebook-instance"),
    ("sagemaker_notebook_instance_vpc_settings_configured", "sagemaker", "high", "notebook-instance"),
    ("sagemaker_notebook_instance_without_direct_internet_access_configured", "sagemaker", "high", "notebook-instance"),
    ("sagemaker_training_jobs_intercontainer_encryption_enabled", "sagemaker", "medium", "training-job"),
    ("sagemaker_training_jobs_network_isolation_enabled", "sagemaker", "high", "training-job"),
    ("sagemaker_training_jobs_volume_and_output_encryption_enabled", "sagemaker", "high", "training-job"),
    ("sagemaker_training_jobs_vpc_settings_configured", "sagemaker", "high", "training-job"),
)
AI_CHECK_IDS = frozenset(check for check, *_ in AI_CHECKS)
# Everything else a full AWS scan reports; the AI checks are a minority of a real scan's findings.
OTHER_CHECKS: tuple[tuple[str, str, str, str], ...] = (
    ("accessanalyzer_enabled", "accessanalyzer", "low", "account"),
    ("account_maintain_current_contact_details", "account", "medium", "account"),
    ("cloudtrail_multi_region_enabled", "cloudtrail", "high", "trail"),
    ("cloudtrail_log_file_validation_enabled", "cloudtrail", "medium", "trail"),
    ("cloudwatch_log_group_retention_policy_specific_days_enabled", "cloudwatch", "medium", "log-group"),
    ("ec2_ebs_volume_encryption", "ec2", "medium", "volume"),
    ("ec2_instance_imdsv2_enabled", "ec2", "high", "instance"),
    ("ec2_securitygroup_allow_ingress_from_internet_to_any_port", "ec2", "high", "security-group"),
    ("ec2_instance_public_ip", "ec2", "medium", "instance"),
    ("guardduty_is_enabled", "guardduty", "medium", "account"),
    ("iam_root_mfa_enabled", "iam", "critical", "account"),
    ("iam_user_mfa_enabled_console_access", "iam", "high", "iam-user"),
    ("iam_policy_no_full_access_to_kms", "iam", "medium", "iam-role"),
    ("iam_role_administratoraccess_policy", "iam", "high", "iam-role"),
    ("kms_cmk_rotation_enabled", "kms", "medium", "key"),
    ("lambda_function_no_secrets_in_variables", "awslambda", "critical", "function"),
    ("lambda_function_url_public", "awslambda", "high", "function"),
    ("rds_instance_storage_encrypted", "rds", "medium", "db"),
    ("rds_instance_backup_enabled", "rds", "low", "db"),
    ("s3_bucket_default_encryption", "s3", "medium", "s3-bucket"),
    ("s3_bucket_public_access", "s3", "critical", "s3-bucket"),
    ("s3_bucket_secure_transport_policy", "s3", "medium", "s3-bucket"),
    ("s3_bucket_versioning_enabled", "s3", "low", "s3-bucket"),
    ("securityhub_enabled", "securityhub", "medium", "account"),
    ("vpc_flow_logs_enabled", "vpc", "medium", "vpc"),
)
SEVERITY_ID = {"informational": 1, "low": 2, "medium": 3, "high": 4, "critical": 5}
REGIONS = ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2", "ca-central-1")
ACCOUNTS = tuple(f"{100000000000 + 7919 * i * 1_000_003 % 899999999999:012d}" for i in range(1, 13))
ARN = {  # resource kind -> ARN pattern ({p} partition-free parts filled per finding)
    "agent": "arn:aws:bedrock:{region}:{account}:agent/AGENT{n:06d}",
    "guardrail": "arn:aws:bedrock:{region}:{account}:guardrail/gr{n:08x}",
    "custom-model": "arn:aws:bedrock:{region}:{account}:custom-model/ft-model-{n}",
    "knowledge-base": "arn:aws:bedrock:{region}:{account}:knowledge-base/KB{n:08d}",
    "prompt": "arn:aws:bedrock:{region}:{account}:prompt/P{n:08d}",
    "account": "arn:aws:iam::{account}:root",
    "iam-user": "arn:aws:iam::{account}:user/svc-user-{n}",
    "iam-role": "arn:aws:iam::{account}:role/app-role-{n}",
    "s3-bucket": "arn:aws:s3:::bucket-{account}-{n}",
    "vpc": "arn:aws:ec2:{region}:{account}:vpc/vpc-{n:017x}",
    "trail": "arn:aws:cloudtrail:{region}:{account}:trail/trail-{n}",
    "domain": "arn:aws:sagemaker:{region}:{account}:domain/d-{n:012x}",
    "endpoint-config": "arn:aws:sagemaker:{region}:{account}:endpoint-config/endpoint-config-{n}",
    "model": "arn:aws:sagemaker:{region}:{account}:model/model-{n}",
    "notebook-instance": "arn:aws:sagemaker:{region}:{account}:notebook-instance/notebook-{n}",
    "training-job": "arn:aws:sagemaker:{region}:{account}:training-job/training-job-{n}",
    "log-group": "arn:aws:logs:{region}:{account}:log-group:/aws/app/group-{n}",
    "volume": "arn:aws:ec2:{region}:{account}:volume/vol-{n:017x}",
    "instance": "arn:aws:ec2:{region}:{account}:instance/i-{n:017x}",
    "security-group": "arn:aws:ec2:{region}:{account}:security-group/sg-{n:017x}",
    "key": "arn:aws:kms:{region}:{account}:key/{n:08x}-4b1c-4c5e-9d3a-7f2e5c1a0b9d",
    "function": "arn:aws:lambda:{region}:{account}:function:fn-{n}",
    "db": "arn:aws:rds:{region}:{account}:db:database-{n}",
}
SCAN_TIME = datetime(2026, 11, 2, 3, 0, tzinfo=UTC)
MARKER = re.compile(r'"@@(\w+)@@"')


# ----------------------------------------------------------------------------------------- OCSF
@dataclass(frozen=True)
class OcsfExpected:
    """What a correct reader must find in the file: the benchmark's ground truth."""

    findings: int
    # check id -> [PASS not muted, FAIL not muted, distinct resource uids (muted included)]
    ai_checks: dict[str, list[int]]

    def as_json(self) -> dict[str, Any]:
        return {"records": self.findings, "ai_checks": {k: v for k, v in sorted(self.ai_checks.items())}}


def _layout() -> dict[str, Any]:
    findings = json.loads(LAYOUT.read_text())
    first: dict[str, Any] = findings[0]
    return first


def _template(check: str, service: str, severity: str, kind: str) -> list[str]:
    """The finding of one check rendered as Prowler does (indent 4), split around its variable fields.

    Even items are literal text, odd items are field names; values are spliced in already encoded.
    """
    raw = _layout()
    title = check.replace("_", " ").capitalize()
    raw["message"] = raw["status_detail"] = "@@detail@@"
    raw["metadata"]["event_code"] = check
    raw["metadata"]["product"]["version"] = "5.14.1"
    raw["severity"] = severity.capitalize()
    raw["severity_id"] = SEVERITY_ID[severity]
    for key in ("status", "status_code", "status_id"):
        raw[key] = f"@@{key}@@"
    unmapped = raw["unmapped"]
    unmapped["related_url"] = f"https://docs.aws.amazon.com/{service}/latest/userguide/security.html"
    unmapped["categories"] = ["gen-ai"] if check in AI_CHECK_IDS else []
    unmapped["additional_urls"] = [f"https://hub.prowler.com/check/{check}"]
    if check in AI_CHECK_IDS:
        unmapped["compliance"] = {"AWS-AI-Security-Framework-1.0": [f"AISF-{service.upper()[:5]}-0{len(check) % 9}"]}
    info = raw["finding_info"]
    info.update(
        created_time="@@epoch@@",
        created_time_dt="@@time_dt@@",
        desc=f"Check if {title.lower()}.",
        title=title,
        types=[service.upper() if len(service) < 4 else service.capitalize()],
        uid="@@finding_uid@@",
    )
    resource = raw["resources"][0]
    resource["region"] = "@@region@@"
    resource["data"]["metadata"].update(arn="@@resource_uid@@", name="@@resource_name@@", region="@@region@@")
    resource["group"]["name"] = service
    resource["name"] = "@@resource_name@@"
    resource["uid"] = "@@resource_uid@@"
    resource["type"] = "AwsIamRole" if kind == "iam-role" else "Other"
    cloud = raw["cloud"]
    cloud["account"]["uid"] = "@@account@@"
    cloud["region"] = "@@region@@"
    raw["remediation"]["desc"] = f"Remediate {title.lower()} following the AWS {service} security guidance."
    raw["risk_details"] = (
        f"When {title.lower()} does not hold, the {service} resource is exposed beyond its intended use. "
        + raw["risk_details"]
    )
    raw["time"] = "@@epoch@@"
    raw["time_dt"] = "@@time_dt@@"
    return MARKER.split(json.dumps(raw, indent=4))


def ocsf_findings(n: int, seed: int) -> Iterator[tuple[str, dict[str, str]]]:
    """(check id, encoded field values) of ``n`` findings, deterministic for a seed."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    checks = AI_CHECKS + OTHER_CHECKS
    ai = len(AI_CHECKS)
    pool = max(8, n // 60)  # resources per kind and account: repeat scans see the same resource again
    for i in range(n):
        # About 30% of the findings come from the AI checks, as in an account that runs Bedrock.
        spec = checks[rng.randrange(ai)] if rng.random() < 0.3 else checks[ai + rng.randrange(len(OTHER_CHECKS))]
        check, _service, _severity, kind = spec
        account = ACCOUNTS[rng.randrange(len(ACCOUNTS))]
        region = REGIONS[rng.randrange(len(REGIONS))]
        uid = ARN[kind].format(region=region, account=account, n=rng.randrange(pool))
        name = re.split(r"[/:]", uid)[-1] or account
        roll = rng.random()
        status_code = "PASS" if roll < 0.55 else "FAIL" if roll < 0.97 or check in AI_CHECK_IDS else "MANUAL"
        muted = rng.random() < 0.07
        when = SCAN_TIME + timedelta(milliseconds=i * 3)
        detail = f"{check.replace('_', ' ')} {'passed' if status_code == 'PASS' else 'failed'} for {name}."
        yield (
            check,
            {
                "detail": json.dumps(detail),
                "status": '"Suppressed"' if muted else '"New"',
                "status_code": f'"{status_code}"',
                "status_id": "3" if muted else "1",
                "epoch": str(int(when.timestamp())),
                "time_dt": f'"{when.replace(tzinfo=None).isoformat(timespec="microseconds")}"',
                "finding_uid": f'"prowler-aws-{check}-{account}-{region}-{name}"',
                "region": f'"{region}"',
                "resource_uid": json.dumps(uid),
                "resource_name": json.dumps(name),
                "account": f'"{account}"',
            },
        )


def write_ocsf(path: Path, n: int, seed: int = 1) -> OcsfExpected:
    """A Prowler ``-M json-ocsf`` file of ``n`` findings: ``[`` + findings joined by ``,`` + ``]``."""
    templates = {spec[0]: _template(*spec) for spec in AI_CHECKS + OTHER_CHECKS}
    counts: dict[str, list[int]] = {}
    resources: dict[str, set[str]] = {}
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        out.write("[")
        for i, (check, values) in enumerate(ocsf_findings(n, seed)):
            parts = templates[check]
            if i:
                out.write(",")
            out.write("".join(part if k % 2 == 0 else values[part] for k, part in enumerate(parts)))
            if check in AI_CHECK_IDS:
                tally = counts.setdefault(check, [0, 0, 0])
                if values["status_id"] != "3":
                    if values["status_code"] == '"PASS"':
                        tally[0] += 1
                    elif values["status_code"] == '"FAIL"':
                        tally[1] += 1
                resources.setdefault(check, set()).add(json.loads(values["resource_uid"]))
        out.write("]")
    for check, uids in resources.items():
        counts[check][2] = len(uids)
    return OcsfExpected(findings=n, ai_checks=counts)


# ----------------------------------------------------------------------------------------- OTLP
SERVICES = (
    ("support-api", "openai"),
    ("claims-worker", "aws.bedrock"),
    ("pricing-agent", "anthropic"),
    ("search-rag", "azure.ai.openai"),
    ("fraud-triage", "aws.bedrock"),
    ("hr-assistant", "gcp.vertex_ai"),
    ("code-review-bot", "anthropic"),
    ("doc-summarizer", "openai"),
)
MODELS = {
    "openai": ("gpt-4o", "gpt-4o-mini", "gpt-4.1", "o3-mini"),
    "azure.ai.openai": ("gpt-4o", "gpt-35-turbo"),
    "anthropic": ("claude-sonnet-4-5", "claude-3-5-haiku-latest", "claude-opus-4-1"),
    "aws.bedrock": ("anthropic.claude-3-haiku-20240307-v1:0", "amazon.nova-pro-v1:0", "meta.llama3-70b-instruct-v1:0"),
    "gcp.vertex_ai": ("gemini-2.5-flash", "gemini-2.5-pro"),
}
SERVER = {
    "openai": "api.openai.com",
    "azure.ai.openai": "contoso.openai.azure.com",
    "anthropic": "api.anthropic.com",
    "aws.bedrock": "bedrock-runtime.eu-west-1.amazonaws.com",
    "gcp.vertex_ai": "europe-west4-aiplatform.googleapis.com",
}
TOOLS = ("lookup_policy", "search_documents", "get_weather", "create_ticket", "run_sql", "send_email")
SPANS_PER_LINE = 1000
SERVICES_PER_LINE = 4


@dataclass(frozen=True)
class OtlpExpected:
    spans: int
    operations: dict[str, int]  # gen_ai.operation.name -> spans
    tool_spans_with_agent: int  # execute_tool spans that carry gen_ai.agent.id
    models: int  # distinct gen_ai.request.model

    def as_json(self) -> dict[str, Any]:
        return {
            "records": self.spans,
            "operations": dict(sorted(self.operations.items())),
            "tool_spans_with_agent": self.tool_spans_with_agent,
            "models": self.models,
        }


def _s(key: str, value: str) -> dict[str, Any]:
    return {"key": key, "value": {"stringValue": value}}


def _i(key: str, value: int) -> dict[str, Any]:
    return {"key": key, "value": {"intValue": str(value)}}


class _Spans:
    """Span objects of one service, the way opentelemetry-python's GenAI instrumentations record them."""

    def __init__(self, rng: random.Random, n: int) -> None:
        self.rng = rng
        self.clock = int(SCAN_TIME.timestamp()) * 1_000_000_000
        self.fine_tuned = max(10, n // 2000)  # a long tail of fine-tuned models, growing with the input
        self.operations: dict[str, int] = {}
        self.models: set[str] = set()
        self.tool_spans_with_agent = 0

    def span(self, service: str, provider: str) -> dict[str, Any]:
        rng = self.rng
        self.clock += rng.randrange(1_000_000, 50_000_000)
        start = self.clock
        roll = rng.random()
        agent_n = rng.randrange(40)
        agent_id = f"arn:aws:bedrock:eu-west-1:111122223333:agent/{service[:4].upper()}{agent_n:04d}"
        attributes: list[dict[str, Any]]
        if roll < 0.6:
            operation = "chat"
            if rng.random() < 0.01:
                model = f"ft:gpt-4o-mini-2024-07-18:{service}::{rng.randrange(self.fine_tuned):06x}"
            else:
                options = MODELS[provider]
                model = options[rng.randrange(len(options))]
            name, kind = f"chat {model}", 3
            attributes = [
                _s("gen_ai.operation.name", operation),
                _s("gen_ai.provider.name", provider),
                _s("gen_ai.request.model", model),
                _s("gen_ai.response.model", model),
                {"key": "gen_ai.request.temperature", "value": {"doubleValue": 0.2}},
                _i("gen_ai.usage.input_tokens", rng.randrange(20, 4000)),
                _i("gen_ai.usage.output_tokens", rng.randrange(5, 800)),
                {
                    "key": "gen_ai.response.finish_reasons",
                    "value": {"arrayValue": {"values": [{"stringValue": "stop"}]}},
                },
                _s("gen_ai.response.id", f"chatcmpl-{rng.getrandbits(64):016x}"),
                _s("server.address", SERVER[provider]),
                _i("server.port", 443),
            ]
        elif roll < 0.85:
            operation = "execute_tool"
            model = ""
            tool = TOOLS[rng.randrange(len(TOOLS))]
            name, kind = f"execute_tool {tool}", 1
            attributes = [
                _s("gen_ai.operation.name", operation),
                _s("gen_ai.tool.name", tool),
                _s("gen_ai.tool.type", "function"),
                _s("gen_ai.tool.call.id", f"call_{rng.getrandbits(64):016x}"),
            ]
            if rng.random() < 0.6:
                attributes.append(_s("gen_ai.agent.id", agent_id))
                self.tool_spans_with_agent += 1
        else:
            operation = "invoke_agent"
            options = MODELS[provider]
            model = options[rng.randrange(len(options))]
            agent_name = f"{service}-agent-{agent_n}"
            name, kind = f"invoke_agent {agent_name}", 3
            attributes = [
                _s("gen_ai.operation.name", operation),
                _s("gen_ai.provider.name", provider),
                _s("gen_ai.agent.id", agent_id),
                _s("gen_ai.agent.name", agent_name),
                _s("gen_ai.request.model", model),
                _s("server.address", SERVER[provider]),
            ]
        self.operations[operation] = self.operations.get(operation, 0) + 1
        if model:
            self.models.add(model)
        return {
            "traceId": f"{rng.getrandbits(128):032x}",
            "spanId": f"{rng.getrandbits(64):016x}",
            "parentSpanId": f"{rng.getrandbits(64):016x}",
            "flags": 256,
            "name": name,
            "kind": kind,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(start + rng.randrange(50_000_000, 9_000_000_000)),
            "attributes": attributes,
            "status": {},
        }


def write_otlp(path: Path, n: int, seed: int = 2) -> OtlpExpected:
    """OTLP/JSON Lines as the collector's file exporter writes: one ExportTraceServiceRequest a line."""
    rng = random.Random(seed)  # noqa: S311  (test data, not secrets)
    spans = _Spans(rng, n)
    written = 0
    with path.open("w", encoding="utf-8", buffering=1 << 20) as out:
        while written < n:
            batch = min(SPANS_PER_LINE, n - written)
            resource_spans = []
            for part in range(SERVICES_PER_LINE):
                size = batch // SERVICES_PER_LINE + (1 if part < batch % SERVICES_PER_LINE else 0)
                if not size:
                    continue
                service, provider = SERVICES[rng.randrange(len(SERVICES))]
                resource_spans.append(
                    {
                        "resource": {
                            "attributes": [
                                _s("service.name", service),
                                _s("service.version", f"1.{rng.randrange(9)}.0"),
                                _s("deployment.environment.name", "production"),
                                _s("telemetry.sdk.language", "python"),
                                _s("telemetry.sdk.name", "opentelemetry"),
                                _s("telemetry.sdk.version", "1.38.0"),
                            ]
                        },
                        "scopeSpans": [
                            {
                                "scope": {"name": "opentelemetry.instrumentation.genai", "version": "0.4b0"},
                                "spans": [spans.span(service, provider) for _ in range(size)],
                            }
                        ],
                        "schemaUrl": "https://opentelemetry.io/schemas/1.37.0",
                    }
                )
            out.write(json.dumps({"resourceSpans": resource_spans}, separators=(",", ":")))
            out.write("\n")
            written += batch
    return OtlpExpected(
        spans=n,
        operations=spans.operations,
        tool_spans_with_agent=spans.tool_spans_with_agent,
        models=len(spans.models),
    )


# ----------------------------------------------------------------------------------------- inventory
TRACKS = ("build", "platform", "copilot", "coding_tool")
DEPLOYMENTS = ("self_hosted", "paas", "api_saas")
RISK_TIERS = ("LOW", "MEDIUM", "HIGH", "CRITICAL")


def _match_globs(j: int) -> list[str]:
    """The ``match`` patterns of the j-th system that has some: the kinds an inventory really holds
    (ARN globs with a region wildcard, SageMaker resources, fine-tuned models, hosts, services), some
    matching resources and spans of the generated files and most matching nothing in them."""
    if j < len(SERVICES):
        service = SERVICES[j][0]
        return [f"service.name={service}", f"{service}-agent-*"]
    account, region = ACCOUNTS[j % len(ACCOUNTS)], REGIONS[j % len(REGIONS)]
    if j % 4 == 0:
        return [f"arn:aws:bedrock:*:{account}:agent/AGENT0{j % 20:02d}*"]
    if j % 4 == 1:
        return [f"arn:aws:sagemaker:{region}:{account}:notebook-instance/notebook-{j % 997}*"]
    if j % 4 == 2:
        return [f"arn:aws:bedrock:*:{account}:custom-model/ft-model-{j % 500}", f"ft:gpt-4o-mini-2024-07-18:*::{j:06x}"]
    return [f"*.{account}-{j}.example.internal", f"service.name=svc-{j:05d}-*"]


def system_document(i: int) -> dict[str, Any]:
    """The i-th system of a generated inventory; a third carry ``match`` globs, one in fifty is retired."""
    agentic = i % 7 == 0
    document: dict[str, Any] = {
        "id": f"sys-{i:05d}",
        "name": f"AI system {i}",
        "owner": f"user{i % 100:03d}@bench.example",
        "track": TRACKS[i % len(TRACKS)],
        "deployment_type": DEPLOYMENTS[i % len(DEPLOYMENTS)],
        "environment": "retired" if i % 50 == 49 else "pilot" if i % 5 == 0 else "production",
        "risk_tier": RISK_TIERS[i % len(RISK_TIERS)],
        "autonomy_test": {
            "chooses_actions": agentic,
            "side_effects": agentic,
            "multi_step_unapproved": agentic and i % 2 == 0,
            "own_identity": agentic,
            "untrusted_input": i % 3 == 0,
            "acts_on_agent_output": False,
        },
    }
    if i % 11 == 0:
        document["mcp_servers"] = ["github"]
    if i % 3 == 0:
        document["match"] = _match_globs(i // 3)
    return document


def inventory_document(n: int) -> dict[str, Any]:
    """An ``inventory.yaml`` of ``n`` systems (see ``system_document``)."""
    return {"systems": [system_document(i) for i in range(n)]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--findings", type=int, default=100_000)
    parser.add_argument("--spans", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "aisma-bench")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, write, n in (
        (f"prowler-{args.findings}.ocsf.json", write_ocsf, args.findings),
        (f"traces-{args.spans}.otlp.jsonl", write_otlp, args.spans),
    ):
        path = args.out / name
        expected = write(path, n, args.seed)
        path.with_name(path.name + ".expected.json").write_text(json.dumps(expected.as_json(), indent=1) + "\n")
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB, {n} records", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
