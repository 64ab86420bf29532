"""The server's tables (SQLAlchemy 2 ORM). Only portable types; relationships are ``lazy="raise"``.

Every tenant-owned table carries ``organization_id`` and every repository query filters on it: that
is the per-organization isolation. The ``audit_log`` has no foreign keys on purpose: its rows are
hash-chained and must never change, not even by a cascading delete.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from aisma.store.types import UTCDateTime, utcnow

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


def _org_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("organizations.id", ondelete="CASCADE"), index=True)


class Organization(Base):
    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    model_id: Mapped[str] = mapped_column(String(200), default="aisma-core")
    # The workspace's aisma.yaml content (targets, collectors, description), kept as one document.
    settings: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Migration 0008: when on, an answer's evidence counts only once an assessor accepted the answer.
    review_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    display_name: Mapped[str] = mapped_column(String(200), default="")
    # None for accounts that sign in only through OIDC.
    password_hash: Mapped[str | None] = mapped_column(String(255), default=None)
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True, default=None)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("organization_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(lazy="raise")
    organization: Mapped[Organization] = relationship(lazy="raise")


class LoginSession(Base):
    """A server-side login session: the cookie holds a random token, the table only its sha256."""

    __tablename__ = "sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 hex of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_secret: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LoginAttempt(Base):
    """A failed login, kept in the database so every stateless worker sees the same count."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(400), index=True)
    attempted_at: Mapped[datetime] = mapped_column(default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in lists so a user can tell tokens apart
    organization_id: Mapped[int] = _org_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    scopes: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)


