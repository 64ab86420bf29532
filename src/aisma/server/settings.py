"""Server settings from the environment (prefix ``AISMA_``), built by the caller, never at import."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aisma.errors import AismaError

MIB = 1024 * 1024
ROLES = ("owner", "assessor", "contributor", "viewer")


@dataclass(frozen=True)
class GroupRole:
    """One entry of ``AISMA_OIDC_GROUP_ROLES``: members of ``group`` get ``role`` in ``org``."""

    group: str
    org: str
    role: str


def parse_group_roles(text: str) -> list[GroupRole]:
    """``group=org:role, ...``; a malformed entry is a ValueError naming it and the expected form."""
    entries = []
    for item in (part.strip() for part in text.split(",")):
        if not item:
            continue
        group, equals, target = item.rpartition("=")
        org, colon, role = target.partition(":")
        if not equals or not colon or not group.strip() or not org.strip() or role.strip() not in ROLES:
            raise ValueError(
                f"AISMA_OIDC_GROUP_ROLES entry {item!r}: expected group=org:role with role one of {', '.join(ROLES)}"
            )
        entries.append(GroupRole(group.strip(), org.strip(), role.strip()))
    return entries


SECRET_FILE = "secret.key"  # noqa: S105 - a file name


class ServerSettings(BaseSettings):
    """Where the data lives and how the server behaves; every field can be set as ``AISMA_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="AISMA_", extra="ignore")

    data_dir: Path = Path("./aisma-data")
    database_url: str = ""
    evidence_dir: Path | None = None
    # s3://bucket/prefix: evidence in S3-compatible object storage (endpoint, credentials: boto3's usual env).
    evidence_url: str | None = None
    max_upload_bytes: int = Field(default=25 * MIB, gt=0)
    secret_key: str = ""
    secure_cookies: bool = False
    session_max_age_seconds: int = Field(default=8 * 3600, gt=0)
    login_max_failures: int = Field(default=5, gt=0)
    login_window_seconds: int = Field(default=15 * 60, gt=0)
    # Reverse proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated
    # addresses or networks, e.g. "10.0.0.5,192.168.1.0/24"); none by default, not even loopback.
    trusted_proxies: str = ""
    # Development: templates are re-read from disk when they change (off: read once per process).
    development: bool = False
    # Seconds a new worker process of ``aisma serve --workers N`` may take to answer the supervisor's
    # first health check; uvicorn's 5 s default kills workers that start slowly on a busy machine.
    worker_start_seconds: int = Field(default=120, gt=0)
    # Background jobs: "auto" (in-process on SQLite, procrastinate + ``aisma worker`` on PostgreSQL),
    # "inprocess" or "procrastinate"; with the in-process queue each server process runs a worker thread
    # unless ``inprocess_worker`` is false (then ``aisma worker`` runs them).
    job_queue: Literal["auto", "inprocess", "procrastinate"] = "auto"
    inprocess_worker: bool = True
    # Modules whose ``register()`` adds job handlers (comma-separated), besides the built-in ones.
    job_modules: str = ""
    # Alerts by email: the SMTP server (none: email channels record a failed delivery saying so).
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, gt=0, lt=65536)
    smtp_from: str = "aisma@localhost"
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = True
    # Alerts: a KPI whose value moves the wrong way by more than this (on 0..1 ratios) drifts, even
    # when its objective's answer does not change; a change of answer is always a drift.
    kpi_drift_threshold: float = Field(default=0.1, ge=0.0, le=1.0, allow_inf_nan=False)
    # Freshness monitor: measurements within this many days of their objective's max age are reported.
    freshness_warn_days: int = Field(default=7, ge=0, le=365)
    # Evidence expiry reminders: a file is reminded of this many days before its expiry date (and once
    # more when it has expired).
    evidence_reminder_days: int = Field(default=30, ge=0, le=365)
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: str | None = None
    oidc_redirect_url: str | None = None
    # Scopes asked for at sign-in; add the one your provider needs to put groups into the ID token.
    oidc_scopes: str = "openid email profile"
    # The ID token claim that lists the user's groups (a list of strings, or one string).
    oidc_groups_claim: str = "groups"
    # Groups to organization roles, comma-separated ``group=org:role`` (e.g. ``sec-team=bank:assessor``).
    # For every organization named here the identity provider decides membership at each sign-in.
    oidc_group_roles: str = ""
    # The address people reach the server at (``https://aisma.example.com``), for links in emails
    # (invitations); unset: the address the request came to.
    public_url: str | None = None
    # How long an invitation link can be used (hours).
    invitation_max_age_hours: int = Field(default=7 * 24, gt=0, le=90 * 24)

    @model_validator(mode="after")
    def _defaults(self) -> ServerSettings:
        if not self.database_url:
            self.database_url = f"sqlite:///{self.data_dir / 'aisma.db'}"
        if self.evidence_dir is None:
            self.evidence_dir = self.data_dir / "evidence"
        return self

    @field_validator("oidc_group_roles")
    @classmethod
    def _group_roles(cls, value: str) -> str:
        parse_group_roles(value)  # a wrong entry stops the server at start, naming it
        return value

    @property
    def oidc_group_role_list(self) -> list[GroupRole]:
        return parse_group_roles(self.oidc_group_roles)

    @property
    def job_module_list(self) -> list[str]:
        return [item.strip() for item in self.job_modules.split(",") if item.strip()]

    @property
    def trusted_proxy_list(self) -> list[str]:
        return [item.strip() for item in self.trusted_proxies.split(",") if item.strip()]

    @property
    def evidence_path(self) -> Path:
        """``evidence_dir``, always set after validation (typed without the Optional)."""
        return self.evidence_dir if self.evidence_dir is not None else self.data_dir / "evidence"

    def existing_secret_key(self) -> str | None:
        """The configured or stored key, or None when this machine has none (never creates one)."""
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / SECRET_FILE
        try:
            return path.read_text(encoding="utf-8").strip() if path.is_file() else None
        except OSError:
            return None

    def resolved_secret_key(self) -> str:
        """The configured key, else one generated once and kept in ``<data_dir>/secret.key`` (0600).

        Several workers must sign with the same key, so it is stored rather than made per process.
        """
        if self.secret_key:
            return self.secret_key
        path = self.data_dir / SECRET_FILE
        try:
            if path.is_file():
                return path.read_text(encoding="utf-8").strip()
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key = secrets.token_urlsafe(48)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise AismaError(f"{path}: cannot create the secret key ({exc.strerror})") from None
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(key + "\n")
        return key
