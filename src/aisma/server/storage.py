"""Where evidence bytes live: a local folder (the default) or S3-compatible object storage.

``AISMA_EVIDENCE_URL=s3://bucket/prefix`` keeps the files in a bucket that every server and worker
machine reaches (AWS S3, MinIO, Ceph, ...); boto3 reads its endpoint and credentials the usual way
(``AWS_ENDPOINT_URL``, ``AWS_ACCESS_KEY_ID``, ``AWS_SECRET_ACCESS_KEY``, ``AWS_REGION``, or a role).
Without it, files go under ``AISMA_EVIDENCE_DIR`` (default ``<data_dir>/evidence``), which several
machines would have to share themselves.

Objects are content-addressed (``<organization id>/<sha256[:2]>/<sha256>``): written once, complete
before the database row that names them is committed, never changed.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, Protocol
from urllib.parse import urlsplit

from aisma.errors import AismaError

CHUNK = 1 << 20


class EvidenceStore(Protocol):
    def temp_dir(self) -> Path:
        """Where an upload is spooled (and hashed) before it is stored."""
        ...

    def put(self, spooled: Path, relative: str) -> None:
        """Store the complete file ``spooled`` under ``relative`` (moving or uploading it)."""
        ...

    def exists(self, relative: str) -> bool: ...

    def chunks(self, relative: str) -> Iterator[bytes]:
        """The stored bytes, a block at a time."""
        ...

    def local_path(self, relative: str) -> Path | None:
        """The file on this machine, when there is one (the local store), else None."""
        ...


class LocalStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def temp_dir(self) -> Path:
        path = self.root / "tmp"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def put(self, spooled: Path, relative: str) -> None:
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(spooled, target)

    def exists(self, relative: str) -> bool:
        return (self.root / relative).is_file()

    def chunks(self, relative: str) -> Iterator[bytes]:
        with (self.root / relative).open("rb") as handle:
            while block := handle.read(CHUNK):
                yield block

    def local_path(self, relative: str) -> Path | None:
        return self.root / relative


class S3Store:
    def __init__(self, url: str, client: Any = None) -> None:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise AismaError(f"AISMA_EVIDENCE_URL {url!r}: expected s3://bucket or s3://bucket/prefix")
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        if client is None:
            try:
                boto3 = importlib.import_module("boto3")
            except ImportError:
                raise AismaError("AISMA_EVIDENCE_URL=s3://... needs boto3: pip install 'aisma[aws]'") from None
            client = boto3.client("s3")
        self.client = client
        self._client_error: type[Exception] = importlib.import_module("botocore.exceptions").ClientError

    def _key(self, relative: str) -> str:
        return f"{self.prefix}/{relative}" if self.prefix else relative

    def temp_dir(self) -> Path:
        import tempfile

        return Path(tempfile.gettempdir())

    def put(self, spooled: Path, relative: str) -> None:
        try:
            with spooled.open("rb") as handle:
                self.client.upload_fileobj(handle, self.bucket, self._key(relative))
        finally:
            spooled.unlink(missing_ok=True)

    def exists(self, relative: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(relative))
        except self._client_error:
            return False
        return True

    def chunks(self, relative: str) -> Iterator[bytes]:
        body = self.client.get_object(Bucket=self.bucket, Key=self._key(relative))["Body"]
        try:
            yield from body.iter_chunks(CHUNK)
        finally:
            body.close()

    def local_path(self, relative: str) -> Path | None:
        return None


def store_for(evidence_dir: Path, evidence_url: str | None) -> EvidenceStore:
    """The configured store: S3 when ``evidence_url`` is set, else the local folder."""
    if evidence_url:
        return S3Store(evidence_url)
    return LocalStore(evidence_dir)


def as_store(where: Path | EvidenceStore) -> EvidenceStore:
    """A folder given where a store is expected (the CLI, tests) is the local store on it."""
    return LocalStore(where) if isinstance(where, Path) else where


def copy_out(store: EvidenceStore, relative: str, target: BinaryIO) -> None:
    local = store.local_path(relative)
    if local is not None:
        with local.open("rb") as handle:
            shutil.copyfileobj(handle, target, CHUNK)
        return
    for block in store.chunks(relative):
        target.write(block)
