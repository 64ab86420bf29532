"""Evidence files: streamed to disk with a size limit, stored by sha256, recorded per organization.

Bytes go to ``<evidence_dir>/<org id>/<sha256[:2]>/<sha256>``: written to a temporary file while
hashing, then renamed, so a file on disk is always complete and identical content is kept once.
The record's ``filename`` is the path a workspace would use under ``evidence/``, which is what
answers cite (``evidence/<filename>``) and what export writes back.

Uploading again under the same name makes a new **revision**: the record then shows the new bytes
(and answers citing the path use them), and every earlier revision stays listed and downloadable
with its hash, size, uploader and time. Each revision has the dates it is in force between
(``effective_on``, ``expires_on`` inclusive): the uploader gives them with the upload or later; a new
revision starts without them, since a renewed document has dates of its own.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import date
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.server.errors import Conflict, Invalid, NotFound, StaleWrite, TooLarge
from aisma.server.storage import EvidenceStore, as_store
from aisma.store.repositories import evidence as repo
from aisma.store.tables import EvidenceFile, EvidenceRevisionRow
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.evidence import expiry
from aisma.web.features.evidence.schemas import EvidenceDates, EvidenceOut, EvidenceRevisionOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows

CHUNK = 1 << 20
MAX_FILENAME = 500


def expired(expires_on: date | None, today: date) -> bool:
    """In force through its ``expires_on`` day; expired from the day after."""
    return expires_on is not None and expires_on < today


def _record(row: EvidenceFile, today: date | None = None) -> EvidenceOut:
    return EvidenceOut(
        id=row.id,
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
        revision=row.revision or 1,
        effective_on=row.effective_on,
        expires_on=row.expires_on,
        expired=expired(row.expires_on, today or utcnow().date()),
    )


def check_dates(effective_on: date | None, expires_on: date | None) -> None:
    if effective_on is not None and expires_on is not None and expires_on < effective_on:
        raise Invalid("expires_on", f"{expires_on} is before the effective date {effective_on}")


def clean_filename(filename: str) -> str:
    """A relative POSIX path without '..', drive letters or control characters (names may contain folders)."""
    name = filename.replace("\\", "/").strip()
    parts = name.split("/")
    bad = (
        not name
        or len(name) > MAX_FILENAME
        or any(part in ("", ".", "..") for part in parts)
        or ":" in parts[0]
        or any(ord(ch) < 32 for ch in name)
    )
    if bad:
        raise Invalid("filename", f"{filename!r} is not a usable file name")
    return name


def _storage_path(org_id: int, sha256: str) -> str:
    return f"{org_id}/{sha256[:2]}/{sha256}"


def _write_blob(where: Path | EvidenceStore, org_id: int, fileobj: BinaryIO, max_bytes: int) -> tuple[str, int, str]:
    """Stream ``fileobj`` to its content-addressed place; returns (sha256, size, storage path)."""
    store = as_store(where)
    tmp_dir = store.temp_dir()
    digest = hashlib.sha256()
    size = 0
    fd, tmp_name = tempfile.mkstemp(dir=tmp_dir, prefix="upload-")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := fileobj.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise TooLarge(max_bytes)
                digest.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha256 = digest.hexdigest()
        relative = _storage_path(org_id, sha256)
        store.put(tmp, relative)
        return sha256, size, relative
    finally:
        tmp.unlink(missing_ok=True)


def store_evidence(
    session: Session,
    actor: Actor,
    evidence_dir: Path | EvidenceStore,
    filename: str,
    fileobj: BinaryIO,
    max_bytes: int,
    *,
    effective_on: date | None = None,
    expires_on: date | None = None,
) -> EvidenceOut:
    """Store an upload under ``filename``: a new file, or a new revision of the file of that name
    (the record then shows it; earlier revisions stay, with their bytes)."""
    actor.require(Permission.UPLOAD_EVIDENCE)
    name = clean_filename(filename)
    check_dates(effective_on, expires_on)
    sha256, size, relative = _write_blob(evidence_dir, actor.org_id, fileobj, max_bytes)
    for _attempt in range(2):  # a concurrent first upload of the same name: the second becomes an update
        row = repo.get_by_filename(session, actor.org_id, name, lock=True)
        before = None
        if row is None:
            row = EvidenceFile(organization_id=actor.org_id, filename=name, revision=1)
        else:
            before = {"filename": name, "sha256": row.sha256, "size": row.size, "revision": row.revision}
            row.revision = (row.revision or 1) + 1
        row.sha256, row.size, row.storage_path = sha256, size, relative
        row.uploaded_by, row.uploaded_at = actor.label, utcnow()
        row.effective_on, row.expires_on, row.reminded = effective_on, expires_on, ""
        if repo.save(session, row):
            break
    else:
        raise Conflict(f"evidence {name} is being uploaded by someone else; try again")
    revision = EvidenceRevisionRow(
        organization_id=actor.org_id, evidence_id=row.id, revision=row.revision, sha256=sha256, size=size,
        storage_path=relative, uploaded_by=row.uploaded_by, uploaded_at=row.uploaded_at,
        effective_on=effective_on, expires_on=expires_on,
    )  # fmt: skip
    if not repo.add_revision(session, revision):
        raise Conflict(f"evidence {name} is being uploaded by someone else; try again")
    after = {"filename": name, "sha256": sha256, "size": size, "revision": row.revision}
    after.update(_dates(effective_on, expires_on))
    audit.append(session, actor, "evidence.store", "evidence", name, before, after)
    if expires_on is not None:
        _remind_daily(session, actor)
    return _record(row)


def _remind_daily(session: Session, actor: Actor) -> None:
    """Expiry dates are reminded of by a daily job: the first date set creates its schedule."""
    if actor.user_id:
        expiry.ensure_schedule(session, actor)


def _dates(effective_on: date | None, expires_on: date | None) -> dict[str, str | None]:
    return {
        "effective_on": effective_on.isoformat() if effective_on else None,
        "expires_on": expires_on.isoformat() if expires_on else None,
    }


def set_dates(session: Session, actor: Actor, evidence_id: int, body: EvidenceDates) -> EvidenceOut:
    """Set the current revision's effective and expiry dates (whoever may upload evidence); audited.
    Naming the revision seen keeps a date meant for one document off the next one uploaded meanwhile."""
    actor.require(Permission.UPLOAD_EVIDENCE)
    check_dates(body.effective_on, body.expires_on)
    row = _row(session, actor, evidence_id)
    if row.revision != body.revision:
        raise StaleWrite(
            _record(row), f"evidence {row.filename} is at revision {row.revision} now, not {body.revision}"
        )
    before = _dates(row.effective_on, row.expires_on)
    if row.expires_on != body.expires_on:
        row.reminded = ""
    row.effective_on, row.expires_on = body.effective_on, body.expires_on
    current = repo.revision(session, actor.org_id, row.id, row.revision)
    if current is not None:
        current.effective_on, current.expires_on = body.effective_on, body.expires_on
    session.flush()
    if body.expires_on is not None:
        _remind_daily(session, actor)
    audit.append(
        session, actor, "evidence.dates", "evidence", row.filename,
        {"revision": row.revision, **before}, {"revision": row.revision, **_dates(row.effective_on, row.expires_on)},
    )  # fmt: skip
    return _record(row)


def _row(session: Session, actor: Actor, evidence_id: int) -> EvidenceFile:
    row = repo.get(session, actor.org_id, evidence_id)
    if row is None:
        raise NotFound(f"evidence {evidence_id} not found")
    return row


def list_revisions(session: Session, actor: Actor, evidence_id: int) -> list[EvidenceRevisionOut]:
    """Every revision of one file, newest first."""
    actor.require(Permission.READ)
    row = _row(session, actor, evidence_id)
    return [
        EvidenceRevisionOut(
            revision=r.revision,
            sha256=r.sha256,
            size=r.size,
            uploaded_by=r.uploaded_by,
            uploaded_at=r.uploaded_at,
            effective_on=r.effective_on,
            expires_on=r.expires_on,
            current=r.revision == row.revision,
        )
        for r in reversed(repo.revisions(session, actor.org_id, row.id))
    ]


def revision_object(session: Session, actor: Actor, evidence_id: int, number: int) -> tuple[EvidenceOut, str, int]:
    """The file's record, one revision's object in the evidence store and its size, for a download."""
    actor.require(Permission.READ)
    row = _row(session, actor, evidence_id)
    found = repo.revision(session, actor.org_id, row.id, number)
    if found is None:
        raise NotFound(f"evidence {evidence_id} has no revision {number}")
    return _record(row), found.storage_path, found.size


def list_evidence(session: Session, actor: Actor) -> list[EvidenceOut]:
    actor.require(Permission.READ)
    return [_record(row) for row in repo.list_for_org(session, actor.org_id)]


def evidence_page(session: Session, actor: Actor, page: PageRequest) -> Page[EvidenceOut]:
    actor.require(Permission.READ)
    rows = repo.page(session, actor.org_id, checked_key(page, str), page.limit)
    found = from_rows(rows, page.limit, lambda row: (row.filename,))
    return Page([_record(row) for row in found.items], found.next_key, repo.count(session, actor.org_id))


def get_evidence(session: Session, actor: Actor, evidence_id: int) -> EvidenceOut:
    actor.require(Permission.READ)
    return _record(_row(session, actor, evidence_id))


def evidence_path(session: Session, actor: Actor, evidence_dir: Path, evidence_id: int) -> tuple[EvidenceOut, Path]:
    """The record and where its bytes are on this machine (the local store), for a download."""
    record, relative = evidence_object(session, actor, evidence_id)
    return record, evidence_dir / relative


def evidence_object(session: Session, actor: Actor, evidence_id: int) -> tuple[EvidenceOut, str]:
    """The record and its object's name in the evidence store, for a download."""
    actor.require(Permission.READ)
    row = _row(session, actor, evidence_id)
    return _record(row), row.storage_path


def resolve_refs(session: Session, org_id: int, today: date | None = None) -> dict[str, EvidenceOut]:
    """Every way an answer can cite a stored file: ``evidence/<filename>`` and ``sha256:<hex>`` (with
    ``expired`` as of ``today``, default today UTC)."""
    today = today or utcnow().date()
    refs: dict[str, EvidenceOut] = {}
    files: dict[int, EvidenceOut] = {}
    for row in repo.list_for_org(session, org_id):
        record = files[row.id] = _record(row, today)
        refs[record.ref] = record
        refs.setdefault(f"sha256:{record.sha256}", record)
    for rev in repo.all_revisions(session, org_id):  # an earlier revision cited by its hash: its own dates
        current = files.get(rev.evidence_id)
        if current is not None and f"sha256:{rev.sha256}" not in refs:
            refs[f"sha256:{rev.sha256}"] = current.model_copy(
                update={
                    "sha256": rev.sha256, "size": rev.size, "revision": rev.revision,
                    "uploaded_by": rev.uploaded_by, "uploaded_at": rev.uploaded_at,
                    "effective_on": rev.effective_on, "expires_on": rev.expires_on,
                    "expired": expired(rev.expires_on, today),
                }
            )  # fmt: skip
    return refs
