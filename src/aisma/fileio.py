"""Writing files so a failure never leaves half of one behind: write a temporary file, then rename."""

from __future__ import annotations

import hashlib
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from aisma.errors import AismaError


def evidence_files(folder: Path, patterns: tuple[str, ...]) -> list[Path]:
    """The files under ``folder`` (recursively) matching any pattern, sorted for reproducible results."""
    if not folder.is_dir():
        return []
    return sorted({p for pattern in patterns for p in folder.rglob(pattern) if p.is_file()})


def sha256_of(path: Path) -> str:
    """The sha256 of a file, read in 1 MiB blocks so evidence of any size costs constant memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _umask() -> int:
    """The process's umask, read without changing it where the system tells (Linux), else set and restored."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    current = os.umask(0o022)
    os.umask(current)
    return current


def _new_file_mode(target: Path) -> int:
    """An existing file keeps its permissions; a new one gets what ``open()`` would give it (0666 & ~umask)."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except OSError:
        return 0o666 & ~_umask()


@contextmanager
def _write_through(target: Path) -> Iterator[BinaryIO]:
    """Write straight into a device, FIFO or socket (``--out /dev/stdout``, a pipe): there is nothing to rename."""
    try:
        handle = target.open("wb")
    except OSError as exc:
        raise AismaError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with handle:
            yield handle
    except OSError as exc:
        raise AismaError(f"{target}: cannot write ({exc.strerror})") from None


@contextmanager
def atomic_output(path: str | Path) -> Iterator[BinaryIO]:
    """A binary handle on a temporary file beside ``path``, renamed over it only when the block succeeds.

    Readers see the old file or the whole new one, never a half-written one; on any error the temporary
    file is removed and an OS error becomes one line naming the file. What is not ours to replace is
    written through, never renamed over: a symlink is followed (the file it points to is replaced, the
    link stays), a device, FIFO or socket (``/dev/null``, a named pipe) is written into. A new file gets
    the permissions ``open()`` would give it (the umask's); an existing one keeps its own.
    """
    target = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    if target.exists() and not target.is_file() and not target.is_dir():
        with _write_through(target) as handle:
            yield handle
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = _new_file_mode(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise AismaError(f"{target}: cannot write ({exc.strerror})") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fchmod(handle.fileno(), mode)
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise AismaError(f"{target}: cannot write ({exc.strerror})") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text is UTF-8) all or nothing."""
    with atomic_output(path) as handle:
        handle.write(data.encode("utf-8") if isinstance(data, str) else data)
    return Path(path)
