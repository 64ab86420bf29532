"""Evidence files: streamed to disk with a size limit, stored by sha256, recorded per organization.

Bytes go to ``<evidence_dir>/<org id>/<sha256[:2]>/<sha256>``: written to a temporary file while
hashing, then renamed, so a file on disk is always complete and identical content is kept once.
The record's ``filename`` is the path a workspace would use under ``evidence/``, which is what
answers cite (``evidence/<filename>``) and what export writes back.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Permission
from aisma.server.errors import Conflict, Invalid, NotFound, TooLarge
from aisma.server.storage import EvidenceStore, as_store
from aisma.store.repositories import evidence as repo
from aisma.store.tables import EvidenceFile
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.evidence.schemas import EvidenceOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows

CHUNK = 1 << 20
MAX_FILENAME = 500


def _record(row: EvidenceFile) -> EvidenceOut:
    return EvidenceOut(
        id=row.id,
        filename=row.filename,
        sha256=row.sha256,
        size=row.size,
        uploaded_by=row.uploaded_by,
        uploaded_at=row.uploaded_at,
    )


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
) -> EvidenceOut:
    """Store an upload under ``filename`` (a new version replaces the record; old bytes stay on disk)."""
    actor.require(Permission.UPLOAD_EVIDENCE)
    name = clean_filename(filename)
    sha256, size, relative = _write_blob(evidence_dir, actor.org_id, fileobj, max_bytes)
    for _attempt in range(2):  # a concurrent first upload of the same name: the second becomes an update
        row = repo.get_by_filename(session, actor.org_id, name)
        before = None
        if row is None:
            row = EvidenceFile(organization_id=actor.org_id, filename=name)
        else:
            before = {"filename": name, "sha256": row.sha256, "size": row.size}
        row.sha256, row.size, row.storage_path = sha256, size, relative
        row.uploaded_by, row.uploaded_at = actor.label, utcnow()
        if repo.save(session, row):
            break
    else:
        raise Conflict(f"evidence {name} is being uploaded by someone else; try again")
    audit.append(
        session, actor, "evidence.store", "evidence", name, before, {"filename": name, "sha256": sha256, "size": size}
    )
    return _record(row)


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
    row = repo.get(session, actor.org_id, evidence_id)
    if row is None:
        raise NotFound(f"evidence {evidence_id} not found")
    return _record(row)


def evidence_path(session: Session, actor: Actor, evidence_dir: Path, evidence_id: int) -> tuple[EvidenceOut, Path]:
    """The record and where its bytes are on this machine (the local store), for a download."""
    record, relative = evidence_object(session, actor, evidence_id)
    return record, evidence_dir / relative


def evidence_object(session: Session, actor: Actor, evidence_id: int) -> tuple[EvidenceOut, str]:
    """The record and its object's name in the evidence store, for a download."""
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, evidence_id)
    if row is None:
        raise NotFound(f"evidence {evidence_id} not found")
    return _record(row), row.storage_path


def resolve_refs(session: Session, org_id: int) -> dict[str, EvidenceOut]:
    """Every way an answer can cite a stored file: ``evidence/<filename>`` and ``sha256:<hex>``."""
    refs: dict[str, EvidenceOut] = {}
    for row in repo.list_for_org(session, org_id):
        record = _record(row)
        refs[record.ref] = record
        refs.setdefault(f"sha256:{record.sha256}", record)
    return refs
