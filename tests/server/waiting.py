"""Waiting for another thread or process (a job worker, a mail server) without depending on speed."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

PATIENCE = 600  # seconds: generous, only a stuck worker or a broken queue ends a wait this way


def wait_until(condition: Callable[[], Any], what: str) -> None:
    """Poll ``condition`` until it is true; fail naming ``what`` after PATIENCE seconds."""
    deadline = time.monotonic() + PATIENCE
    while not condition():
        assert time.monotonic() < deadline, f"waited {PATIENCE} s for {what}"
        time.sleep(0.05)
