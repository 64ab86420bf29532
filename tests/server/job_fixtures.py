"""A job handler for the queue tests, loaded by ``aisma worker`` through AISMA_JOB_MODULES.

``test.gate`` writes ``started-<attempt>`` (with its pid) into the folder its arguments name, waits
until the test creates ``release`` there, then finishes and appends one line to ``completed``: a
test can kill the worker that holds it at a moment it chooses, with no timing guesses.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from aisma.server import jobs
from aisma.server.jobs import JobContext

NAME = "test.gate"


def gate(context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    folder = Path(args["folder"])
    (folder / f"started-{context.attempt}").write_text(str(os.getpid()))
    while not (folder / "release").exists():
        time.sleep(0.05)
    with context.database.transaction() as session:
        context.finish(session, {"attempt": context.attempt, "pid": os.getpid()})
    with (folder / "completed").open("a") as handle:  # after the commit: a run that counts
        handle.write(f"{context.attempt}\n")
    return {"attempt": context.attempt}


def register() -> None:
    jobs.register(NAME, gate, max_attempts=3)
