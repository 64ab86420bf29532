"""The audit trail: every change appended with who, when, what, before and after, hash-chained.

Each organization's entries form one chain (server-wide events: chain 0). Each row's ``hash`` is
sha256 over the previous row's hash and the canonical JSON of the row's own fields, so changing any
field of any row, or deleting a row, breaks the chain at that row. Deleting the newest rows leaves a
shorter chain that is still consistent: the chain's head (``audit_heads``, outside the audit table)
says how far the chain reached, and is signed with the server's secret key (HMAC), so it cannot be
moved back to match. ``aisma audit verify`` checks both; ``--checkpoint FILE`` also keeps the heads
in a file of the administrator's, which catches even a rollback of the whole database.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.store.repositories import audit as repo
from aisma.store.repositories.audit import GENESIS, LEGACY_CHAIN, SYSTEM_CHAIN, AuditFilter
from aisma.store.tables import AuditEntry
from aisma.store.types import utcnow
from aisma.web.features.audit.schemas import AuditOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows

__all__ = ["GENESIS", "LEGACY_CHAIN", "SYSTEM_CHAIN", "AuditFilter"]
SIGNING_KEY = "aisma_signing_key"  # where a Database puts its key in each session's info


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical_json(fields)).encode("utf-8")).hexdigest()


def sign(key: str, chain: int, seq: int, head_hash: str) -> str:
    """The checkpoint's HMAC-SHA256 under the server key."""
    return hmac.new(key.encode(), f"aisma-audit:{chain}:{seq}:{head_hash}".encode(), hashlib.sha256).hexdigest()


