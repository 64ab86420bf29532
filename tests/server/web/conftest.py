"""A real server and a real browser for the UI tests.

``live_server`` migrates a fresh SQLite database, creates the first admin as a first start does, and
runs uvicorn serving ``create_app`` in a subprocess on a random free port of 127.0.0.1. ``browser`` is Debian's chromium
driven by Playwright; it is never downloaded. Without chromium or Playwright the tests skip locally
and ERROR under CI=true.

Safe under parallel workers: the test process binds the port itself and hands the listening socket to
the server (no window in which another worker's server could take the port), and each worker
launches its own chromium. Waits are generous (a loaded machine is slow, never wrong).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from prerequisites import missing

CHROMIUM = os.environ.get("AISMA_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ADMIN_EMAIL = "owner@example.test"
ADMIN_PASSWORD = "correct horse battery staple 42"


PATIENCE_SECONDS = 300  # only a broken server or browser waits this long
PATIENCE_MS = PATIENCE_SECONDS * 1000


def listening_socket() -> socket.socket:
    """A socket bound to a free loopback port and listening: the port is ours until it is closed."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(128)
    return sock


@dataclass(frozen=True)
class LiveServer:
    url: str
    data_dir: Path
    email: str
    password: str


SERVE = """
import socket, sys, uvicorn
from aisma.server.settings import ServerSettings
from aisma.web.app import create_app
listening = socket.socket(fileno=int(sys.argv[1]))
uvicorn.Server(uvicorn.Config(create_app(ServerSettings()), log_level="warning")).run(sockets=[listening])
"""


def prepare_database(data_dir: Path, database_url: str | None) -> None:
    """What a first start does: migrate, then create the first admin (owner of organization ``default``)."""
    from aisma.server.settings import ServerSettings
    from aisma.store import migrate
    from aisma.store.db import Database
    from aisma.web.features.organizations import bootstrap

    settings = ServerSettings(data_dir=data_dir, database_url=database_url or "")
    migrate.upgrade(settings.database_url, "head")
    database = Database(settings.database_url)
    try:
        with database.transaction() as session:
            bootstrap.ensure_admin(session, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    finally:
        database.dispose()


def start_server(
    data_dir: Path, database_url: str | None = None, extra_env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """uvicorn serving ``create_app`` in a process of its own; returns it and its base URL once it answers."""
    prepare_database(data_dir, database_url)
    env = {**os.environ, **(extra_env or {}), "AISMA_DATA_DIR": str(data_dir)}
    if database_url:
        env["AISMA_DATABASE_URL"] = database_url
    log = (data_dir / "server.log").open("wb")
    with listening_socket() as sock:
        fd = sock.fileno()
        process = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(fd)], env=env, stdout=log, stderr=subprocess.STDOUT, pass_fds=(fd,)
        )
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    deadline = time.monotonic() + PATIENCE_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: {(data_dir / 'server.log').read_text()}")
        try:
            with urllib.request.urlopen(f"{url}/login", timeout=30) as response:
                if response.status == 200:
                    return process, url
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(
        f"the server did not answer within {PATIENCE_SECONDS} s: {(data_dir / 'server.log').read_text()}"
    )


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    data_dir = tmp_path_factory.mktemp("aisma-data")
    process, url = start_server(data_dir)
    try:
        yield LiveServer(url=url, data_dir=data_dir, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        missing(f"no chromium at {CHROMIUM} (apt-get install chromium, or set AISMA_TEST_CHROMIUM)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        missing("Playwright for Python is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    context.set_default_timeout(PATIENCE_MS)
    context.set_default_navigation_timeout(PATIENCE_MS)
    tab = context.new_page()
    yield tab
    context.close()


@contextmanager
def as_admin(server: LiveServer, org_slug: str = "default") -> Iterator[tuple[Any, Any]]:
    """A write transaction on the live server's database and the admin as an owner of ``org_slug``:
    for a test that sets something up through the services before the browser looks at it."""
    from aisma.server.auth import Actor, Role
    from aisma.server.settings import ServerSettings
    from aisma.store.db import Database
    from aisma.store.repositories import organizations, users

    database = Database(ServerSettings(data_dir=server.data_dir).database_url)
    try:
        with database.transaction() as session:
            org = organizations.get_by_slug(session, org_slug)
            admin = users.get_by_email(session, server.email)
            assert org is not None and admin is not None
            yield session, Actor(admin.id, org.id, org.slug, Role.OWNER, "session", (), admin.email)
    finally:
        database.dispose()


def sign_in(tab: Any, server: LiveServer, email: str | None = None, password: str | None = None) -> str:
    """Sign in through the form (as the first admin unless told); returns the organization's dashboard
    URL the server sent us to."""
    tab.goto(f"{server.url}/login")
    tab.get_by_label("Email").fill(email or server.email)
    tab.get_by_label("Password").fill(password or server.password)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url(f"{server.url}/orgs/**")
    return str(tab.url).split("?")[0]
