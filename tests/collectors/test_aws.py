"""The aws collector against a mocked account: moto for what it implements (STS, IAM, CloudWatch Logs,
S3, CloudTrail, Bedrock's invocation-logging configuration), botocore's Stubber for the Bedrock
operations moto lacks (ListGuardrails, GetGuardrail, ListEnforcedGuardrailsConfiguration). The
Stubber checks every canned response against botocore's own service model, so the shapes are AWS's.
No test reaches the network: moto intercepts, and the no-credentials test refuses to send.
"""

from __future__ import annotations

import dataclasses
import hashlib
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from prerequisites import missing

try:
    import boto3
    import moto
except ImportError as exc:
    missing(f"the aws collector's tests need boto3 and moto (pip install -e '.[dev]'): {exc}")
from botocore.stub import Stubber

from aisma.collectors.aws import FILTER_METRICS, NEUTRAL, AwsCollector, collector
from aisma.collectors.aws.checks import lifecycle_retention, runs_in, s3_log_prefix, trail_logs_bedrock
from aisma.collectors.base import CollectContext
from aisma.errors import AismaError
from aisma.inventory.schema import AISystem, Inventory

ACCOUNT = "123456789012"  # moto's account
FRA, DUB = "eu-central-1", "eu-west-1"
NOW = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
CREATED = datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
STUBBED = frozenset({"list_guardrails", "get_guardrail", "list_enforced_guardrails_configuration"})


# --- harness ----------------------------------------------------------------------------------------
class HybridBedrock:
    """A bedrock client: the operations moto lacks go to a Stubber-backed client, the rest to moto."""

    def __init__(self, moto_client: Any, stubbed: Any) -> None:
        self._moto, self._stubbed = moto_client, stubbed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stubbed if name in STUBBED else self._moto, name)

    def get_paginator(self, name: str) -> Any:
        return (self._stubbed if name in STUBBED else self._moto).get_paginator(name)