def _fields(entry: AuditEntry) -> dict[str, Any]:
    fields = {
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
    if entry.chain != LEGACY_CHAIN:  # legacy rows were hashed before chains existed
        fields["chain"] = entry.chain
    return fields


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
    """Append one entry to its organization's chain; call it last in a service (the chain stays locked
    until the transaction ends, and only appends to the same organization wait for it)."""
    if isinstance(actor, Actor):
        label = actor.label
        org_id = actor.org_id if org_id is None else org_id
    else:
        label = actor
    chain = org_id if org_id is not None else SYSTEM_CHAIN
    head = repo.lock_chain(session, chain)
    entry = AuditEntry(
        chain=chain,
        seq=head.seq + 1,
        organization_id=org_id,
        actor=label,
        at=(at or utcnow()).astimezone(UTC),
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        # Stored as they will be read back, so the hash is over exactly what the database holds.
        before=json.loads(canonical_json(before)) if before is not None else None,
        after=json.loads(canonical_json(after)) if after is not None else None,
        prev_hash=head.hash,
    )
    entry.hash = entry_hash(entry.prev_hash, _fields(entry))
    repo.add(session, entry)
    head.seq, head.hash, head.updated_at = entry.seq, entry.hash, utcnow()
    head.signature = sign(str(session.info.get(SIGNING_KEY, "")), chain, entry.seq, entry.hash)
    session.flush()
    return entry


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    checked: int
    problem: str = ""
    seq: int | None = None
    head: str = GENESIS  # the newest row's hash: record it elsewhere to detect a truncated tail later
    chains: int = 0
    heads: dict[int, tuple[int, str]] | None = None  # chain -> (seq, hash) of its last row


def _label(chain: int) -> str:
    return {SYSTEM_CHAIN: "server-wide chain", LEGACY_CHAIN: "legacy chain"}.get(
        chain, f"chain of organization {chain}"
    )


def _verify_chain(session: Session, chain: int, key: str | None) -> tuple[int, str, int | None, int, str]:
    """(rows checked, problem, seq of the problem, last seq, last hash) for one chain."""
    prev_hash, expected, checked = GENESIS, 1, 0
    where = _label(chain)
    for entry in repo.iterate(session, chain):
        if entry.seq != expected:
            missing = f"{expected}" if entry.seq == expected + 1 else f"{expected}-{entry.seq - 1}"
            return checked, f"{where}: audit row seq {missing} is missing (deleted)", expected, expected - 1, prev_hash
        if entry.prev_hash != prev_hash:
            problem = f"{where}: audit row seq {entry.seq}: prev_hash does not match row {entry.seq - 1}"
            return checked, problem, entry.seq, expected - 1, prev_hash
        if entry_hash(prev_hash, _fields(entry)) != entry.hash:
            return (
                checked,
                f"{where}: audit row seq {entry.seq} was changed (its hash does not match)",
                entry.seq,
                0,
                "",
            )
        prev_hash = entry.hash
        expected += 1
        checked += 1
    last = expected - 1
    head = repo.head(session, chain)
    if chain == LEGACY_CHAIN:
        return checked, "", None, last, prev_hash
    if head is None:
        if checked:
            return checked, f"{where}: its signed checkpoint (audit_heads) is gone", None, last, prev_hash
        return checked, "", None, last, prev_hash
    if key is not None and not hmac.compare_digest(head.signature, sign(key, chain, head.seq, head.hash)):
        return (
            checked,
            f"{where}: the checkpoint is not signed by this server's key (it was changed)",
            head.seq,
            last,
            prev_hash,
        )
    if head.seq > last:
        problem = (
            f"{where}: rows after seq {last} were deleted (the signed checkpoint says the chain reached {head.seq})"
        )
        return checked, problem, last + 1, last, prev_hash
    if head.seq < last or head.hash != prev_hash:
        return checked, f"{where}: rows after seq {head.seq} were not written by aisma", head.seq + 1, last, prev_hash
    return checked, "", None, last, prev_hash


def verify(
    session: Session, anchor: str | None = None, checkpoint: dict[int, tuple[int, str]] | None = None
) -> VerifyReport:
    """Walk every chain in order; name the first row that was changed, or the place rows are missing.

    The chain heads are checked against their signature (when the session's database has the server
    key) and against the chain; ``anchor`` (a hash printed by an earlier verify) must still be in the
    log; ``checkpoint`` (heads from an earlier verify, kept by the administrator) must still be reached.
    """
    key = session.info.get(SIGNING_KEY)
    total = 0
    heads: dict[int, tuple[int, str]] = {}
    all_chains = repo.chains(session)
    for chain in all_chains:
        checked, problem, seq, last, last_hash = _verify_chain(session, chain, None if key is None else str(key))
        total += checked
        if problem:
            return VerifyReport(False, total, problem, seq, chains=len(all_chains))
        heads[chain] = (last, last_hash)
    for chain, (seq, expected_hash) in sorted((checkpoint or {}).items()):
        reached = heads.get(chain, (0, GENESIS))
        if reached[0] < seq:
            problem = f"{_label(chain)}: rows after seq {reached[0]} were deleted (the checkpoint file says {seq})"
            return VerifyReport(False, total, problem, reached[0] + 1, chains=len(all_chains))
        row = next((e for e in repo.iterate(session, chain) if e.seq == seq), None)
        if row is None or row.hash != expected_hash:
            return VerifyReport(False, total, f"{_label(chain)}: row seq {seq} differs from the checkpoint file", seq)
    newest = repo.newest(session)
    head_hash = newest.hash if newest is not None else GENESIS
    if (
        anchor is not None
        and anchor != GENESIS
        and not any(entry.hash == anchor for chain in all_chains for entry in repo.iterate(session, chain))
    ):
        problem = f"the anchored row {anchor} is gone: newer rows were deleted"
        return VerifyReport(False, total, problem, None, head_hash, len(all_chains))
    return VerifyReport(True, total, head=head_hash, chains=len(all_chains), heads=heads)


def audit_page(session: Session, actor: Actor, page: PageRequest, where: AuditFilter | None = None) -> Page[AuditOut]:
    """One page of the organization's trail (filtered), newest first (keyset on the row id), with its total."""
    actor.require(Permission.READ)
    key = checked_key(page, int)
    rows = repo.for_org(session, actor.org_id, page.limit + 1, key[0] if key else None, where)
    found = from_rows(rows, page.limit, lambda entry: (entry.id,))
    items = [AuditOut.model_validate(entry) for entry in found.items]
    return Page(items, found.next_key, repo.count(session, actor.org_id, where))


def audit_window(session: Session, actor: Actor, where: AuditFilter, offset: int, limit: int | None) -> list[AuditOut]:
    """The entries that match from ``offset`` on, newest first (the audit page and its export)."""
    actor.require(Permission.READ)
    rows = repo.for_org(session, actor.org_id, limit, None, where, offset)
    return [AuditOut.model_validate(entry) for entry in rows]


def audit_count(session: Session, actor: Actor, where: AuditFilter) -> int:
    actor.require(Permission.READ)
    return repo.count(session, actor.org_id, where)


def audit_kinds(session: Session, actor: Actor) -> tuple[list[str], list[str]]:
    actor.require(Permission.READ)
    return repo.kinds(session, actor.org_id)


def recent(session: Session, actor: Actor, limit: int = 100) -> list[AuditOut]:
    """The organization's latest entries, newest first (owners and assessors read the trail)."""
    actor.require(Permission.READ)
    return [AuditOut.model_validate(entry) for entry in repo.for_org(session, actor.org_id, limit)]
