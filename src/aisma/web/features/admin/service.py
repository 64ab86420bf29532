"""API tokens: scoped to one organization, expiring, stored as sha256, shown in plain text once."""

from __future__ import annotations

import secrets
import threading
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from aisma.server.auth import SCOPES, Actor, Permission, Role
from aisma.server.errors import Invalid, NotFound
from aisma.store.db import Database
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import tokens as repo
from aisma.store.repositories import users as users_repo
from aisma.store.tables import ApiToken
from aisma.store.types import utcnow
from aisma.web.features.admin.schemas import TokenOut
from aisma.web.features.audit import service as audit
from aisma.web.features.signin.service import token_hash

TOUCH_INTERVAL = timedelta(minutes=1)
TOKEN_PREFIX = "aisma_"  # noqa: S105 - a marker that makes leaked tokens easy to find, not a secret


def _describe(token: ApiToken) -> dict[str, object]:
    return {
        "name": token.name,
        "prefix": token.prefix,
        "scopes": list(token.scopes),
        "expires_at": token.expires_at.isoformat() if token.expires_at else None,
        "revoked": token.revoked,
    }


def create_token(
    session: Session, actor: Actor, name: str, scopes: tuple[str, ...] | list[str], expires_at: datetime | None
) -> tuple[TokenOut, str]:
    """Create a token acting as ``actor``'s user in ``actor``'s organization; returns (record, plaintext)."""
    actor.require(Permission.MANAGE_TOKENS)
    if not name.strip():
        raise Invalid("name", "must not be empty")
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown or not scopes:
        raise Invalid(
            "scopes", f"choose from {', '.join(SCOPES)}" + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    if expires_at is not None and (expires_at.tzinfo is None or expires_at <= utcnow()):
        raise Invalid("expires_at", "must be a future, timezone-aware time")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = repo.add(
        session,
        ApiToken(
            token_hash=token_hash(plaintext),
            prefix=plaintext[: len(TOKEN_PREFIX) + 6],
            organization_id=actor.org_id,
            user_id=actor.user_id,
            name=name.strip(),
            scopes=sorted(set(scopes)),
            expires_at=expires_at,
        ),
    )
    audit.append(session, actor, "token.create", "api_token", token.id, None, _describe(token))
    return TokenOut.model_validate(token), plaintext


class TokenUsage:
    """When each API token was last used, noted in memory and written out of band.

    Resolving a token never writes, so a GET made with a token stays a read-only transaction (on
    SQLite a token reader never queues behind writers). Uses are noted here and ``flush`` writes them
    in one short transaction of its own; a token already recorded within ``TOUCH_INTERVAL`` is not
    noted again, so each process writes a busy token at most once a minute. Thread-safe.
    """

    def __init__(self, interval: timedelta = TOUCH_INTERVAL) -> None:
        self.interval = interval
        self._pending: dict[int, datetime] = {}
        self._recorded: dict[int, datetime] = {}
        self._lock = threading.Lock()

    def note(self, token_id: int, stored: datetime | None, now: datetime) -> None:
        with self._lock:
            recorded = max((t for t in (stored, self._recorded.get(token_id)) if t is not None), default=None)
            if recorded is not None and now - recorded < self.interval:
                return
            self._pending[token_id] = now
            self._recorded[token_id] = now

    def pending(self) -> int:
        with self._lock:
            return len(self._pending)

    def flush(self, database: Database) -> int:
        """Write the noted uses (one transaction); returns how many tokens were touched."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        with database.transaction() as session:
            for token_id, at in sorted(pending.items()):
                repo.touch(session, token_id, at)
        return len(pending)


def resolve_token(session: Session, plaintext: str, usage: TokenUsage | None = None) -> Actor | None:
    """The actor a bearer token stands for, or None if unknown, revoked, expired or its user left.

    The use is noted in ``usage`` (written later, out of band); without one it is written now, in
    the caller's transaction (the CLI and tests).
    """
    if not plaintext.startswith(TOKEN_PREFIX):
        return None
    token = repo.get_by_hash(session, token_hash(plaintext))
    now = utcnow()
    if token is None or token.revoked or (token.expires_at is not None and token.expires_at <= now):
        return None
    user = users_repo.get(session, token.user_id)
    membership = orgs_repo.membership(session, token.organization_id, token.user_id)
    org = orgs_repo.get(session, token.organization_id)
    if user is None or not user.is_active or membership is None or org is None:
        return None
    if usage is not None:
        usage.note(token.id, token.last_used_at, now)
    elif token.last_used_at is None or now - token.last_used_at > TOUCH_INTERVAL:
        repo.touch(session, token.id, now)
    return Actor(
        user_id=user.id,
        org_id=org.id,
        org_slug=org.slug,
        role=Role(membership.role),
        via="token",
        scopes=tuple(token.scopes),
        email=user.email,
    )


def list_tokens(session: Session, actor: Actor) -> list[TokenOut]:
    actor.require(Permission.MANAGE_TOKENS)
    return [TokenOut.model_validate(token) for token in repo.list_for_org(session, actor.org_id)]


def revoke_token(session: Session, actor: Actor, token_id: int) -> None:
    actor.require(Permission.MANAGE_TOKENS)
    token = repo.get(session, actor.org_id, token_id)
    if token is None:
        raise NotFound(f"token {token_id} not found")
    before = _describe(token)
    token.revoked = True
    session.flush()
    audit.append(session, actor, "token.revoke", "api_token", token.id, before, _describe(token))
