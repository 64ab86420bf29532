"""What the ``aws`` collector reads in one account: per region, the Bedrock guardrails, the enforced
guardrail configuration, the invocation-logging configuration and its destinations; and the trails.

Reading is kept apart from judging (``checks``) so every rule can be tested on plain dicts, and the
responses are read once and recorded once, whatever number of metrics they feed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aisma.collectors.aws.checks import lifecycle_retention, s3_log_prefix
from aisma.collectors.aws.session import Api

NOT_CONFIGURED_ENCRYPTION = frozenset({"ServerSideEncryptionConfigurationNotFoundError"})
NO_LIFECYCLE = frozenset({"NoSuchLifecycleConfiguration"})
NO_BUCKET = frozenset({"NoSuchBucket"})
NO_GUARDRAIL = frozenset({"ResourceNotFoundException"})
TRAIL_GONE = frozenset({"TrailNotFoundException", "CloudTrailARNInvalidException"})


@dataclass(frozen=True)
class Guardrail:
    """One guardrail version as GetGuardrail returns it (``detail`` is None if it no longer exists)."""

    id: str
    arn: str
    name: str
    version: str
    detail: Mapping[str, Any] | None


@dataclass(frozen=True)
class Enforced:
    """One account-level enforced guardrail configuration and the guardrail version it enforces."""

    config: Mapping[str, Any]
    guardrail: Guardrail


@dataclass(frozen=True)
class Destination:
    """Where invocation logs go. ``retention_days`` None means records never expire."""

    kind: str  # "CloudWatch Logs log group" or "S3 bucket"
    name: str
    exists: bool
    encrypted: bool
    retention_days: int | None


@dataclass(frozen=True)
class Trail:
    arn: str
    name: str
    home_region: str
    logging: bool
    selectors: Mapping[str, Any]


@dataclass(frozen=True)
class RegionSnapshot:
    region: str
    guardrails: tuple[Guardrail, ...]
    enforced: tuple[Enforced, ...]
    logging_config: Mapping[str, Any]
    destinations: tuple[Destination, ...]
    trails: tuple[Trail, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    @property
    def logging_enabled(self) -> bool:
        """Prowler's reading: any logging configuration at all means logging is on."""
        return bool(self.logging_config)

    @property
    def retention_days(self) -> int | None:
        """The longest any destination keeps records (None: forever); 0 when there is none."""
        if not self.destinations:
            return 0
        if any(d.retention_days is None for d in self.destinations):
            return None
        return max(d.retention_days or 0 for d in self.destinations)


def read_region(api: Api, account: str, region: str, today: datetime) -> RegionSnapshot:
    guardrails = tuple(
        _guardrail(api, region, item["id"], item.get("arn", ""), item.get("name", ""), None)
        for item in api.pages("bedrock", region, "ListGuardrails", "guardrails")
    )
    enforced = tuple(
        Enforced(
            config=config,
            guardrail=_guardrail(
                api,
                region,
                str(config.get("guardrailId") or config.get("guardrailArn", "")),
                str(config.get("guardrailArn", "")),
                "",
                str(config.get("guardrailVersion") or "") or None,
            ),
        )
        for config in api.pages("bedrock", region, "ListEnforcedGuardrailsConfiguration", "guardrailsConfig")
    )
    logging_config = (api.call("bedrock", region, "GetModelInvocationLoggingConfiguration") or {}).get(
        "loggingConfig"
    ) or {}
    destinations: list[Destination] = []
    group = (logging_config.get("cloudWatchConfig") or {}).get("logGroupName")
    if group:
        destinations.append(_log_group(api, region, str(group)))
    s3 = logging_config.get("s3Config") or {}
    if s3.get("bucketName"):
        prefix = s3_log_prefix(str(s3.get("keyPrefix") or ""), account, region)
        destinations.append(_bucket(api, region, str(s3["bucketName"]), prefix, today))
    return RegionSnapshot(
        region=region,
        guardrails=guardrails,
        enforced=enforced,
        logging_config=logging_config,
        destinations=tuple(destinations),
    )


