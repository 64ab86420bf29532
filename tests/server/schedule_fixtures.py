"""The gate job of ``job_fixtures`` as a schedule kind ``gate``, for the schedule-and-kill test
(loaded by ``aisma worker`` through AISMA_JOB_MODULES)."""

from __future__ import annotations

from aisma.server import schedules

from . import job_fixtures


def register() -> None:
    job_fixtures.register()
    schedules.register_kind("gate", job_fixtures.NAME)
