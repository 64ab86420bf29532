"""API test fixtures: the real app on the migrated test database (SQLite and PostgreSQL), in-process.

Tokens are made through the tokens service; a token acts with its user's role, so
``token_for(org, Role.VIEWER)`` is a read-only caller for the role checks.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from aisma.server.auth import Actor, Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.app import create_app
from aisma.web.features.admin import service as tokens

from ..factories import PASSWORD, OrgWithMembers

UPLOAD_LIMIT = 64 * 1024
ALL_SCOPES = ("read", "write", "push", "admin")


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> ServerSettings:
    return ServerSettings(
        data_dir=tmp_path / "data",
        database_url=database_url,
        secret_key="test-secret-key",
        max_upload_bytes=UPLOAD_LIMIT,
    )


@pytest.fixture
def app(settings: ServerSettings) -> FastAPI:
    return create_app(settings)


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture
def token_for(database: Database):  # type: ignore[no-untyped-def]
    """Factory: a bearer token of ``org``'s member in ``role`` with ``scopes``; returns auth headers."""

    def _make(org: OrgWithMembers, role: Role = Role.OWNER, scopes: tuple[str, ...] = ALL_SCOPES) -> dict[str, str]:
        member = org.actors[role]
        # The service lets owners make tokens; the token then acts with its user's own role.
        issuer = Actor(member.user_id, member.org_id, member.org_slug, Role.OWNER, "session", (), member.email)
        with database.transaction() as session:
            _row, plaintext = tokens.create_token(session, issuer, f"{role.value} token", list(scopes), None)
        return {"Authorization": f"Bearer {plaintext}"}

    return _make


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Sign in through the login form; returns the session's CSRF token (for X-CSRF-Token)."""
    form = client.get("/login")
    assert form.status_code == 200
    login_csrf = client.cookies.get("aisma_login_csrf")
    assert login_csrf
    answer = client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": login_csrf, "next": "/"},
        follow_redirects=False,
    )
    assert answer.status_code == 303, answer.text
    me = client.get("/api/v1/me")
    assert me.status_code == 200
    csrf: str = me.json()["csrf_token"]
    return csrf


def json_of(response: Any) -> Any:
    assert response.headers["content-type"].startswith("application/json"), response.text
    return response.json()


@pytest.fixture
def live_server(app: FastAPI) -> Iterator[str]:
    """The app under a real uvicorn on a free loopback port, in a thread; yields its base URL.

    The test binds the port and hands uvicorn the socket, so a parallel worker can never take it.
    """
    import socket
    import threading
    import time

    import uvicorn

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    port = listening.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 300  # generous: only a broken server waits this long
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=120)
    listening.close()


def assessed(client: TestClient, org: str, headers: dict[str, str] | None = None, body: Any = None) -> int:
    """Run an assessment through the API (202 and a job) and wait for the job; returns the assessment id."""
    return int(
        finished_job(client, client.post(f"/api/v1/orgs/{org}/assessments", headers=headers, json=body or {}), headers)[
            "assessment_id"
        ]
    )


def finished_job(client: TestClient, accepted: Any, headers: dict[str, str] | None = None) -> dict[str, Any]:
    """The result of the job a 202 answer names, once the server's worker has run it."""
    import time

    assert accepted.status_code == 202, accepted.text
    location = accepted.headers["location"]
    deadline = time.monotonic() + 600  # generous: only a stuck worker ends here
    while True:
        job = client.get(location, headers=headers).json()
        if job["status"] in ("succeeded", "failed"):
            break
        assert time.monotonic() < deadline, f"job still {job['status']}: {job}"
        time.sleep(0.05)
    assert job["status"] == "succeeded", job
    result: dict[str, Any] = job["result"]
    return result
