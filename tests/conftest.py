"""Shared fixtures (copies of the small hand-written model and workspace in tests/data/mini) and the
rules every test runs under: no test depends on speed, and under ``CI=true`` no test may skip.

The suite runs in parallel workers (pytest-xdist, ``make test``); anything a test creates outside its
own ``tmp_path`` (a database, a port, a browser) must be unique per worker, see tests/server/conftest.py.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

DATA = Path(__file__).parent / "data"

# Hypothesis' per-example deadline and its too-slow health check are timing asserts: on a loaded machine
# (parallel workers, other jobs) they fail tests whose behaviour is fine. Properties are judged on results.
settings.register_profile("aisma", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("aisma")


@pytest.fixture
def mini(tmp_path: Path) -> Path:
    """A writable copy of tests/data/mini; returns the workspace folder (model.yaml is beside it)."""
    target = tmp_path / "mini"
    shutil.copytree(DATA / "mini", target)
    return target / "ws"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """In CI a skipped test is a failure: a missing database or browser must not pass silently."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true), which counts as a failure: {reason}"


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Catch skips the per-test hook cannot see (a whole module skipped at collection)."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if os.environ.get("CI") == "true" and reporter is not None and reporter.stats.get("skipped"):
        reporter.write_line("CI=true: skipped tests count as failures (see the skip reasons above)", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
