"""The audit checkpoint file: each chain's last seq and hash, kept by the administrator outside the database.

``aisma audit verify --checkpoint FILE`` checks the database against the file (every chain must still
reach the seq it names, with the same hash), then rewrites it with the current heads. The file is
signed with the server key when there is one, so a changed file is refused rather than trusted.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from pathlib import Path

from aisma.errors import AismaError
from aisma.fileio import write_atomic

VERSION = "aisma.audit-checkpoint/v1"


def _signature(key: str, chains: dict[str, list[object]]) -> str:
    body = json.dumps(chains, sort_keys=True, separators=(",", ":"))
    return hmac.new(key.encode(), f"{VERSION}:{body}".encode(), hashlib.sha256).hexdigest()


def read(path: Path, key: str | None) -> dict[int, tuple[int, str]] | None:
    """The heads the file names, or None when it does not exist yet (the first run writes it)."""
    if not path.exists():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        chains = data["chains"]
        heads = {int(chain): (int(seq), str(head)) for chain, (seq, head) in chains.items()}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AismaError(f"{path}: not an aisma audit checkpoint ({type(exc).__name__})") from None
    if data.get("schema") != VERSION:
        raise AismaError(f"{path}: not an aisma audit checkpoint (schema {data.get('schema')!r})")
    signature = str(data.get("signature") or "")
    if key is not None and signature and not hmac.compare_digest(signature, _signature(key, chains)):
        raise AismaError(f"{path}: the checkpoint's signature does not match this server's key (the file was changed)")
    return heads


def write(path: Path, heads: dict[int, tuple[int, str]], key: str | None) -> None:
    chains: dict[str, list[object]] = {str(chain): [seq, head] for chain, (seq, head) in sorted(heads.items())}
    data = {"schema": VERSION, "chains": chains, "signature": _signature(key, chains) if key is not None else ""}
    write_atomic(path, json.dumps(data, indent=2) + "\n")
