"""The audit trail: every change appended with who, when, what, before and after, hash-chained.

Each row's ``hash`` is sha256 over the previous row's hash and the canonical JSON of the row's own
fields, so changing any field of any row, or deleting a row, breaks the chain at that row.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.store.repositories import audit as repo
from aisma.store.tables import AuditEntry
from aisma.store.types import utcnow
from aisma.web.features.audit.schemas import AuditOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows

GENESIS = "0" * 64


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "seq": entry.seq,
        "organization_id": entry.organization_id,
        "actor": entry.actor,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "action": entry.action,
        "entity": entry.entity,
        "entity_id": entry.entity_id,
        "before": entry.before,
        "after": entry.after,
    }


def append(
    session: Session,
    actor: Actor | str,
    action: str,
    entity: str,
    entity_id: str | int,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    org_id: int | None = None,
    at: datetime | None = None,
) -> AuditEntry:
    """Append one entry; call it last in a service so the chain lock is held as briefly as possible."""
    if isinstance(actor, Actor):
        label = actor.label
        org_id = actor.org_id if org_id is None else org_id
    else:
        label = actor
    repo.lock_chain(session)
    previous = repo.last(session)
    entry = AuditEntry(
        seq=(previous.seq + 1) if previous else 1,
        organization_id=org_id,
        actor=label,
        at=(at or utcnow()).astimezone(UTC),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        # Stored as they will be read back, so the hash is over exactly what the database holds.
        before=json.loads(canonical_json(before)) if before is not None else None,
        after=json.loads(canonical_json(after)) if after is not None else None,
        prev_hash=previous.hash if previous else GENESIS,
    )
    entry.hash = entry_hash(entry.prev_hash, _fields(entry))
    return repo.add(session, entry)


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    head: str = GENESIS  # the last row's hash: record it elsewhere to detect a truncated tail later


def verify(session: Session, anchor: str | None = None) -> VerifyReport:
    """Walk the chain in order; name the first row that was changed, or the place a row is missing.

    Deleting the newest rows leaves a shorter chain that is still consistent; ``anchor`` (a head
    hash printed by an earlier verify and kept outside the database) catches that: it must still
    be in the chain.
    """
    prev_hash = GENESIS
    expected_seq = 1
    checked = 0
    anchor_seen = anchor is None or anchor == GENESIS
    for entry in repo.iterate(session):
        if entry.seq != expected_seq:
            missing = f"{expected_seq}" if entry.seq == expected_seq + 1 else f"{expected_seq}-{entry.seq - 1}"
            problem = f"audit row seq {missing} is missing (deleted)"
            return VerifyReport(False, checked, problem, expected_seq, prev_hash)
        if entry.prev_hash != prev_hash:
            return VerifyReport(
                False, checked, f"audit row seq {entry.seq}: prev_hash does not match row {entry.seq - 1}", entry.seq
            )
        if entry_hash(prev_hash, _fields(entry)) != entry.hash:
            return VerifyReport(
                False, checked, f"audit row seq {entry.seq} was changed (its hash does not match)", entry.seq
            )
        prev_hash = entry.hash
        anchor_seen = anchor_seen or entry.hash == anchor
        expected_seq += 1
        checked += 1
    if not anchor_seen:
        problem = f"the anchored row {anchor} is gone: rows after seq {expected_seq - 1} were deleted"
        return VerifyReport(False, checked, problem, expected_seq, prev_hash)
    return VerifyReport(True, checked, head=prev_hash)


def audit_page(session: Session, actor: Actor, page: PageRequest) -> Page[AuditOut]:
    """One page of the organization's trail, newest first (keyset on seq)."""
    actor.require(Permission.READ)
    key = checked_key(page, int)
    rows = repo.for_org(session, actor.org_id, page.limit + 1, int(key[0]) if key else None)
    found = from_rows(rows, page.limit, lambda entry: (entry.seq,))
    return Page([AuditOut.model_validate(entry) for entry in found.items], found.next_key)


def recent(session: Session, actor: Actor, limit: int = 100) -> list[AuditOut]:
    """The organization's latest entries, newest first (owners and assessors read the trail)."""
    actor.require(Permission.READ)
    return [AuditOut.model_validate(entry) for entry in repo.for_org(session, actor.org_id, limit)]
