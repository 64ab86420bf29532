"""The atomic writer never replaces what it does not own, and new files get the usual permissions."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.examples import write_example
from aisma.fileio import write_atomic


def test_dev_null_stays_a_device() -> None:
    write_atomic("/dev/null", "report\n")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_a_fifo_is_written_into(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join()
    assert received == [b"through the pipe\n"] and stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_a_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.md"
    real.write_text("old")
    link = tmp_path / "link.md"
    link.symlink_to(real)
    write_atomic(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize(("umask", "expected"), [(0o022, 0o644), (0o027, 0o640), (0o077, 0o600)])
def test_a_new_file_gets_the_umask_permissions(tmp_path: Path, umask: int, expected: int) -> None:
    previous = os.umask(umask)
    try:
        written = write_atomic(tmp_path / "report.md", "x")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(written.stat().st_mode) == expected


def test_an_existing_file_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "secret.md"
    path.write_text("old")
    path.chmod(0o600)
    write_atomic(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and path.read_text() == "new"


def test_assess_out_dev_null(tmp_path: Path) -> None:
    write_example(tmp_path / "ws", overwrite_demo=False)
    assert run(["assess", str(tmp_path / "ws"), "--format", "md", "--out", "/dev/null"]) == 0
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