class MockedSession:
    """A real boto3 session (moto answers it) whose bedrock clients are hybrids."""

    def __init__(self, real: Any, stubs: dict[str, Stubber]) -> None:
        self._real, self._stubs = real, stubs

    def client(self, service: str, region_name: str, config: Any = None) -> Any:
        client = self._real.client(service, region_name=region_name, config=config)
        if service == "bedrock":
            return HybridBedrock(client, self._stubs[region_name].client)
        return client

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class Account:
    """Builds the mocked account: moto state plus the queued Stubber answers, region by region."""

    def __init__(self) -> None:
        self.stubs = {r: Stubber(boto3.client("bedrock", region_name=r)) for r in (FRA, DUB)}
        for stub in self.stubs.values():
            stub.activate()
        self.session_kwargs: list[dict[str, Any]] = []

    def factory(self, **kwargs: Any) -> MockedSession:
        self.session_kwargs.append(kwargs)
        return MockedSession(boto3.session.Session(**kwargs), self.stubs)

    def guardrails(self, region: str, details: list[dict[str, Any]], page: int = 100) -> None:
        """ListGuardrails (in pages) then GetGuardrail for each, as the collector asks for them."""
        summaries = [
            {
                "id": d["guardrailId"],
                "arn": d["guardrailArn"],
                "status": "READY",
                "name": d["name"],
                "version": "DRAFT",
                "createdAt": CREATED,
                "updatedAt": CREATED,
            }
            for d in details
        ]
        chunks = [summaries[i : i + page] for i in range(0, len(summaries), page)] or [[]]
        for n, chunk in enumerate(chunks):
            response: dict[str, Any] = {"guardrails": chunk}
            if n + 1 < len(chunks):
                response["nextToken"] = f"page{n + 1}"
            self.stubs[region].add_response("list_guardrails", response, {"nextToken": f"page{n}"} if n else {})
        for d in details:
            self.stubs[region].add_response("get_guardrail", d, {"guardrailIdentifier": d["guardrailId"]})

    def enforced(self, region: str, configs: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> None:
        self.stubs[region].add_response(
            "list_enforced_guardrails_configuration", {"guardrailsConfig": [c for c, _ in configs]}, {}
        )
        for config, detail in configs:
            params = {"guardrailIdentifier": config["guardrailId"], "guardrailVersion": config["guardrailVersion"]}
            if detail is None:
                self.stubs[region].add_client_error(
                    "get_guardrail", "ResourceNotFoundException", "not found", 404, expected_params=params
                )
            else:
                self.stubs[region].add_response("get_guardrail", detail, params)

    def done(self) -> None:
        for stub in self.stubs.values():
            stub.assert_no_pending_responses()


def guardrail(
    gid: str,
    name: str,
    region: str,
    *,
    version: str = "DRAFT",
    pa: str | None = "HIGH",
    pii: str | None = "BLOCK",
    grounding: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A GetGuardrail response in the documented shape."""
    detail: dict[str, Any] = {
        "name": name,
        "guardrailId": gid,
        "guardrailArn": f"arn:aws:bedrock:{region}:{ACCOUNT}:guardrail/{gid}",
        "version": version,
        "status": "READY",
        "createdAt": CREATED,
        "updatedAt": CREATED,
        "blockedInputMessaging": "Sorry, I cannot help with that.",
        "blockedOutputsMessaging": "Sorry, I cannot answer that.",
        "contentPolicy": {
            "filters": [{"type": "HATE", "inputStrength": "HIGH", "outputStrength": "HIGH"}]
            + ([{"type": "PROMPT_ATTACK", "inputStrength": pa, "outputStrength": "NONE"}] if pa else [])
        },
    }
    if pii:
        detail["sensitiveInformationPolicy"] = {"piiEntities": [{"type": "CREDIT_DEBIT_CARD_NUMBER", "action": pii}]}
    if grounding is not None:
        detail["contextualGroundingPolicy"] = {"filters": grounding}
    return detail


def grounded(action: str | None = "BLOCK", enabled: bool | None = True) -> list[dict[str, Any]]:
    filters = []
    for kind in ("GROUNDING", "RELEVANCE"):
        item: dict[str, Any] = {"type": kind, "threshold": 0.75}
        if action is not None:
            item["action"] = action
        if enabled is not None:
            item["enabled"] = enabled
        filters.append(item)
    return filters


def enforced_config(gid: str, region: str, version: str = "3", excluded: list[str] | None = None) -> dict[str, Any]:
    config: dict[str, Any] = {
        "configId": "abc123",
        "guardrailArn": f"arn:aws:bedrock:{region}:{ACCOUNT}:guardrail/{gid}",
        "guardrailId": gid,
        "guardrailVersion": version,
        "inputTags": "IGNORE",
        "createdAt": CREATED,
        "createdBy": f"arn:aws:iam::{ACCOUNT}:role/platform-admin",
        "updatedAt": CREATED,
        "updatedBy": f"arn:aws:iam::{ACCOUNT}:role/platform-admin",
        "owner": "ACCOUNT",
    }
    if excluded:
        config["modelEnforcement"] = {"includedModels": ["ALL"], "excludedModels": excluded}
    return config


def system(sid: str, tier: str | None, *patterns: str) -> AISystem:
    return AISystem(id=sid, name=sid, track="build", deployment_type="paas", risk_tier=tier, match=tuple(patterns))


INVENTORY = Inventory(
    systems=(
        system("fraud-triage-agent", "HIGH", f"arn:aws:bedrock:{FRA}:*:agent/FRTRIAGE*"),
        system("credit-memo-drafter", "CRITICAL", f"aws:{ACCOUNT}:{FRA}"),
        system("marketing-copy", None, f"arn:aws:bedrock:{FRA}:{ACCOUNT}:inference-profile/*"),
        system("dublin-chat", "LOW", f"arn:aws:bedrock:{DUB}:*:agent/*"),
        system("on-prem-scoring", "HIGH", "ocp:risk/*", "arn:aws:iam::*:role/scoring"),
    )
)


def settings(**extra: Any) -> dict[str, Any]:
    return {"regions": [FRA, DUB], **extra}


def context(**extra: Any) -> CollectContext:
    return CollectContext(assessed_at=NOW, inventory=INVENTORY, settings=settings(**extra))


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    with moto.mock_aws():
        yield


def build_logging(region: str = FRA, *, group_kms: bool = True, group_days: int | None = 1096) -> None:
    """Frankfurt logs to a KMS-encrypted log group (1096 days) and to an encrypted bucket (400 days)."""
    logs = boto3.client("logs", region_name=region)
    kms = {"kmsKeyId": f"arn:aws:kms:{region}:{ACCOUNT}:key/1111"} if group_kms else {}
    logs.create_log_group(logGroupName="/aws/bedrock/invocations", **kms)
    if group_days is not None:
        logs.put_retention_policy(logGroupName="/aws/bedrock/invocations", retentionInDays=group_days)
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket="nb-bedrock-logs", CreateBucketConfiguration={"LocationConstraint": region})
    s3.put_bucket_encryption(
        Bucket="nb-bedrock-logs",
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket="nb-bedrock-logs",
        LifecycleConfiguration={
            "Rules": [
                {"ID": "logs", "Status": "Enabled", "Filter": {"Prefix": "bedrock/"}, "Expiration": {"Days": 400}},
                {
                    "ID": "tagged",
                    "Status": "Enabled",
                    "Filter": {"Tag": {"Key": "tmp", "Value": "1"}},
                    "Expiration": {"Days": 7},
                },
                {"ID": "off", "Status": "Disabled", "Filter": {"Prefix": ""}, "Expiration": {"Days": 1}},
            ]
        },
    )
    boto3.client("bedrock", region_name=region).put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {
                "logGroupName": "/aws/bedrock/invocations",
                "roleArn": f"arn:aws:iam::{ACCOUNT}:role/bedrock-logging",
            },
            "s3Config": {"bucketName": "nb-bedrock-logs", "keyPrefix": "bedrock"},
            "textDataDeliveryEnabled": True,
        }
    )


def build_trail(region: str = FRA, *, selectors: dict[str, Any] | None = None, logging: bool = True) -> str:
    s3 = boto3.client("s3", region_name=region)
    s3.create_bucket(Bucket=f"trail-{region}", CreateBucketConfiguration={"LocationConstraint": region})
    trails = boto3.client("cloudtrail", region_name=region)
    arn = trails.create_trail(Name=f"org-{region}", S3BucketName=f"trail-{region}", IsMultiRegionTrail=True)["TrailARN"]
    trails.put_event_selectors(
        TrailName=arn,
        **(selectors or {"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": True}]}),
    )
    if logging:
        trails.start_logging(Name=arn)
    return str(arn)


def standard(account: Account) -> None:
    """Frankfurt: logging + trail + enforced guardrail v3; Dublin: nothing but one guardrail."""
    build_logging()
    build_trail()
    queue_guardrails(account)


def queue_guardrails(account: Account) -> None:
    """The Stubber answers of the standard account (moto's state is built once per test)."""
    strong = guardrail("gr1strong", "nb-baseline", FRA, grounding=grounded())
    account.guardrails(FRA, [strong, guardrail("gr2weak", "nb-playground", FRA, pa="MEDIUM", pii=None)])
    enforced_v3 = guardrail("gr1strong", "nb-baseline", FRA, version="3", grounding=grounded())
    account.enforced(FRA, [(enforced_config("gr1strong", FRA), enforced_v3)])
    account.guardrails(DUB, [guardrail("gr3dub", "nb-dublin", DUB, grounding=grounded(action=None))])
    account.enforced(DUB, [])


def aws_named(result: Any) -> list[Any]:
    """The measurements under their AWS-named ids, after checking that each one that has a provider-neutral
    twin (the id the model's objectives name) has it, with the same counts, details and source."""
    named = [m for m in result.measurements if m.metric not in NEUTRAL.values()]
    twins = {(m.metric, m.source.file): m for m in result.measurements if m.metric in NEUTRAL.values()}
    for m in named:
        if m.metric in NEUTRAL:
            twin = twins.pop((NEUTRAL[m.metric], m.source.file))
            assert (twin.numerator, twin.denominator, twin.details, twin.source) == (
                m.numerator,
                m.denominator,
                m.details,
                m.source,
            )
    assert twins == {}
    return named


def by_metric(result: Any) -> dict[tuple[str, str], Any]:
    return {(m.metric, m.source.file.rsplit(":", 1)[1]): m for m in result.measurements}


# --- happy path -------------------------------------------------------------------------------------
def test_reads_every_region_and_computes_the_catalog_metrics(aws: None) -> None:
    account = Account()
    standard(account)
    result = AwsCollector(session_factory=account.factory, clock=lambda: NOW).collect([], context())
    account.done()
    got = by_metric(result)
    # Enforced guardrail: Frankfurt has one, Dublin none.
    assert (
        got["aws.bedrock.enforced_guardrail_ratio", FRA].numerator,
        got["aws.bedrock.enforced_guardrail_ratio", FRA].denominator,
    ) == (1, 1)
    assert (
        got["aws.bedrock.enforced_guardrail_ratio", DUB].numerator,
        got["aws.bedrock.enforced_guardrail_ratio", DUB].denominator,
    ) == (0, 1)
    assert got["aws.bedrock.enforced_guardrail_ratio", DUB].details == (
        f"{DUB}: no account-level enforced guardrail configuration",
    )
    # Invocation logging: Frankfurt logging on + destinations encrypted + the trail = 3/3; Dublin off = 0/1.
    fra_log, dub_log = (
        got["prowler.bedrock.invocation_logging_ratio", FRA],
        got["prowler.bedrock.invocation_logging_ratio", DUB],
    )
    assert (fra_log.numerator, fra_log.denominator) == (3, 3)
    assert (dub_log.numerator, dub_log.denominator) == (0, 1)
    assert dub_log.details == (f"{DUB}: model invocation logging is off",)
    # Retention: destinations keep max(1096, 400) = 1096 days; HIGH needs 1095 (pass), CRITICAL 2555 (fail);
    # the untiered system is left out with a warning, Dublin's system has no logging, on-prem matches nothing.
    kept = got["aws.bedrock.log_retention_ratio", FRA]
    assert (kept.numerator, kept.denominator) == (1, 2)
    assert kept.details == (f"credit-memo-drafter (CRITICAL, needs 2555 days): {FRA} keeps 1096 days",)
    assert ("aws.bedrock.log_retention_ratio", DUB) not in got
    # enforced guardrail and logging in both regions, retention in Frankfurt, and the three guardrail
    # filter metrics (prompt attack, sensitive information, contextual grounding) in both regions.
    assert len(aws_named(result)) == 10
    for m in result.measurements:
        assert m.source.tool == "aws"
        assert m.source.file.startswith(f"aws:{ACCOUNT}:")
        assert len(m.source.sha256) == 64
        assert m.observed_at == NOW
    # The enforced guardrail has all three filters, so the only warning is about the untiered system.
    assert result.warnings == ("marketing-copy: no risk tier, so its log retention cannot be judged; not counted",)


def test_provenance_is_the_botocore_version_and_a_stable_hash_per_region(aws: None) -> None:
    import botocore

    build_logging()
    build_trail()
    hashes = []
    for _ in range(2):  # the same account read twice hashes the same (delivery clocks left out)
        account = Account()
        queue_guardrails(account)
        result = AwsCollector(session_factory=account.factory, clock=lambda: NOW).collect([], context())
        hashes.append({m.source.file: m.source.sha256 for m in result.measurements})
        assert {m.source.version for m in result.measurements} == {botocore.__version__}
    assert hashes[0] == hashes[1]
    assert hashes[0][f"aws:{ACCOUNT}:{FRA}"] != hashes[0][f"aws:{ACCOUNT}:{DUB}"]


def test_the_public_factory_and_role_assumption(aws: None) -> None:
    role = boto3.client("iam").create_role(RoleName="aisma-reader", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
    account = Account()
    standard(account)
    assert collector().meta.id == "aws"
    result = AwsCollector(session_factory=account.factory).collect([], context(role_arn=role))
    # enforced guardrail and logging in both regions, retention in Frankfurt, and the three guardrail
    # filter metrics (prompt attack, sensitive information, contextual grounding) in both regions.
    assert len(aws_named(result)) == 10
    # First the caller's own session, then one from the assumed role's temporary credentials.
    assert account.session_kwargs[0] == {}
    assert set(account.session_kwargs[1]) == {"aws_access_key_id", "aws_secret_access_key", "aws_session_token"}
    assert result.measurements[0].observed_at.tzinfo is not None


def test_enforced_guardrail_warnings_and_a_configuration_naming_a_deleted_guardrail(aws: None) -> None:
    build_logging()
    build_trail()
    account = Account()
    account.guardrails(FRA, [])
    weak = guardrail("gr9", "nb-floor", FRA, version="2", pa="LOW", pii=None)
    account.enforced(FRA, [(enforced_config("gr9", FRA, "2", excluded=["amazon.titan-text-lite-v1"]), weak)])
    account.guardrails(DUB, [])
    account.enforced(DUB, [(enforced_config("gone1", DUB, "1"), None)])
    result = AwsCollector(session_factory=account.factory).collect([], context())
    got = by_metric(result)
    assert got["aws.bedrock.enforced_guardrail_ratio", FRA].numerator == 1
    assert got["aws.bedrock.enforced_guardrail_ratio", DUB].numerator == 0
    assert (
        f"{FRA}: the enforced guardrail nb-floor v2 lacks: prompt attack (HIGH), sensitive information, contextual grounding"
        in result.warnings
    )
    assert f"{FRA}: the enforced guardrail nb-floor v2 excludes amazon.titan-text-lite-v1" in result.warnings
    assert f"{DUB}: the enforced configuration names guardrail gone1 version 1, which does not exist" in result.warnings


def test_filter_metrics_once_declared(aws: None) -> None:
    """Prowler's guardrail filter checks, produced when collector.yaml lists them (pending the catalog)."""
    account = Account()
    standard(account)
    chosen = AwsCollector(session_factory=account.factory)
    chosen.meta = dataclasses.replace(chosen.meta, metrics=(*chosen.meta.metrics, *FILTER_METRICS))
    got = by_metric(chosen.collect([], context()))
    # Frankfurt: nb-baseline passes all three, nb-playground fails all three (MEDIUM, no PII, no grounding).
    for metric in FILTER_METRICS:
        assert (got[metric, FRA].numerator, got[metric, FRA].denominator) == (1, 2), metric
    assert got["prowler.bedrock.prompt_attack_filter_ratio", FRA].details == (
        f"{FRA}: nb-playground: prompt attack filter below HIGH or off",
    )
    # Dublin: nb-dublin passes the first two; its grounding filters omit the action, so it is unknown
    # and left out, which leaves that metric without a denominator there.
    assert (
        got["prowler.bedrock.prompt_attack_filter_ratio", DUB].numerator,
        got["prowler.bedrock.prompt_attack_filter_ratio", DUB].denominator,
    ) == (1, 1)
    assert (
        got["prowler.bedrock.sensitive_info_filter_ratio", DUB].numerator,
        got["prowler.bedrock.sensitive_info_filter_ratio", DUB].denominator,
    ) == (1, 1)
    assert ("prowler.bedrock.contextual_grounding_filter_ratio", DUB) not in got


def test_many_guardrails_over_several_pages_details_capped(aws: None) -> None:
    account = Account()
    details = [guardrail(f"g{n:04d}", f"team-{n:04d}", FRA, pa="HIGH" if n % 3 == 0 else "MEDIUM") for n in range(250)]
    account.guardrails(FRA, details, page=100)
    account.enforced(FRA, [])
    account.guardrails(DUB, [])
    account.enforced(DUB, [])
    chosen = AwsCollector(session_factory=account.factory)
    chosen.meta = dataclasses.replace(chosen.meta, metrics=(*chosen.meta.metrics, *FILTER_METRICS))
    got = by_metric(chosen.collect([], context()))
    account.done()
    attack = got["prowler.bedrock.prompt_attack_filter_ratio", FRA]
    assert (attack.numerator, attack.denominator) == (sum(1 for n in range(250) if n % 3 == 0), 250)
    assert len(attack.details) == 20


# --- logging destinations and trails ---------------------------------------------------------------
def test_missing_or_unencrypted_destinations_and_no_trail(aws: None) -> None:
    boto3.client("bedrock", region_name=FRA).put_model_invocation_logging_configuration(
        loggingConfig={"cloudWatchConfig": {"logGroupName": "/nowhere", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/x"}}
    )
    logs = boto3.client("logs", region_name=DUB)
    logs.create_log_group(logGroupName="/aws/bedrock/dub")  # no KMS key, no retention: never expires
    boto3.client("bedrock", region_name=DUB).put_model_invocation_logging_configuration(
        loggingConfig={
            "cloudWatchConfig": {"logGroupName": "/aws/bedrock/dub", "roleArn": f"arn:aws:iam::{ACCOUNT}:role/x"}
        }
    )
    build_trail(DUB, selectors={"EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": True}]})
    account = Account()
    for region in (FRA, DUB):
        account.guardrails(region, [])
        account.enforced(region, [])
    result = AwsCollector(session_factory=account.factory).collect([], context())
    got = by_metric(result)
    fra, dub = (
        got["prowler.bedrock.invocation_logging_ratio", FRA],
        got["prowler.bedrock.invocation_logging_ratio", DUB],
    )
    # Frankfurt: on (pass), its log group is missing (fail), and the account-wide "no trail" fail lands here.
    assert (fra.numerator, fra.denominator) == (1, 3)
    assert fra.details == (
        f"{FRA}: invocation logs: CloudWatch Logs log group /nowhere does not exist",
        "no CloudTrail trail records Bedrock API calls",
    )
    # Dublin: on (pass), not encrypted (fail); its read-only trail records no Bedrock writes (no finding).
    assert (dub.numerator, dub.denominator) == (1, 2)
    # Retention: a missing log group keeps nothing (fraud-triage-agent fails, credit memo too);
    # Dublin's group never expires (dublin-chat passes).
    assert (
        got["aws.bedrock.log_retention_ratio", FRA].numerator,
        got["aws.bedrock.log_retention_ratio", FRA].denominator,
    ) == (0, 2)
    assert (
        got["aws.bedrock.log_retention_ratio", DUB].numerator,
        got["aws.bedrock.log_retention_ratio", DUB].denominator,
    ) == (1, 1)


def test_a_missing_bucket_and_a_trail_with_bedrock_data_events(aws: None) -> None:
    boto3.client("bedrock", region_name=FRA).put_model_invocation_logging_configuration(
        loggingConfig={"s3Config": {"bucketName": "deleted-bucket"}}
    )
    data_events = {
        "AdvancedEventSelectors": [
            {
                "Name": "bedrock-model-calls",
                "FieldSelectors": [
                    {"Field": "eventCategory", "Equals": ["Data"]},
                    {"Field": "resources.type", "Equals": ["AWS::Bedrock::Model"]},
                ],
            }
        ]
    }
    arn = build_trail(FRA, selectors=data_events)
    account = Account()
    for region in (FRA, DUB):
        account.guardrails(region, [])
        account.enforced(region, [])
    got = by_metric(AwsCollector(session_factory=account.factory).collect([], context()))
    fra = got["prowler.bedrock.invocation_logging_ratio", FRA]
    assert (fra.numerator, fra.denominator) == (2, 3)
    assert fra.details == (f"{FRA}: invocation logs: S3 bucket deleted-bucket does not exist",)
    assert arn.endswith(f"trail/org-{FRA}")


# --- settings and failures --------------------------------------------------------------------------
def test_without_boto3_one_line_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "boto3", None)
    with pytest.raises(AismaError) as caught:
        collector().collect([], context())
    assert str(caught.value) == "the aws collector needs the optional extra: pip install 'aisma[aws]'"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({}, "collectors.aws.regions must list the AWS regions in use"),
        ({"regions": []}, "collectors.aws.regions must list the AWS regions in use"),
        ({"regions": "eu-central-1"}, "collectors.aws.regions must list the AWS regions in use"),
        ({"regions": [FRA], "region": FRA}, "collectors.aws.region is not a setting"),
        ({"regions": [FRA], "profile": ""}, "collectors.aws.profile must be a non-empty string"),
        ({"regions": [FRA], "role_arn": "reader"}, "collectors.aws.role_arn must be an IAM role ARN"),
    ],
)
def test_settings_are_checked_before_any_call(raw: dict[str, Any], expected: str) -> None:
    account_calls: list[Any] = []
    chosen = AwsCollector(session_factory=lambda **kw: account_calls.append(kw))
    with pytest.raises(AismaError, match=expected):
        chosen.collect([], CollectContext(assessed_at=NOW, settings=raw))
    assert account_calls == []


def test_unknown_region(aws: None) -> None:
    with pytest.raises(AismaError) as caught:
        AwsCollector().collect([], CollectContext(assessed_at=NOW, settings={"regions": [FRA, "eu-nowhere-9"]}))
    assert str(caught.value).startswith("aws eu-nowhere-9: bedrock: unknown region")


def test_no_credentials_names_region_and_operation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in (
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_PROFILE",
        "AWS_DEFAULT_PROFILE",
        "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
        "AWS_CONTAINER_CREDENTIALS_FULL_URI",
        "AWS_WEB_IDENTITY_TOKEN_FILE",
        "AWS_ROLE_ARN",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")

    def refuse(**_: Any) -> None:
        raise AssertionError("a request was about to leave the machine")

    def offline(**kwargs: Any) -> Any:
        session = boto3.session.Session(**kwargs)
        session.events.register("before-send", refuse)
        return session

    with pytest.raises(AismaError) as caught:
        AwsCollector(session_factory=offline).collect([], context())
    assert str(caught.value).startswith(f"aws {FRA}: sts GetCallerIdentity: no AWS credentials found")


def test_unknown_profile(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    (tmp_path / "config").write_text("[profile other]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    with pytest.raises(
        AismaError, match=r"^aws: cannot open the AWS session: The config profile \(audit\) could not be found$"
    ):
        AwsCollector().collect([], context(profile="audit"))


@pytest.mark.parametrize(
    ("operation", "code", "status", "expected"),
    [
        (
            "list_guardrails",
            "AccessDeniedException",
            403,
            f"aws {FRA}: bedrock ListGuardrails: access denied (AccessDeniedException); the credentials need bedrock:ListGuardrails",
        ),
        (
            "list_guardrails",
            "ThrottlingException",
            429,
            f"aws {FRA}: bedrock ListGuardrails: throttled by AWS even after retries (ThrottlingException); run again later",
        ),
        (
            "list_guardrails",
            "UnrecognizedClientException",
            403,
            f"aws {FRA}: bedrock ListGuardrails: the credentials were rejected (UnrecognizedClientException: bad token); refresh them or check the profile",
        ),
        (
            "list_guardrails",
            "ValidationException",
            400,
            f"aws {FRA}: bedrock ListGuardrails: ValidationException: bad token",
        ),
    ],
)
def test_api_errors_are_one_line(aws: None, operation: str, code: str, status: int, expected: str) -> None:
    account = Account()
    account.stubs[FRA].add_client_error(operation, code, "bad\ntoken", status)
    with pytest.raises(AismaError) as caught:
        AwsCollector(session_factory=account.factory).collect([], context())
    assert str(caught.value) == expected


def test_access_denied_on_a_later_operation(aws: None) -> None:
    account = Account()
    account.guardrails(FRA, [])
    account.stubs[FRA].add_client_error("list_enforced_guardrails_configuration", "AccessDeniedException", "no", 403)
    with pytest.raises(AismaError, match=rf"^aws {FRA}: bedrock ListEnforcedGuardrailsConfiguration: access denied"):
        AwsCollector(session_factory=account.factory).collect([], context())


def test_files_given_are_not_read_and_progress_is_reported(aws: None, tmp_path: Path) -> None:
    account = Account()
    standard(account)
    seen: list[int] = []
    before = sorted(tmp_path.rglob("*"))
    ctx = dataclasses.replace(context(), progress=seen.append, root=tmp_path)
    result = AwsCollector(session_factory=account.factory).collect([tmp_path / "x.json"], ctx)
    assert "the aws collector reads the account itself; the files given were not read" in result.warnings
    assert seen and seen[0] > 0
    assert sorted(tmp_path.rglob("*")) == before  # nothing written


# --- the rules on plain data ------------------------------------------------------------------------
def test_lifecycle_retention() -> None:
    prefix = s3_log_prefix("/bedrock/", ACCOUNT, FRA)
    assert prefix == f"bedrock/AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/"
    assert s3_log_prefix("", ACCOUNT, FRA) == f"AWSLogs/{ACCOUNT}/BedrockModelInvocationLogs/"
    assert lifecycle_retention([], prefix, NOW) is None
    rules = [
        {"Status": "Enabled", "Filter": {"Prefix": "other/"}, "Expiration": {"Days": 1}},  # elsewhere
        {
            "Status": "Enabled",
            "Filter": {"And": {"Prefix": "bedrock/", "Tags": [{"Key": "a", "Value": "b"}]}},
            "Expiration": {"Days": 2},
        },  # tagged objects only
        {"Status": "Enabled", "Prefix": "bedrock/AWSLogs/", "Expiration": {"Days": 800}},  # legacy prefix
        {"Status": "Enabled", "Filter": {}, "NoncurrentVersionExpiration": {"NoncurrentDays": 5}},  # no expiry
    ]
    assert lifecycle_retention(rules, prefix, NOW) == 800
    narrower = [{"Status": "Enabled", "Filter": {"Prefix": f"{prefix}{FRA}/2026/"}, "Expiration": {"Days": 30}}]
    assert lifecycle_retention(narrower, prefix, NOW) == 30
    dated = [{"Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Date": datetime(2027, 1, 1, tzinfo=UTC)}}]
    assert lifecycle_retention(dated, prefix, NOW) == (datetime(2027, 1, 1, tzinfo=UTC) - NOW).days + 1
    past = [{"Status": "Enabled", "Filter": {"Prefix": ""}, "Expiration": {"Date": "2020-01-01T00:00:00Z"}}]
    assert lifecycle_retention(past, prefix, NOW) == 0


def test_trail_selectors() -> None:
    assert trail_logs_bedrock({"EventSelectors": [{"ReadWriteType": "WriteOnly"}]})
    assert not trail_logs_bedrock({"EventSelectors": [{"ReadWriteType": "All", "IncludeManagementEvents": False}]})
    management = {"Field": "eventCategory", "Equals": ["Management"]}
    assert trail_logs_bedrock({"AdvancedEventSelectors": [{"FieldSelectors": [management]}]})
    read_only = {"Field": "readOnly", "Equals": ["true"]}
    assert not trail_logs_bedrock({"AdvancedEventSelectors": [{"FieldSelectors": [management, read_only]}]})
    no_bedrock = {"Field": "eventSource", "NotStartsWith": ["bedrock"]}
    assert not trail_logs_bedrock({"AdvancedEventSelectors": [{"FieldSelectors": [management, no_bedrock]}]})
    kms_only = {"Field": "eventSource", "Equals": ["kms.amazonaws.com"]}
    assert not trail_logs_bedrock({"AdvancedEventSelectors": [{"FieldSelectors": [management, kms_only]}]})
    data = {"Field": "eventCategory", "Equals": ["Data"]}
    s3_objects = {"Field": "resources.type", "Equals": ["AWS::S3::Object"]}
    assert not trail_logs_bedrock({"AdvancedEventSelectors": [{"FieldSelectors": [data, s3_objects]}]})
    agents = {"Field": "resources.type", "StartsWith": ["AWS::Bedrock::Agent"]}
    assert trail_logs_bedrock({"AdvancedEventSelectors": [{"FieldSelectors": [data, agents]}]})
    assert not trail_logs_bedrock({})


def test_systems_run_in_an_account_and_region() -> None:
    agent = system("a", "HIGH", f"arn:aws:bedrock:{FRA}:*:agent/X*")
    assert runs_in(agent, ACCOUNT, FRA)
    assert not runs_in(agent, ACCOUNT, DUB)
    pinned = system("b", "HIGH", "arn:aws:bedrock:eu-*:999999999999:agent/*")
    assert not runs_in(pinned, ACCOUNT, FRA)
    assert runs_in(pinned, "999999999999", DUB)
    foundation = system("c", "LOW", f"arn:aws:bedrock:{FRA}::foundation-model/anthropic.*")
    assert runs_in(foundation, ACCOUNT, FRA)
    other_service = system("d", "LOW", f"arn:aws:sagemaker:{FRA}:{ACCOUNT}:endpoint/x")
    assert not runs_in(other_service, ACCOUNT, FRA)
    explicit = system("e", "LOW", f"aws:{ACCOUNT}:*")
    assert runs_in(explicit, ACCOUNT, DUB)


def test_canonical_json_is_independent_of_key_order() -> None:
    from aisma.collectors.aws.session import canonical_json

    one = canonical_json({"b": 1, "a": CREATED})
    assert one == b'{"a":"2026-10-01T08:00:00+00:00","b":1}'
    assert hashlib.sha256(one).hexdigest() == hashlib.sha256(canonical_json({"a": CREATED, "b": 1})).hexdigest()


def test_an_unencrypted_bucket_fails_the_encryption_check(aws: None) -> None:
    s3 = boto3.client("s3", region_name=FRA)
    s3.create_bucket(Bucket="plain-logs", CreateBucketConfiguration={"LocationConstraint": FRA})
    boto3.client("bedrock", region_name=FRA).put_model_invocation_logging_configuration(
        loggingConfig={"s3Config": {"bucketName": "plain-logs"}}
    )
    build_trail()
    account = Account()
    for region in (FRA, DUB):
        account.guardrails(region, [])
        account.enforced(region, [])
    got = by_metric(AwsCollector(session_factory=account.factory).collect([], context()))
    fra = got["prowler.bedrock.invocation_logging_ratio", FRA]
    assert (fra.numerator, fra.denominator) == (2, 3)
    assert fra.details == (f"{FRA}: invocation logs: S3 bucket plain-logs is not encrypted",)
    # No lifecycle rules: the bucket keeps records forever, so both tiered Frankfurt systems pass.
    kept = got["aws.bedrock.log_retention_ratio", FRA]
    assert (kept.numerator, kept.denominator) == (2, 2)


def test_a_botocore_too_old_for_the_enforcement_api(aws: None) -> None:
    class OldModel:
        def __init__(self, model: Any) -> None:
            self.operation_names = [n for n in model.operation_names if "Enforced" not in n]

    class OldMeta:
        def __init__(self, meta: Any) -> None:
            self.service_model = OldModel(meta.service_model)

    class OldBedrock(HybridBedrock):
        @property
        def meta(self) -> Any:
            return OldMeta(self._moto.meta)

    class OldSession(MockedSession):
        def client(self, service: str, region_name: str, config: Any = None) -> Any:
            client = super().client(service, region_name, config)
            return OldBedrock(client._moto, client._stubbed) if service == "bedrock" else client

    account = Account()
    account.guardrails(FRA, [])
    with pytest.raises(AismaError) as caught:
        AwsCollector(session_factory=lambda **kw: OldSession(boto3.session.Session(**kw), account.stubs)).collect(
            [], context()
        )
    assert str(caught.value).startswith(f"aws {FRA}: bedrock ListEnforcedGuardrailsConfiguration: botocore ")
    assert str(caught.value).endswith("does not know this operation; upgrade it: pip install -U 'aisma[aws]'")
