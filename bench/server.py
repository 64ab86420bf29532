"""Team-server load benchmark: 100 concurrent users on loopback against a big organization.

Builds an organization with 2,000 AI systems, an answer to every objective and 12 months of stored
assessments (one a month), starts ``aisma serve`` on a random port of 127.0.0.1, and runs N concurrent
users (default 100), each signed in with a session of their own, who repeatedly:

- open the dashboard (``GET /orgs/{org}``: latest snapshot, charts, 12-point trend, gating of 2,000
  systems);
- save an answer through the REST API (``GET`` it for its version, ``PUT`` it back changed; users share
  objectives, so some saves meet a 409 and re-read, exactly as the UI does);
- increment a shared counter kept in an answer's note (read, add one, ``PUT`` with the version read,
  retry on 409; ten counters, each shared by a tenth of the users): at the end the counters must have
  moved by exactly the number of successful increments, otherwise an update was lost;
- fetch a reference endpoint (a static file), so the latencies can be read against what the same
  machine, server and client manage for a request that does no work.

Run on SQLite (the default database file) and on PostgreSQL (a database created on
127.0.0.1:5432 and dropped after). Prints p50/p99 per request kind, the ratio of each p50 to the
reference's p50, errors (anything but 2xx, and 409 on a save) and lost updates; targets: none of
either. Exit status 1 when a target is missed.

    .venv/bin/python bench/server.py [--backend sqlite|postgresql|both] [--users 100] [--rounds 5]
        [--systems 2000] [--months 12] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

POSTGRES_ADMIN_URL = os.environ.get("AISMA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ORG_SLUG = "bench"
COUNTERS = 10  # shared counters, each incremented by every tenth user
TRACKS = ("build", "platform", "copilot", "coding_tool")
DEPLOYMENTS = ("self_hosted", "paas", "api_saas")


@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    conflicts: int = 0
    increments: int = 0
    counter_requests: int = 0
    error_samples: list[str] = field(default_factory=list)

    def record(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)

    def error(self, kind: str, detail: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1
        if len(self.error_samples) < 5:
            self.error_samples.append(f"{kind}: {detail[:200]}")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


# --- the organization ---------------------------------------------------------------------------


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


def seed(database_url: str, data_dir: Path, users: int, systems: int, months: int) -> dict[str, Any]:
    """Migrate, create the organization, its users and sessions, systems, answers and history."""
    from aisma.server import models
    from aisma.server.auth import Role
    from aisma.store import migrate
    from aisma.store.db import Database
    from aisma.web.features.answers import service as answers
    from aisma.web.features.assessments import service as assessments
    from aisma.web.features.inventory import service as inventory
    from aisma.web.features.organizations import service as accounts
    from aisma.web.features.signin import service as sessions

    started = time.perf_counter()
    migrate.upgrade(database_url, "head")
    database = Database(database_url)
    credentials: list[tuple[str, str]] = []
    try:
        with database.transaction() as session:
            org = accounts.create_organization(session, ORG_SLUG, "Bench Corp")
            owner = accounts.create_user(session, "owner@bench.example", "bench owner password 1")
            accounts.add_member_unchecked(session, org, owner, Role.OWNER)
            for i in range(users):
                # no password (as OIDC users): argon2 on 100 accounts would only slow the setup down
                user = accounts.create_user(session, f"user{i:03d}@bench.example", None)
                accounts.add_member_unchecked(session, org, user, Role.ASSESSOR)
                new = sessions.create_session(session, user, 24 * 3600)
                credentials.append((new.token, new.csrf))
        with database.transaction() as session:
            actor = accounts.actor_for(session, owner, ORG_SLUG)
            for i in range(systems):
                inventory.create_system(session, actor, system_document(i))
            model = models.model_for(session, actor)
            objectives = [o.id for d in model.domains for c in d.categories for o in c.objectives]
        words = ("fully", "largely", "partially", "not")
        now = datetime.now(UTC)
        for month in range(months, 0, -1):
            # answers improve month by month, then the month's assessment is stored
            with database.transaction() as session:
                actor = accounts.actor_for(session, owner, ORG_SLUG)
                current = {a.objective_id: a for a in answers.list_answers(session, actor)}
                for k, objective_id in enumerate(objectives):
                    word = words[(k + month) % len(words)]
                    note = "0" if objective_id in objectives[:COUNTERS] else f"month -{month}"
                    existing = current.get(objective_id)
                    answers.save_answer(
                        session,
                        actor,
                        objective_id,
                        word,
                        note=note,
                        expected_version=existing.version if existing else None,
                    )
            with database.transaction() as session:
                actor = accounts.actor_for(session, owner, ORG_SLUG)
                assessments.run_assessment(session, actor, at=now - timedelta(days=30 * (month - 1)))
    finally:
        database.dispose()
    return {"credentials": credentials, "objectives": objectives, "seconds": time.perf_counter() - started}


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(database_url: str, data_dir: Path, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    env = {**os.environ, "AISMA_DATABASE_URL": database_url, "AISMA_DATA_DIR": str(data_dir)}
    env["AISMA_ADMIN_EMAIL"] = "owner@bench.example"
    env["AISMA_ADMIN_PASSWORD"] = "bench owner password 1"  # noqa: S105 - benchmark account
    log = (data_dir / "server.log").open("wb")
    command = [sys.executable, "-c", "from aisma.cli.main import run; run()", "serve"]
    command += ["--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)]
    # a session of its own, so the server and its worker processes stop together (see stop_server)
    process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"aisma serve exited: {(data_dir / 'server.log').read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/login", timeout=2).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.3)
    process.kill()
    raise SystemExit("aisma serve did not start within 90 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the server's process group (parent and workers), SIGKILL if it has not ended in 20 s."""
    import signal

    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


