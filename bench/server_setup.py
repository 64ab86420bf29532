"""The organization and the server processes of ``bench/server.py`` (seeding works on this version of
aisma and on the previous release: the services moved between them)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

POSTGRES_ADMIN_URL = os.environ.get("AISMA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ORG_SLUG = "bench"
COUNTERS = 10  # shared counters (answer notes), each incremented by a tenth of the users
TRACKS = ("build", "platform", "copilot", "coding_tool")
DEPLOYMENTS = ("self_hosted", "paas", "api_saas")
OWNER = ("owner@bench.example", "bench owner password 1")


def services() -> Any:
    """The service modules of the installed aisma, wherever this version keeps them."""
    import types

    try:
        from aisma.web.features.admin import service as tokens
        from aisma.web.features.answers import service as answers
        from aisma.web.features.assessments import service as assessments
        from aisma.web.features.inventory import service as inventory
        from aisma.web.features.organizations import service as accounts
        from aisma.web.features.signin import service as sessions
    except ImportError:  # the previous release
        from aisma.server.services import (  # type: ignore[no-redef]
            accounts,
            answers,
            assessments,
            inventory,
            sessions,
            tokens,
        )
    return types.SimpleNamespace(
        tokens=tokens,
        answers=answers,
        assessments=assessments,
        inventory=inventory,
        accounts=accounts,
        sessions=sessions,
    )


def system_document(i: int) -> dict[str, Any]:
    agentic = i % 7 == 0
    return {
        "id": f"sys-{i:05d}",
        "name": f"AI system {i}",
        "owner": f"user{i % 100:03d}@bench.example",
        "track": TRACKS[i % len(TRACKS)],
        "deployment_type": DEPLOYMENTS[i % len(DEPLOYMENTS)],
        "environment": "production" if i % 5 else "pilot",
        "autonomy_test": {
            "chooses_actions": agentic,
            "side_effects": agentic,
            "multi_step_unapproved": agentic and i % 2 == 0,
            "own_identity": agentic,
            "untrusted_input": i % 3 == 0,
            "acts_on_agent_output": False,
        },
        "mcp_servers": ["github"] if i % 11 == 0 else [],
    }


def seed(database_url: str, users: int, systems: int, months: int) -> dict[str, Any]:
    """Organization, users (even: a login session; odd: an API token), systems, answers, monthly history."""
    from aisma.server.auth import Actor, Role
    from aisma.store import migrate
    from aisma.store.db import Database

    s = services()
    started = time.perf_counter()
    migrate.upgrade(database_url, "head")
    database = Database(database_url)
    credentials: list[dict[str, str]] = []
    try:
        with database.transaction() as session:
            org = s.accounts.create_organization(session, ORG_SLUG, "Bench Corp")
            owner = s.accounts.create_user(session, OWNER[0], OWNER[1])
            s.accounts.add_member_unchecked(session, org, owner, Role.OWNER)
            for i in range(users):
                user = s.accounts.create_user(session, f"user{i:03d}@bench.example", None)
                s.accounts.add_member_unchecked(session, org, user, Role.ASSESSOR)
                if i % 2 == 0:
                    new = s.sessions.create_session(session, user, 24 * 3600)
                    credentials.append({"kind": "session", "token": new.token, "csrf": new.csrf})
                else:  # a token acting as this assessor (made as an owner would make it)
                    issuer = Actor(user.id, org.id, ORG_SLUG, Role.OWNER, "session", (), user.email)
                    _row, plain = s.tokens.create_token(session, issuer, f"bench {i}", ["read", "write"], None)
                    credentials.append({"kind": "token", "token": plain, "csrf": ""})
        with database.transaction() as session:
            actor = s.accounts.actor_for(session, owner, ORG_SLUG)
            for i in range(systems):
                s.inventory.create_system(session, actor, system_document(i))
            model = s.accounts.get_organization(session, actor).model_id
        from aisma.maturity.loader import resolve_model

        objectives = [o.id for o in resolve_model(model).objectives()]
        words = ("fully", "largely", "partially", "not")
        now = datetime.now(UTC)
        for month in range(months, 0, -1):
            with database.transaction() as session:
                actor = s.accounts.actor_for(session, owner, ORG_SLUG)
                current = {a.objective_id: a for a in s.answers.list_answers(session, actor)}
                for k, objective_id in enumerate(objectives):
                    note = "0" if objective_id in objectives[:COUNTERS] else f"month -{month}"
                    existing = current.get(objective_id)
                    s.answers.save_answer(
                        session,
                        actor,
                        objective_id,
                        words[(k + month) % len(words)],
                        note=note,
                        expected_version=existing.version if existing else None,
                    )
            with database.transaction() as session:
                actor = s.accounts.actor_for(session, owner, ORG_SLUG)
                s.assessments.run_assessment(session, actor, at=now - timedelta(days=30 * (month - 1)))
    finally:
        database.dispose()
    return {"credentials": credentials, "objectives": objectives, "seconds": time.perf_counter() - started}


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    # a session of its own, so a process and its children stop together (see stop)
    return subprocess.Popen(command, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603


def start_server(
    database_url: str, data_dir: Path, workers: int, separate_worker: bool = False, worker_nice: int = 0
) -> tuple[list[subprocess.Popen[bytes]], str]:
    """``aisma serve --workers N`` on a free port (and, for a job queue on PostgreSQL, one ``aisma worker``).

    ``separate_worker`` on SQLite: jobs in an ``aisma worker`` process of their own
    (``AISMA_INPROCESS_WORKER=false``) instead of a thread in each server process. ``worker_nice``:
    the worker's ``--nice`` (its jobs yield the CPU to the server processes)."""
    port = free_port()
    env = {**os.environ, "AISMA_DATABASE_URL": database_url, "AISMA_DATA_DIR": str(data_dir)}
    if separate_worker:
        env["AISMA_INPROCESS_WORKER"] = "false"
    env["AISMA_ADMIN_EMAIL"], env["AISMA_ADMIN_PASSWORD"] = OWNER
    base = [sys.executable, "-c", "from aisma.cli.main import run; run()"]
    processes = [start([*base, "serve", "--port", str(port), "--workers", str(workers)], env, data_dir / "serve.log")]
    has_worker = subprocess.run([*base, "worker", "--help"], env=env, capture_output=True).returncode == 0  # noqa: S603
    if has_worker and (separate_worker or not database_url.startswith("sqlite")):
        niced = ["--nice", str(worker_nice)] if worker_nice else []
        processes.append(start([*base, "worker", *niced], env, data_dir / "worker.log"))
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if processes[0].poll() is not None:
            raise SystemExit(f"aisma serve exited: {(data_dir / 'serve.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/login", timeout=5).status_code == 200:
                return processes, url
        except httpx.HTTPError:
            time.sleep(0.3)
    stop(processes)
    raise SystemExit("aisma serve did not start within 300 s")


def stop(processes: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM to each process group, SIGKILL if it has not ended in 20 s."""
    for process in processes:
        for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
            try:
                os.killpg(process.pid, sig)
            except ProcessLookupError:
                break
            try:
                process.wait(timeout=wait)
                break
            except subprocess.TimeoutExpired:
                continue


def database_for(backend: str, work: Path) -> tuple[str, Any]:
    if backend == "sqlite":
        return f"sqlite:///{work / 'aisma.db'}", None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    admin = create_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")
    name = f"aisma_bench_{uuid.uuid4().hex}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(POSTGRES_ADMIN_URL).set(database=name).render_as_string(hide_password=False), drop