class AISystemRow(Base):
    """One ``inventory.yaml`` system as its document; ``owner`` is copied out for permission checks."""

    __tablename__ = "ai_systems"
    __table_args__ = (UniqueConstraint("organization_id", "system_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    system_id: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)  # keeps the inventory's order on export
    owner: Mapped[str | None] = mapped_column(String(320), index=True, default=None)
    document: Mapped[dict[str, Any]] = mapped_column()
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_by: Mapped[str] = mapped_column(String(320), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class AnswerRow(Base):
    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("organization_id", "objective_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    objective_id: Mapped[str] = mapped_column(String(100))
    answer: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text, default="")
    justification: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    answered_by: Mapped[str] = mapped_column(String(320), default="")
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    expires: Mapped[date | None] = mapped_column(Date, default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)
    # An assessor's review of the cited evidence (migration 0006): "accepted" or "rejected", or None.
    # Reviewing does not bump the version; every save of the answer clears the review.
    evidence_review: Mapped[str | None] = mapped_column(String(20), default=None)
    reviewed_by: Mapped[str | None] = mapped_column(String(320), default=None)
    reviewed_at: Mapped[datetime | None] = mapped_column(default=None)
    review_note: Mapped[str | None] = mapped_column(Text, default=None)
    # The answer's life cycle (migration 0008): draft -> submitted -> accepted | returned (with a reason).
    # A save makes it a draft again; status_by/at/reason say who moved it last, when and why.
    status: Mapped[str] = mapped_column(String(20), default="draft", server_default="submitted")
    status_by: Mapped[str | None] = mapped_column(String(320), default=None)
    status_at: Mapped[datetime | None] = mapped_column(default=None)
    status_reason: Mapped[str | None] = mapped_column(Text, default=None)


class EvidenceFile(Base):
    """An uploaded or imported file; the bytes live under the evidence directory, named by sha256."""

    __tablename__ = "evidence_files"
    __table_args__ = (UniqueConstraint("organization_id", "filename"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    filename: Mapped[str] = mapped_column(String(1000))  # path relative to the workspace's evidence/
    size: Mapped[int] = mapped_column(Integer)
    storage_path: Mapped[str] = mapped_column(String(1000))  # relative to settings.evidence_dir
    uploaded_by: Mapped[str] = mapped_column(String(320), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The life cycle of the current revision (the columns above are its bytes): its number, the dates
    # it is in force between (``expires_on`` inclusive; None: no end), and which expiry reminder was
    # sent for it ("" none yet, "expiring", "expired"; a new revision or new dates clear it).
    revision: Mapped[int] = mapped_column(Integer, default=1)
    effective_on: Mapped[date | None] = mapped_column(Date, default=None)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)
    reminded: Mapped[str] = mapped_column(String(20), default="")


class EvidenceRevisionRow(Base):
    """Every version uploaded under one evidence file's name, oldest first; the bytes of each stay in
    the evidence store (content-addressed), so an old revision can still be downloaded and audited."""

    __tablename__ = "evidence_revisions"
    __table_args__ = (UniqueConstraint("evidence_id", "revision"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence_files.id", ondelete="CASCADE"), index=True)
    revision: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    storage_path: Mapped[str] = mapped_column(String(1000))
    uploaded_by: Mapped[str] = mapped_column(String(320), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    effective_on: Mapped[date | None] = mapped_column(Date, default=None)
    expires_on: Mapped[date | None] = mapped_column(Date, default=None)


class MeasurementRow(Base):
    __tablename__ = "measurements"
    __table_args__ = (
        Index("ix_measurements_org_metric", "organization_id", "metric"),
        Index("ix_measurements_org_observed", "organization_id", "observed_at"),  # the list, newest first
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    metric: Mapped[str] = mapped_column(String(200))
    numerator: Mapped[float | None] = mapped_column(Float, default=None)
    denominator: Mapped[float | None] = mapped_column(Float, default=None)
    value: Mapped[float | None] = mapped_column(Float, default=None)
    observed_at: Mapped[datetime] = mapped_column()
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)  # tool, version, file, sha256
    details: Mapped[list[Any]] = mapped_column(default=list)
    # The entity ids behind denominator and numerator (``Measurement.population``/``covered``), or
    # None: kept so two tools' shares of the same systems merge as a union after a reload, not a sum.
    population: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    covered: Mapped[list[Any] | None] = mapped_column(JSON, default=None)
    pushed_by: Mapped[str] = mapped_column(String(320), default="")
    pushed_at: Mapped[datetime] = mapped_column(default=utcnow)


class ObservedAssetRow(Base):
    """An AI asset a collector saw (``ObservedAsset``): the raw material of shadow-AI discovery.

    ``source`` names who sent it (the pushing token's user, or ``import``); each push or import
    replaces every asset of its source, so an asset no longer seen disappears with the next push.
    """

    __tablename__ = "observed_assets"
    __table_args__ = (Index("ix_observed_assets_org_source", "organization_id", "source"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    source: Mapped[str] = mapped_column(String(400))
    kind: Mapped[str] = mapped_column(String(20))
    identifier: Mapped[str] = mapped_column(String(1000))
    tool: Mapped[str] = mapped_column(String(200))
    file: Mapped[str] = mapped_column(String(1000), default="")
    count: Mapped[int] = mapped_column(Integer, default=1)
    seen_with: Mapped[list[Any]] = mapped_column(default=list)
    last_seen: Mapped[datetime | None] = mapped_column(default=None)
    pushed_by: Mapped[str] = mapped_column(String(320), default="")
    pushed_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentRow(Base):
    """A stored result (``aisma.result/v1`` dict) plus the few numbers the trend reads without parsing it."""

    __tablename__ = "assessments"
    __table_args__ = (Index("ix_assessments_org_assessed_at", "organization_id", "assessed_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    assessed_at: Mapped[datetime] = mapped_column()
    model_id: Mapped[str] = mapped_column(String(200))
    model_version: Mapped[str] = mapped_column(String(50))
    level: Mapped[int | None] = mapped_column(Integer, default=None)
    score: Mapped[float | None] = mapped_column(Float, default=None)
    evidenced_level: Mapped[int | None] = mapped_column(Integer, default=None)
    # Per-category levels and the evidenced score, so the trend never parses the result documents.
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    created_by: Mapped[str] = mapped_column(String(320), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AssessmentResult(Base):
    """The stored ``aisma.result/v1`` document of one assessment, apart from its row.

    Results run to megabytes; kept in a table of their own, they are read only when one is shown,
    and the list of assessments and the trend (``assessments``) read small rows only.
    """

    __tablename__ = "assessment_results"

    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), primary_key=True)
    result: Mapped[dict[str, Any]] = mapped_column()


class AuditEntry(Base):
    """One change: who, when, what, before and after; ``hash`` chains it to the previous row of its chain.

    Each organization has a chain of its own (``chain`` = its id; 0 for server-wide events such as a
    new user), so appends of different organizations never wait for each other. Rows written before
    the chains were split (migration 0004) form the legacy chain -1.
    """

    __tablename__ = "audit_log"
    __table_args__ = (
        UniqueConstraint("chain", "seq"),
        Index("ix_audit_log_org_action", "organization_id", "action"),  # the trail filtered by action
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chain: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    organization_id: Mapped[int | None] = mapped_column(Integer, index=True, default=None)
    actor: Mapped[str] = mapped_column(String(400))
    at: Mapped[datetime] = mapped_column()
    action: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[str] = mapped_column(String(400))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The signed checkpoint of one audit chain, kept outside the audit table: its last seq and hash.

    Appends lock this row (one lock per chain), and ``aisma audit verify`` compares the chain with it:
    deleting the newest audit rows leaves a head that names rows no longer there. ``signature`` is an
    HMAC of (chain, seq, hash) with the server's secret key, so the head cannot be rewritten to match.
    """

    __tablename__ = "audit_heads"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    hash: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class JobRow(Base):
    """A background job (an assessment, a collector run over uploaded evidence, a report): what was asked,
    by whom, and how far it got. The queue that carries it (in-process, or procrastinate on PostgreSQL)
    only says *when* to run it; this row is the job's state the API shows."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_status_run_after", "status", "run_after"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    name: Mapped[str] = mapped_column(String(100))
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued running succeeded failed
    progress: Mapped[int] = mapped_column(Integer, default=0)  # percent
    message: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    max_attempts: Mapped[int] = mapped_column(Integer, default=3)
    run_after: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime | None] = mapped_column(default=None)
    user_id: Mapped[int] = mapped_column(Integer)  # who asked: the job acts as them
    created_by: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class ScheduleRow(Base):
    """A recurring job of an organization (cron syntax, UTC): re-assess, re-run collectors over the uploaded
    evidence, refresh live collectors, check evidence freshness. ``next_run_at`` is claimed by one
    conditional UPDATE when it is due, in the transaction that records the job, so a schedule fires once
    whichever worker (or how many) sees it due, and a fire time missed while no worker ran fires once later."""

    __tablename__ = "schedules"
    __table_args__ = (Index("ix_schedules_due", "enabled", "next_run_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    kind: Mapped[str] = mapped_column(String(20))  # assess collect live freshness
    cron: Mapped[str] = mapped_column(String(200))
    args: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    next_run_at: Mapped[datetime] = mapped_column()
    last_run_at: Mapped[datetime | None] = mapped_column(default=None)
    last_job_id: Mapped[int | None] = mapped_column(Integer, default=None)
    user_id: Mapped[int] = mapped_column(Integer)  # the jobs act as this member
    created_by: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertChannelRow(Base):
    """Where an organization's alerts go: a webhook (signed with HMAC-SHA256, Slack-compatible body) or an
    email address (through the server's SMTP settings), for the events it subscribes to."""

    __tablename__ = "alert_channels"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    kind: Mapped[str] = mapped_column(String(20))  # webhook email
    target: Mapped[str] = mapped_column(String(2000))  # URL or email address
    secret: Mapped[str] = mapped_column(String(200), default="")  # the webhook's HMAC key
    events: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every event
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AlertDeliveryRow(Base):
    """The delivery log: one alert to one channel, every attempt's outcome (status code or error)."""

    __tablename__ = "alert_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    channel_id: Mapped[int] = mapped_column(ForeignKey("alert_channels.id", ondelete="CASCADE"), index=True)
    events: Mapped[list[str]] = mapped_column(JSON, default=list)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending delivered failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_status: Mapped[int | None] = mapped_column(Integer, default=None)  # HTTP status or SMTP reply code
    last_error: Mapped[str] = mapped_column(Text, default="")
    log: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # one entry per attempt
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class FrameworkRow(Base):
    """A framework an organization imported (an OSCAL catalog or profile, a CISO Assistant library), kept
    as what aisma read from the file: its requirements with ids, titles, text and hierarchy, its source
    and license, and the uploaded file's name and sha256 (not the file: the reader's bounds and checks
    ran once, at upload, so a page never parses hostile input again). ``mapping`` is the mapping set
    uploaded for it (``aisma.mapping/v1``, checked against the model and the requirements), without
    which there is no posture to show."""

    __tablename__ = "frameworks"
    __table_args__ = (UniqueConstraint("organization_id", "framework_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    framework_id: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(500))
    kind: Mapped[str] = mapped_column(String(40))  # oscal-catalog oscal-profile ciso-library
    version: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(Text, default="")
    license: Mapped[str] = mapped_column(Text, default="")
    filename: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    requirements: Mapped[list[Any]] = mapped_column(JSON, default=list)
    mapping: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    mapping_filename: Mapped[str] = mapped_column(String(500), default="")
    mapping_sha256: Mapped[str] = mapped_column(String(64), default="")
    uploaded_by: Mapped[str] = mapped_column(String(320), default="")
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)


class FindingRow(Base):
    """Something that blocks an objective, tracked to done: a gap, a conflict or a failed measurement the
    latest assessment showed (``key`` ``gap:GOV-1.1`` and so on, so deriving again never duplicates one),
    or an auditor's remark. People own its owner, severity, status and due date; ``version`` makes
    every change a conditional update, as for answers."""

    __tablename__ = "findings"
    __table_args__ = (
        UniqueConstraint("organization_id", "key"),
        Index("ix_findings_org_status", "organization_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    key: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(30))  # gap conflict failed_measurement remark
    title: Mapped[str] = mapped_column(String(500))
    detail: Mapped[str] = mapped_column(Text, default="")
    objective_id: Mapped[str] = mapped_column(String(100), default="")  # the objective it blocks
    severity: Mapped[str] = mapped_column(String(20))  # critical high medium low
    status: Mapped[str] = mapped_column(String(20), default="open")  # open in_progress resolved accepted
    owner: Mapped[str] = mapped_column(String(320), default="")
    due: Mapped[date | None] = mapped_column(Date, default=None)
    assessment_id: Mapped[int | None] = mapped_column(Integer, default=None)  # the assessment it came from
    # The later assessment that no longer showed a derived finding's cause, which resolved it (None
    # otherwise; cleared when one shows the cause again and reopens it).
    closed_by_assessment_id: Mapped[int | None] = mapped_column(Integer, default=None)
    created_by: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class InvitationRow(Base):
    """An owner's invitation of an email address to an organization with a role. The link carries a
    random token; only its sha256 is stored (as for sessions and API tokens), so a database dump holds
    no usable link. Single use: ``accepted_at`` is set once, by a conditional update; ``revoked_at``
    and ``expires_at`` end it too."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[str] = mapped_column(String(400), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column()
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_by: Mapped[str] = mapped_column(String(320), default="")
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)
    # How the link reached the invitee: "email" (sent through SMTP) or "shown" (to the owner, once).
    delivery: Mapped[str] = mapped_column(String(20), default="shown")


class AssignmentRow(Base):
    """Who does an item by when: an objective of the questionnaire (``subject`` ``objective``) or an item
    of the roadmap (``roadmap``), both named by their objective id, which stays the same from one
    assessment to the next (a roadmap item is an unmet objective). Clearing keeps the row with no
    assignee and no due date, so its ``version`` keeps counting and a stale write is always caught."""

    __tablename__ = "assignments"
    __table_args__ = (UniqueConstraint("organization_id", "subject", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    subject: Mapped[str] = mapped_column(String(20))  # objective roadmap
    item_id: Mapped[str] = mapped_column(String(200))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True, default=None
    )
    due: Mapped[date | None] = mapped_column(Date, default=None)
    assigned_by: Mapped[str] = mapped_column(String(400), default="")
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CommentRow(Base):
    """A comment on an objective, an AI system or a roadmap item, as its author wrote it (Markdown);
    it is rendered and sanitized when shown, never stored as HTML. ``mentions`` are the members'
    emails its @mentions named, notified once when the comment was written or edited to name them."""

    __tablename__ = "comments"
    __table_args__ = (Index("ix_comments_org_item", "organization_id", "subject", "item_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    subject: Mapped[str] = mapped_column(String(20))  # objective system roadmap
    item_id: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), default=None)
    author: Mapped[str] = mapped_column(String(320))
    body: Mapped[str] = mapped_column(Text)
    mentions: Mapped[list[Any]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)


class NotificationRow(Base):
    """The notification log: one email to one member (assigned, answer returned, mentioned, overdue
    digest), what it said, and whether it went out (``sent``, ``failed`` after its retries, or
    ``not_sent`` when the server has no SMTP settings). The member reads their own on My work."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_created", "user_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    organization_id: Mapped[int] = _org_fk()
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(320))
    kind: Mapped[str] = mapped_column(String(20))  # assigned returned mention overdue
    subject: Mapped[str] = mapped_column(String(500))
    body: Mapped[str] = mapped_column(Text)
    link: Mapped[str] = mapped_column(String(1000), default="")
    day: Mapped[date | None] = mapped_column(Date, default=None)  # an overdue digest's day: one a day
    status: Mapped[str] = mapped_column(String(20), default="pending")  # pending sent failed not_sent
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