# --- the load -----------------------------------------------------------------------------------


async def timed(stats: Stats, kind: str, call: Any) -> httpx.Response | None:
    started = time.perf_counter()
    try:
        response: httpx.Response = await call
    except httpx.HTTPError as exc:
        stats.error(kind, f"{type(exc).__name__}: {exc}")
        return None
    stats.record(kind, time.perf_counter() - started)
    return response


async def save_answer(client: httpx.AsyncClient, stats: Stats, objective_id: str, round_no: int) -> None:
    path = f"/api/v1/orgs/{ORG_SLUG}/answers/{objective_id}"
    for _attempt in range(20):
        current = await timed(stats, "read answer", client.get(path))
        if current is None or current.status_code != 200:
            stats.error("read answer", "" if current is None else f"{current.status_code} {current.text}")
            return
        body = current.json()
        word = "largely" if body["answer"] != "largely" else "fully"
        payload = {"answer": word, "note": f"round {round_no}", "version": body["version"]}
        saved = await timed(stats, "save answer", client.put(path, json=payload))
        if saved is None:
            return
        if saved.status_code == 200:
            return
        if saved.status_code == 409:
            stats.conflicts += 1
            continue
        stats.error("save answer", f"{saved.status_code} {saved.text}")
        return
    stats.error("save answer", "20 conflicts in a row")


async def increment(client: httpx.AsyncClient, stats: Stats, counter: str) -> None:
    path = f"/api/v1/orgs/{ORG_SLUG}/answers/{counter}"
    for _attempt in range(200):
        stats.counter_requests += 2
        try:
            current = await client.get(path)
        except httpx.HTTPError as exc:
            stats.error("counter", f"{type(exc).__name__}: {exc}")
            return
        if current.status_code != 200:
            stats.error("counter", f"{current.status_code} {current.text}")
            return
        body = current.json()
        payload = {"answer": body["answer"], "note": str(int(body["note"]) + 1), "version": body["version"]}
        try:
            saved = await client.put(path, json=payload)
        except httpx.HTTPError as exc:
            # the write may or may not have happened: the lost-update count cannot tell, so say so
            stats.error("counter", f"{type(exc).__name__} on PUT (outcome unknown): {exc}")
            return
        if saved.status_code == 200:
            stats.increments += 1
            return
        if saved.status_code != 409:
            stats.error("counter", f"{saved.status_code} {saved.text}")
            return
        stats.conflicts += 1
        await asyncio.sleep(0.005)
    stats.error("counter", "200 conflicts in a row")


