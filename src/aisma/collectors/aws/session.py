"""Reach AWS for the ``aws`` collector: lazy boto3, its settings, the session, one-line errors.

boto3 is an optional extra (an assessment must work offline and without an AWS SDK), so it is
imported only when the collector runs. Every call goes through :class:`Api`, which keeps each
response (the collector's "file": its sha256 is the provenance) and turns any failure into one
``AismaError`` line naming the region and the operation, never a traceback.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import ModuleType
from typing import Any

from aisma.errors import AismaError

EXTRA_HINT = "the aws collector needs the optional extra: pip install 'aisma[aws]'"
KNOWN_SETTINGS = ("regions", "profile", "role_arn", "enabled", "paths")
ACCESS_DENIED = frozenset(
    {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "AuthorizationError", "UnauthorizedException"}
)
THROTTLED = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "TooManyRequestsException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
BAD_CREDENTIALS = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidClientTokenId",
        "ExpiredToken",
        "ExpiredTokenException",
        "SignatureDoesNotMatch",
        "InvalidSignatureException",
    }
)
# Fields that change while the configuration does not (delivery clocks, stored bytes): left out of
# the recorded responses so an unchanged account hashes the same from one assessment to the next.
VOLATILE = frozenset(
    {
        "storedBytes",
        "LatestDeliveryTime",
        "LatestDeliveryAttemptTime",
        "LatestDeliveryAttemptSucceeded",
        "LatestDeliveryError",
        "LatestNotificationTime",
        "LatestNotificationAttemptTime",
        "LatestNotificationAttemptSucceeded",
        "LatestNotificationError",
        "LatestDigestDeliveryTime",
        "LatestDigestDeliveryError",
        "LatestCloudWatchLogsDeliveryTime",
        "LatestCloudWatchLogsDeliveryError",
    }
)
# IAM action names where they differ from the operation's.
IAM_ACTIONS = {
    "GetBucketEncryption": "GetEncryptionConfiguration",
    "GetBucketLifecycleConfiguration": "GetLifecycleConfiguration",
}
# Session factory: boto3.session.Session's keyword arguments in, a session out (tests pass their own).
SessionFactory = Callable[..., Any]


@dataclass(frozen=True)
class AwsSettings:
    """``collectors.aws`` in aisma.yaml: the regions in use, and how to get credentials."""

    regions: tuple[str, ...]
    profile: str | None = None
    role_arn: str | None = None


def parse_settings(raw: Mapping[str, Any]) -> AwsSettings:
    """Check the settings up front: a live read with a typo in them should fail before any call."""
    where = "aisma.yaml: collectors.aws"
    unknown = sorted(set(raw) - set(KNOWN_SETTINGS))
    if unknown:
        raise AismaError(f"{where}.{unknown[0]} is not a setting (known: {', '.join(KNOWN_SETTINGS[:3])})")
    regions = raw.get("regions")
    if not isinstance(regions, list) or not regions or not all(isinstance(r, str) and r.strip() for r in regions):
        raise AismaError(
            f"{where}.regions must list the AWS regions in use (the collector reads a live account, "
            "so it runs only when configured)"
        )
    for key in ("profile", "role_arn"):
        value = raw.get(key)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            raise AismaError(f"{where}.{key} must be a non-empty string")
    role_arn = raw.get("role_arn")
    if role_arn is not None and not str(role_arn).startswith("arn:"):
        raise AismaError(f"{where}.role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)")
    unique = tuple(dict.fromkeys(r.strip() for r in regions))
    return AwsSettings(regions=unique, profile=raw.get("profile"), role_arn=role_arn)


def load_botocore() -> ModuleType:
    """Import boto3 and botocore, or say which extra to install; returns botocore."""
    try:
        importlib.import_module("boto3")
        botocore = importlib.import_module("botocore")
        importlib.import_module("botocore.exceptions")
        importlib.import_module("botocore.config")
    except ImportError:
        raise AismaError(EXTRA_HINT) from None
    return botocore


def default_session_factory(**kwargs: Any) -> Any:
    return importlib.import_module("boto3.session").Session(**kwargs)


def canonical_json(value: Any) -> bytes:
    """Key-sorted compact JSON, timestamps in ISO 8601: the same responses always hash the same."""

    def plain(obj: Any) -> Any:
        if isinstance(obj, datetime | date):
            return obj.isoformat()
        if isinstance(obj, bytes):
            return obj.decode("utf-8", "replace")
        raise TypeError(f"cannot serialize {type(obj).__name__}")

    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=plain, ensure_ascii=False).encode()


def one_line(text: object) -> str:
    return " ".join(str(text).split())


class Api:
    """Read-only AWS calls with retries, recording each response by region for the provenance hash."""

    def __init__(self, session: Any, botocore: ModuleType) -> None:
        self._session = session
        self._botocore = botocore
        self._errors = botocore.exceptions
        self._config = botocore.config.Config(
            retries={"max_attempts": 8, "mode": "adaptive"},
            connect_timeout=10,
            read_timeout=30,
            user_agent_extra="aisma",
        )
        self._clients: dict[tuple[str, str], Any] = {}
        self.records: dict[str, list[dict[str, Any]]] = {}

    def client(self, service: str, region: str) -> Any:
        key = (service, region)
        if key not in self._clients:
            self._clients[key] = self._session.client(service, region_name=region, config=self._config)
        return self._clients[key]

    def call(
        self,
        service: str,
        region: str,
        operation: str,
        *,
        absent: frozenset[str] = frozenset(),
        record_in: str | None = None,
        record: bool = True,
        **params: Any,
    ) -> dict[str, Any] | None:
        """One operation (``ListGuardrails`` style name); None when the error code is in ``absent``."""
        response, _ = self.attempt(
            service, region, operation, absent=absent, record_in=record_in, record=record, **params
        )
        return response

    def attempt(
        self,
        service: str,
        region: str,
        operation: str,
        *,
        absent: frozenset[str] = frozenset(),
        record_in: str | None = None,
        record: bool = True,
        **params: Any,
    ) -> tuple[dict[str, Any] | None, str | None]:
        """The response, or (None, code) for an error code in ``absent``.

        ``absent`` names the codes that mean "not there" (no lifecycle rules, no such bucket) rather
        than a failure; they are recorded too, so the hash covers what was found missing.
        """
        method = getattr(self._known(service, region, operation), self._botocore.xform_name(operation))
        try:
            response: dict[str, Any] = dict(method(**params))
        except self._errors.ClientError as exc:
            code = str(exc.response.get("Error", {}).get("Code", ""))
            if code not in absent:
                raise self.explain(exc, region, service, operation) from None
            if record:
                self._record(record_in or region, service, operation, params, {"Error": {"Code": code}})
            return None, code
        except (self._errors.BotoCoreError, ValueError) as exc:
            raise self.explain(exc, region, service, operation) from None
        response.pop("ResponseMetadata", None)
        if record:
            self._record(record_in or region, service, operation, params, response)
        return response, None

    def pages(self, service: str, region: str, operation: str, key: str, **params: Any) -> list[dict[str, Any]]:
        """Every item under ``key`` across all pages of a paginated operation."""
        paginator = self._known(service, region, operation).get_paginator(self._botocore.xform_name(operation))
        items: list[dict[str, Any]] = []
        try:
            for page in paginator.paginate(**params):
                page = dict(page)
                page.pop("ResponseMetadata", None)
                self._record(region, service, operation, params, page)
                items.extend(page.get(key) or [])
        except self._errors.ClientError as exc:
            raise self.explain(exc, region, service, operation) from None
        except (self._errors.BotoCoreError, ValueError) as exc:
            raise self.explain(exc, region, service, operation) from None
        return items

    def _known(self, service: str, region: str, operation: str) -> Any:
        """The client, once it is sure this botocore knows the operation (older ones lack the newest)."""
        client = self.client(service, region)
        if operation not in client.meta.service_model.operation_names:
            raise AismaError(
                f"aws {region}: {service} {operation}: botocore {self._botocore.__version__} does not know this "
                "operation; upgrade it: pip install -U 'aisma[aws]'"
            )
        return client

    def sha256(self, region: str) -> str:
        return hashlib.sha256(canonical_json(self.records.get(region, []))).hexdigest()

    def size(self, region: str) -> int:
        return len(canonical_json(self.records.get(region, [])))

    def _record(self, region: str, service: str, operation: str, params: Mapping[str, Any], response: Any) -> None:
        self.records.setdefault(region, []).append(
            {"operation": f"{service}:{operation}", "params": dict(params), "response": _stable(response)}
        )

    def explain(self, exc: BaseException, region: str, service: str, operation: str) -> AismaError:
        """One line: where (region, service, operation), what went wrong, what to do."""
        errors = self._errors
        if isinstance(exc, errors.ClientError):
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "")) or "error"
            message = one_line(error.get("Message", ""))
            if code in ACCESS_DENIED:
                text = f"access denied ({code}); the credentials need {service}:{IAM_ACTIONS.get(operation, operation)}"
            elif code in THROTTLED:
                text = f"throttled by AWS even after retries ({code}); run again later"
            elif code in BAD_CREDENTIALS:
                text = f"the credentials were rejected ({code}: {message}); refresh them or check the profile"
            else:
                text = f"{code}: {message}" if message else code
        elif isinstance(exc, errors.NoCredentialsError | errors.PartialCredentialsError):
            text = (
                "no AWS credentials found; set collectors.aws.profile in aisma.yaml or the AWS_PROFILE "
                "or AWS_ACCESS_KEY_ID environment"
            )
        elif isinstance(exc, errors.EndpointConnectionError | errors.ConnectTimeoutError):
            text = f"cannot reach the {service} endpoint ({one_line(exc)}); check the region and the network"
        else:
            text = f"{type(exc).__name__}: {one_line(exc)}"
        return AismaError(f"aws {region}: {service} {operation}: {text}")


def _stable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _stable(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_stable(v) for v in value]
    return value


def connect(settings: AwsSettings, factory: SessionFactory, botocore: ModuleType) -> tuple[Api, str]:
    """A session for the configured profile (and role), its regions checked; returns it and the account."""
    first = settings.regions[0]
    errors = botocore.exceptions
    try:
        session = factory(profile_name=settings.profile) if settings.profile else factory()
    except errors.BotoCoreError as exc:  # ProfileNotFound, a broken config file
        raise AismaError(f"aws: cannot open the AWS session: {one_line(exc)}") from None
    check_regions(session, settings.regions)
    if settings.role_arn:
        sts = Api(session, botocore)
        assumed = sts.call(
            "sts", first, "AssumeRole", record=False, RoleArn=settings.role_arn, RoleSessionName="aisma-collect"
        )
        credentials = (assumed or {})["Credentials"]
        session = factory(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
        )
    api = Api(session, botocore)
    identity = api.call("sts", first, "GetCallerIdentity", record=False) or {}
    return api, str(identity["Account"])


def check_regions(session: Any, regions: tuple[str, ...]) -> None:
    """Refuse a region botocore does not know for Bedrock before any call is made to it."""
    known: set[str] = set()
    for partition in session.get_available_partitions():
        known.update(session.get_available_regions("bedrock", partition))
    for region in regions:
        if region not in known:
            raise AismaError(
                f"aws {region}: bedrock: unknown region, or one without Amazon Bedrock in this botocore's "
                "endpoint data (upgrade boto3 if the region is new)"
            )