def _guardrail(api: Api, region: str, ident: str, arn: str, name: str, version: str | None) -> Guardrail:
    params: dict[str, Any] = {"guardrailIdentifier": ident}
    if version:
        params["guardrailVersion"] = version
    detail = api.call("bedrock", region, "GetGuardrail", absent=NO_GUARDRAIL, **params)
    if detail is not None:
        name = str(detail.get("name") or name)
        arn = str(detail.get("guardrailArn") or arn)
        version = str(detail.get("version") or version or "DRAFT")
    return Guardrail(id=ident, arn=arn, name=name or ident, version=version or "DRAFT", detail=detail)


def _log_group(api: Api, region: str, name: str) -> Destination:
    found: dict[str, Any] | None = None
    for group in api.pages("logs", region, "DescribeLogGroups", "logGroups", logGroupNamePrefix=name):
        if group.get("logGroupName") == name:
            found = group
    if found is None:
        return Destination("CloudWatch Logs log group", name, exists=False, encrypted=False, retention_days=0)
    days = found.get("retentionInDays")
    return Destination(
        "CloudWatch Logs log group",
        name,
        exists=True,
        encrypted=bool(found.get("kmsKeyId")),
        retention_days=int(days) if days is not None else None,
    )


def _bucket(api: Api, region: str, name: str, log_prefix: str, today: datetime) -> Destination:
    encryption, missing = api.attempt(
        "s3", region, "GetBucketEncryption", absent=NOT_CONFIGURED_ENCRYPTION | NO_BUCKET, Bucket=name
    )
    if missing in NO_BUCKET:
        return Destination("S3 bucket", name, exists=False, encrypted=False, retention_days=0)
    lifecycle = api.call("s3", region, "GetBucketLifecycleConfiguration", absent=NO_LIFECYCLE, Bucket=name)
    rules = (encryption or {}).get("ServerSideEncryptionConfiguration", {}).get("Rules") or []
    encrypted = any((rule.get("ApplyServerSideEncryptionByDefault") or {}).get("SSEAlgorithm") for rule in rules)
    retention = lifecycle_retention((lifecycle or {}).get("Rules") or [], log_prefix, today)
    return Destination("S3 bucket", name, exists=True, encrypted=encrypted, retention_days=retention)


def read_trails(api: Api, regions: tuple[str, ...]) -> tuple[dict[str, tuple[Trail, ...]], list[str]]:
    """Trails that cover each region, each counted once (in the first region that lists it).

    A multi-region trail shows in every region; its status and selectors can be read only in its
    home region, so they are asked there and recorded with the region that listed the trail.
    """
    seen: set[str] = set()
    by_region: dict[str, tuple[Trail, ...]] = {}
    warnings: list[str] = []
    for region in regions:
        listed = api.call("cloudtrail", region, "DescribeTrails", includeShadowTrails=True) or {}
        trails: list[Trail] = []
        for item in listed.get("trailList") or []:
            arn = str(item.get("TrailARN") or item.get("Name", ""))
            if arn in seen:
                continue
            seen.add(arn)
            home = str(item.get("HomeRegion") or region)
            status = api.call("cloudtrail", home, "GetTrailStatus", absent=TRAIL_GONE, record_in=region, Name=arn)
            selectors = api.call(
                "cloudtrail", home, "GetEventSelectors", absent=TRAIL_GONE, record_in=region, TrailName=arn
            )
            if status is None or selectors is None:
                warnings.append(f"{region}: trail {arn} could not be read from this account; not counted")
                continue
            trails.append(
                Trail(
                    arn=arn,
                    name=str(item.get("Name", arn)),
                    home_region=home,
                    logging=bool(status.get("IsLogging")),
                    selectors=selectors,
                )
            )
        by_region[region] = tuple(trails)
    return by_region, warnings