async def user(url: str, token: str, csrf: str, index: int, objectives: list[str], rounds: int, stats: Stats) -> None:
    headers = {"X-CSRF-Token": csrf, "Accept": "application/json"}
    cookies = {"aisma_session": token}
    async with httpx.AsyncClient(base_url=url, cookies=cookies, headers=headers, timeout=120) as client:
        for round_no in range(rounds):
            page = client.get(f"/orgs/{ORG_SLUG}", headers={"Accept": "text/html"})
            dashboard = await timed(stats, "dashboard", page)
            if dashboard is not None and dashboard.status_code != 200:
                stats.error("dashboard", f"{dashboard.status_code}")
            answerable = objectives[COUNTERS:]
            await save_answer(client, stats, answerable[(index * 7 + round_no) % len(answerable)], round_no)
            await increment(client, stats, objectives[index % COUNTERS])
            reference = await timed(stats, "reference", client.get("/static/aisma.css"))
            if reference is not None and reference.status_code != 200:
                stats.error("reference", f"{reference.status_code}")


async def load(url: str, credentials: list[tuple[str, str]], objectives: list[str], rounds: int) -> tuple[Stats, float]:
    stats = Stats()
    started = time.perf_counter()
    await asyncio.gather(
        *(user(url, token, csrf, i, objectives, rounds, stats) for i, (token, csrf) in enumerate(credentials))
    )
    return stats, time.perf_counter() - started


def counters_total(url: str, token: str, objectives: list[str]) -> int:
    """The sum of the shared counters as the server stores them."""
    total = 0
    for counter in objectives[:COUNTERS]:
        response = httpx.get(
            f"{url}/api/v1/orgs/{ORG_SLUG}/answers/{counter}", cookies={"aisma_session": token}, timeout=30
        )
        response.raise_for_status()
        total += int(response.json()["note"])
    return total


# --- one run per backend ------------------------------------------------------------------------


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


def run(backend: str, args: argparse.Namespace) -> bool:
    work = Path(tempfile.mkdtemp(prefix=f"aisma-bench-{backend}-"))
    url_db, cleanup = database_for(backend, work)
    process = None
    try:
        seeded = seed(url_db, work, args.users, args.systems, args.months)
        print(
            f"\n== {backend}: {args.systems} systems, {len(seeded['objectives'])} objectives, "
            f"{args.months} assessments, "
            f"{args.users} users x {args.rounds} rounds, {args.workers} worker(s); seeded in {seeded['seconds']:.0f} s"
        )
        process, url = start_server(url_db, work, args.workers)
        credentials = seeded["credentials"]
        # warm every worker's caches (model, templates) before measuring
        asyncio.run(load(url, credentials[: args.workers * 2], seeded["objectives"], 1))
        before = counters_total(url, credentials[0][0], seeded["objectives"])
        stats, wall = asyncio.run(load(url, credentials, seeded["objectives"], args.rounds))
        after = counters_total(url, credentials[0][0], seeded["objectives"])
        lost = stats.increments - (after - before)
        reference = statistics.median(stats.latencies.get("reference", [0.0])) or 1e-9
        print(f"{'request':<14}{'count':>8}{'p50 ms':>10}{'p99 ms':>10}{'p50 / reference':>18}{'errors':>8}")
        for kind in ("dashboard", "save answer", "read answer", "reference"):
            values = stats.latencies.get(kind, [])
            if not values:
                continue
            p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
            print(
                f"{kind:<14}{len(values):>8}{p50 * 1000:>10.1f}{p99 * 1000:>10.1f}{p50 / reference:>17.1f}x"
                f"{stats.errors.get(kind, 0):>8}"
            )
        errors = sum(stats.errors.values())
        total = sum(len(v) for v in stats.latencies.values()) + stats.counter_requests
        print(
            f"{total} requests in {wall:.1f} s ({total / wall:.0f}/s); 409 conflicts answered and retried: "
            f"{stats.conflicts}; counter increments {stats.increments}, counters moved by {after - before}, "
            f"lost updates: {lost}; errors: {errors}"
        )
        for sample in stats.error_samples:
            print(f"  error sample: {sample}")
        ok = errors == 0 and lost == 0
        print("targets (no errors, no lost updates):", "met" if ok else "MISSED")
        if not ok:
            print("server log (last lines):")
            print("\n".join((work / "server.log").read_text(errors="replace").splitlines()[-30:]))
        return ok
    finally:
        if process is not None:
            stop_server(process)
        if cleanup is not None:
            cleanup()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--systems", type=int, default=2000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    results = [run(backend, args) for backend in backends]
    print(f"\nload average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    sys.exit(0 if all(results) else 1)


if __name__ == "__main__":
    main()
