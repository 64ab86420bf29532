"""Side-by-side load benchmark: CISO Assistant Community's REST API against aisma's team server, on the
same shape of data, with the same users, rounds, think time and load generator as ``bench/server.py``.

CISO Assistant is not part of aisma and nothing of it is in this repository: this script drives an
installation that already exists in a directory of its own (``--ciso-dir``: its ``backend/`` checkout and
a ``venv/`` with its Python dependencies; bench/README.md says how the one measured was made). For each
backend (SQLite, PostgreSQL) it

- prepares a fresh database with CISO Assistant's own management commands (``migrate``, ``storelibraries``
  for the one framework used, ``createsuperuser --noinput`` with ``DJANGO_SUPERUSER_EMAIL``/``PASSWORD``),
- serves it with gunicorn and ``--workers`` workers (2, like ``aisma serve --workers 2``; gunicorn's sync
  workers, as CISO Assistant's own ``startup.sh`` runs it),
- seeds through the REST API: one domain (folder) with a perimeter, N assets (``--systems``, the closest
  thing to AI systems), the ISO/IEC 42001 framework loaded, ``--months`` compliance assessments of it with
  every requirement assessment given a result (the answers), 100 users in the domain's analyst group,
  even ones holding the login token the front end keeps for a browser (allauth's headless login), odd
  ones a personal access token (both are Knox tokens: the API takes no session cookie outside DEBUG),
- runs the request mix of ``bench/server.py`` with its load generator (several processes, asyncio, the
  generator's CPU seconds and event-loop lag reported), then prints count and p50/p95/p99 per kind;
- with ``--aisma``, runs ``bench/server.py`` with the same parameters just before, in the same sitting,
  and prints the two side by side.

Every round each user:

- dashboard: login-token users ``GET /api/compliance-assessments/analytics/`` and ``GET /api/get_metrics/``
  (the compliance part of the analytics page); token users ``GET .../compliance-assessments/{id}/progress_ts/``
  (the trend) and ``GET .../global_score/`` (the latest score);
- inventory: ``GET /api/assets/?limit=100`` (a page of 100);
- answer save: ``GET`` a requirement assessment, ``PATCH`` it back with its result changed (only the
  PATCH is timed, as only the PUT is in bench/server.py);
- counter: read-add-one-write of one of ten shared counters kept in requirement assessments'
  ``observation``; CISO Assistant has no version check, so a lost update is possible and is counted;
- reference: ``GET /api/health/`` without credentials (the request that does the least work);
- one user in 25 per round creates a compliance assessment (``POST /api/compliance-assessments/``: the
  requirement assessments are created in the request; it answers 201, so "done" is the same time).

    .venv/bin/python bench/ciso_assistant.py --ciso-dir /work/ciso --backend sqlite --systems 2000 \\
        --users 100 --rounds 2 --think 1 --aisma
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from server_setup import free_port, start, stop

from server import Stats, percentile, timed
from server import load as server_load

FRAMEWORK_LIBRARY = "iso42001-2023.yaml"  # ISO/IEC 42001 (AI management system): 67 assessable requirements
LIBRARY_URN = "urn:intuitem:risk:library:iso42001-2023"
FRAMEWORK_URN = "urn:intuitem:risk:framework:iso42001-2023"
ADMIN = ("admin@bench.example", "bench admin Password 1!")
USER_PASSWORD = "bench user Password 1!"  # noqa: S105 - a throwaway database's users
COUNTERS = 10
RESULTS = ("compliant", "partially_compliant", "non_compliant", "partially_compliant")
LOGIN = "/api/_allauth/app/v1/auth/login"
KINDS = (
    "dashboard (analytics)",
    "dashboard (API)",
    "inventory (login)",
    "inventory (API)",
    "answer save",
    "assessment create",
    "assessment done",
    "reference",
)
# aisma's kind (bench/server.py) -> CISO Assistant's kind here, for the side-by-side table
PAIRS = (
    ("dashboard (page)", "dashboard (analytics)"),
    ("dashboard (API)", "dashboard (API)"),
    ("inventory (page)", "inventory (login)"),
    ("inventory (API)", "inventory (API)"),
    ("answer save", "answer save"),
    ("assessment create", "assessment create"),
    ("assessment done", "assessment done"),
    ("reference", "reference"),
)
ROW = re.compile(
    r"^(?P<kind>.{1,24}?)\s+(?P<count>\d+)\s+(?P<p50>[\d.]+)\s+(?P<p95>[\d.]+)\s+(?P<p99>[\d.]+)\s+(?P<errors>\d+)$"
)


# --- the installation: database, management commands, gunicorn ---------------------------------------------


def ciso_env(ciso: Path, work: Path, backend: str, database: str | None) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "DJANGO_DEBUG": "False",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "CISO_ASSISTANT_URL": "http://127.0.0.1:5173",
        "HUEY_FILE_PATH": str(work / "huey.db"),
        "DJANGO_SUPERUSER_EMAIL": ADMIN[0],
        "DJANGO_SUPERUSER_PASSWORD": ADMIN[1],
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    if backend == "sqlite":
        env["SQLITE_FILE"] = str(work / "ciso-assistant.sqlite3")
    else:
        assert database is not None
        env.update(POSTGRES_NAME=database, POSTGRES_USER="postgres", POSTGRES_PASSWORD="", DB_HOST="127.0.0.1")
        env["DB_PORT"] = "5432"
    env.pop("VIRTUAL_ENV", None)
    return env


def manage(ciso: Path, env: dict[str, str], *command: str) -> float:
    """One management command of CISO Assistant; its CPU seconds (the child's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run(  # noqa: S603
        [str(ciso / "venv/bin/python"), "manage.py", *command],
        cwd=ciso / "backend",
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(command)} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def postgres_database() -> tuple[str, Any]:
    name = f"ciso_bench_{secrets.token_hex(6)}"

    def psql(sql: str) -> None:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-qc", sql], check=True)  # noqa: S603, S607

    psql(f'CREATE DATABASE "{name}"')
    return name, lambda: psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare_database(ciso: Path, env: dict[str, str], work: Path, backend: str, database: str | None) -> float:
    """migrate, storelibraries (the one framework used) and createsuperuser: CISO Assistant's own commands.

    Its few hundred migrations take minutes on SQLite on a busy machine, so the prepared empty database is
    kept in ``--ciso-dir``/cache (a copy of the SQLite file, a pg_dump for PostgreSQL) and restored on the
    next run of the same commit; nothing measured happens before the server starts. Returns CPU seconds."""
    commit = (ciso / "backend/COMMIT").read_text().strip() if (ciso / "backend/COMMIT").exists() else "unknown"
    cache = ciso / "cache" / f"{commit[:12]}-{backend}.{'sqlite3' if backend == 'sqlite' else 'dump'}"
    target = ["-h", "127.0.0.1", "-U", "postgres", "-d", database or ""]
    building = cache.with_name(cache.name + ".building")  # another run is preparing it: wait for that one
    deadline = time.monotonic() + 3600
    if building.exists():
        print(f"waiting for {building} to go (another run prepares that database)", flush=True)
    while building.exists() and time.monotonic() < deadline:
        time.sleep(5)
    if cache.exists():
        if backend == "sqlite":
            shutil.copyfile(cache, env["SQLITE_FILE"])
        else:
            subprocess.run(["pg_restore", "--no-owner", *target, str(cache)], check=True)  # noqa: S603, S607
        return 0.0
    cache.parent.mkdir(exist_ok=True)
    building.touch()
    try:
        cpu = _prepare(ciso, env, backend, target, cache)
    finally:
        building.unlink(missing_ok=True)
    return cpu


def _prepare(ciso: Path, env: dict[str, str], backend: str, target: list[str], cache: Path) -> float:
    cpu = manage(ciso, env, "migrate", "--no-input")
    cpu += manage(ciso, env, "storelibraries", "--path", f"library/libraries/{FRAMEWORK_LIBRARY}")
    cpu += manage(ciso, env, "createsuperuser", "--noinput")
    partial = cache.with_name(cache.name + ".partial")
    if backend == "sqlite":
        import sqlite3

        with sqlite3.connect(env["SQLITE_FILE"]) as connection:  # one file, whatever the WAL held
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        shutil.copyfile(env["SQLITE_FILE"], partial)
    else:
        subprocess.run(["pg_dump", "-Fc", "-f", str(partial), *target], check=True)  # noqa: S603, S607
    partial.replace(cache)  # whole or not at all, for a run waiting on it
    return cpu


def start_ciso(ciso: Path, env: dict[str, str], work: Path, workers: int) -> tuple[list[Any], str]:
    """gunicorn on a free port; started again once if it exits at start-up (seen once in three starts here:
    a worker failed to boot with "issubclass() arg 1 must be a class" inside Django's app loading)."""
    try:
        return _start_ciso(ciso, env, work, workers)
    except SystemExit as exc:
        print(f"gunicorn did not start, trying once more: {str(exc)[-300:]}", flush=True)
        return _start_ciso(ciso, env, work, workers)


def _start_ciso(ciso: Path, env: dict[str, str], work: Path, workers: int) -> tuple[list[Any], str]:
    port = free_port()
    command = [
        str(ciso / "venv/bin/gunicorn"),
        "--chdir",
        str(ciso / "backend"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--timeout",
        "120",
        "--keep-alive",
        "30",
        "--limit-request-line",
        "5120",
        "--env",
        "RUN_MAIN=true",
        "ciso_assistant.wsgi:application",
    ]
    processes = [start(command, env, work / "gunicorn.log")]
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if processes[0].poll() is not None:
            raise SystemExit(f"gunicorn exited: {(work / 'gunicorn.log').read_text()[-3000:]}")
        try:
            if httpx.get(f"{url}/api/health/", timeout=5).status_code == 200:
                return processes, url
        except httpx.HTTPError:
            time.sleep(0.5)
    stop(processes)
    raise SystemExit("CISO Assistant did not start within 300 s")


# --- seeding through the REST API ----------------------------------------------------------------------------


def check(response: httpx.Response, what: str, ok: tuple[int, ...] = (200, 201)) -> Any:
    if response.status_code not in ok:
        raise SystemExit(f"{what}: {response.status_code} {response.text[:500]}")
    return response.json() if response.content else None


def retried(call: Any) -> httpx.Response:
    """A seeding request, again while it answers 403: each gunicorn worker caches who may do what, and the
    worker that did not create a new folder learns of it a moment later."""
    for _attempt in range(30):
        response: httpx.Response = call()
        if response.status_code != 403:
            return response
        time.sleep(1)
    return response


def login(url: str, email: str, password: str) -> str:
    """The Knox token the front end gets for a browser; allauth limits logins per address, so wait on a 429."""
    for _attempt in range(60):
        answer = httpx.post(f"{url}{LOGIN}", json={"email": email, "password": password}, timeout=60)
        if answer.status_code == 429:
            time.sleep(5)
            continue
        return str(check(answer, f"login {email}")["meta"]["access_token"])
    raise SystemExit(f"login {email}: still rate-limited after 5 minutes")


def all_pages(client: httpx.Client, path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    next_path: str | None = path
    while next_path:
        page = check(client.get(next_path), f"GET {next_path}")
        items += page["results"]
        next_path = page.get("next")
    return items


async def post_many(url: str, token: str, path: str, bodies: list[dict[str, Any]], parallel: int) -> list[str]:
    """POST each body, a few at a time; the ids created, in the order of the bodies."""
    queue = list(enumerate(bodies))
    ids = [""] * len(bodies)
    headers = {"Authorization": f"Token {token}"}

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            i, body = queue.pop()
            for _attempt in range(30):  # 403 while a worker has not yet learnt of the new folder (see retried)
                response = await client.post(path, json=body)
                if response.status_code != 403:
                    break
                await asyncio.sleep(1)
            ids[i] = check(response, f"POST {path}")["id"]

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(parallel)))
    return ids


async def patch_many(url: str, token: str, changes: list[tuple[str, dict[str, Any]]], parallel: int) -> None:
    queue = list(changes)
    headers = {"Authorization": f"Token {token}"}

    async def worker(client: httpx.AsyncClient) -> None:
        while queue:
            path, body = queue.pop()
            check(await client.patch(path, json=body), f"PATCH {path}")

    async with httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(parallel)))


def seed(url: str, users: int, systems: int, months: int) -> dict[str, Any]:
    started = time.perf_counter()
    admin = login(url, *ADMIN)
    client = httpx.Client(base_url=url, headers={"Authorization": f"Token {admin}"}, timeout=300)
    check(client.post(f"/api/stored-libraries/{LIBRARY_URN}/import/"), "load ISO 42001")
    framework = all_pages(client, f"/api/frameworks/?urn={FRAMEWORK_URN}")[0]["id"]
    folder = check(client.post("/api/folders/", json={"name": "Bench Corp", "create_iam_groups": True}), "folder")["id"]
    area = {"name": "AI systems", "folder": folder}
    perimeter = check(retried(lambda: client.post("/api/perimeters/", json=area)), "perimeter")["id"]
    assets = [
        {
            "name": f"AI system {i}",
            "ref_id": f"sys-{i:05d}",
            "folder": folder,
            "type": "PR" if i % 3 else "SP",
            "description": f"track {('build', 'platform', 'copilot', 'coding_tool')[i % 4]}, "
            f"{'production' if i % 5 else 'pilot'}; owner user{i % 100:03d}@bench.example",
        }
        for i in range(systems)
    ]
    asset_ids = asyncio.run(post_many(url, admin, "/api/assets/", assets, parallel=4))
    assessments: list[str] = []
    for month in range(months, 0, -1):
        body = {"name": f"ISO 42001 month -{month}", "perimeter": perimeter, "framework": framework}
        body["assets"] = asset_ids  # the assessment covers every asset, as aisma's covers every system
        made = retried(lambda body=body: client.post("/api/compliance-assessments/", json=body))
        assessments.append(check(made, "assessment")["id"])
    changes: list[tuple[str, dict[str, Any]]] = []
    current: list[str] = []
    for m, assessment in enumerate(assessments):
        rows = all_pages(
            client, f"/api/requirement-assessments/?compliance_assessment={assessment}&requirement__assessable=true"
        )
        rows.sort(key=lambda row: str(row.get("requirement", {}).get("urn", "") or row["id"]))
        for k, row in enumerate(rows):
            last = m == len(assessments) - 1
            note = "0" if last and k < COUNTERS else f"month -{months - m}"
            changes.append(
                (f"/api/requirement-assessments/{row['id']}/", {"result": RESULTS[(k + m) % 4], "observation": note})
            )
            if last:
                current.append(row["id"])
    asyncio.run(patch_many(url, admin, changes, parallel=4))
    groups = all_pages(client, f"/api/user-groups/?folder={folder}")
    analyst = next(g["id"] for g in groups if str(g.get("name", "")).endswith("Analyst"))
    credentials: list[dict[str, str]] = []
    for i in range(users):
        email = f"user{i:03d}@bench.example"
        created = check(client.post("/api/users/", json={"email": email, "user_groups": [analyst]}), f"user {email}")
        body = {"user": created["id"], "new_password": USER_PASSWORD, "confirm_new_password": USER_PASSWORD}
        check(client.post("/api/iam/set-password/", json=body), f"password {email}")
        token = login(url, email, USER_PASSWORD)
        if i % 2 == 0:
            credentials.append({"kind": "login", "token": token})
        else:  # a personal access token, as a script or integration would hold
            mine = httpx.Client(base_url=url, headers={"Authorization": f"Token {token}"}, timeout=60)
            pat = check(mine.post("/api/iam/auth-tokens/", json={"name": f"bench {i}", "expiry": 30}), "token")
            credentials.append({"kind": "token", "token": pat["token"]})
            mine.close()
    client.close()
    return {
        "credentials": credentials,
        "current": current,
        "assessment": assessments[-1],
        "perimeter": perimeter,
        "framework": framework,
        "assets": asset_ids,
        "seconds": time.perf_counter() - started,
    }


# --- the load ------------------------------------------------------------------------------------------------


async def save_answer(client: httpx.AsyncClient, stats: Stats, path: str, round_no: int) -> None:
    stats.requests += 1
    try:
        current = await client.get(path)
    except httpx.HTTPError as exc:
        stats.error("answer save", f"read: {type(exc).__name__}: {exc}")
        return
    if current.status_code != 200:
        stats.error("answer save", f"read {current.status_code} {current.text[:200]}")
        return
    result = "compliant" if current.json().get("result") != "compliant" else "partially_compliant"
    await timed(stats, "answer save", client.patch(path, json={"result": result, "observation": f"round {round_no}"}))


async def increment(client: httpx.AsyncClient, stats: Stats, path: str) -> None:
    stats.requests += 2
    try:
        body = (await client.get(path)).json()
        saved = await client.patch(path, json={"observation": str(int(body["observation"]) + 1)})
    except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
        stats.error("counter", f"{type(exc).__name__} (outcome unknown): {exc}")
        return
    if saved.status_code == 200:
        stats.increments += 1
    else:
        stats.error("counter", f"{saved.status_code} {saved.text[:200]}")


async def create_assessment(client: httpx.AsyncClient, stats: Stats, seeded: dict[str, Any], name: str) -> None:
    started = time.perf_counter()
    body = {
        "name": name,
        "perimeter": seeded["perimeter"],
        "framework": seeded["framework"],
        "assets": seeded["assets"],
    }
    answer = await timed(stats, "assessment create", client.post("/api/compliance-assessments/", json=body), ok=(201,))
    if answer is not None and answer.status_code == 201:
        stats.record("assessment done", time.perf_counter() - started)


async def user(
    url: str,
    credential: dict[str, str],
    index: int,
    seeded: dict[str, Any],
    rounds: int,
    stats: Stats,
    think: float,
    assess_every: int,
) -> None:
    headers = {"Authorization": f"Token {credential['token']}"}
    front_end = credential["kind"] == "login"
    assessment = f"/api/compliance-assessments/{seeded['assessment']}"
    pauses = random.Random(index)  # noqa: S311 - think times, not secrets

    async def pause() -> None:
        if think > 0:
            await asyncio.sleep(pauses.expovariate(1 / think))

    ras = [f"/api/requirement-assessments/{ra}/" for ra in seeded["current"]]
    counters, answerable = ras[:COUNTERS], ras[COUNTERS:]
    async with (
        httpx.AsyncClient(base_url=url, headers=headers, timeout=120) as client,
        httpx.AsyncClient(base_url=url, timeout=120) as anonymous,
    ):
        await pause()
        for round_no in range(rounds):
            if front_end:
                await timed(stats, "dashboard (analytics)", client.get("/api/compliance-assessments/analytics/"))
                await timed(stats, "dashboard (analytics)", client.get("/api/get_metrics/"))
                await pause()
                await timed(stats, "inventory (login)", client.get("/api/assets/?limit=100"))
            else:
                await timed(stats, "dashboard (API)", client.get(f"{assessment}/progress_ts/"))
                await timed(stats, "dashboard (API)", client.get(f"{assessment}/global_score/"))
                await pause()
                await timed(stats, "inventory (API)", client.get("/api/assets/?limit=100"))
            await pause()
            await save_answer(client, stats, answerable[(index * 7 + round_no) % len(answerable)], round_no)
            await pause()
            await increment(client, stats, counters[index % COUNTERS])
            await timed(stats, "reference", anonymous.get("/api/health/"))
            if assess_every and (index + round_no) % assess_every == 0:
                await create_assessment(client, stats, seeded, f"bench {index}-{round_no} {secrets.token_hex(4)}")
            await pause()


def load(url: str, seeded: dict[str, Any], credentials: list[dict[str, str]], rounds: int, args: Any) -> Any:
    """bench/server.py's load generator, driving this module's ``user``."""
    return server_load(url, credentials, seeded, rounds, args.clients, args.think, args.assess_every, user)


def counters_total(url: str, seeded: dict[str, Any]) -> int:
    token = next(c["token"] for c in seeded["credentials"] if c["kind"] == "token")
    total = 0
    for ra in seeded["current"][:COUNTERS]:
        answer = httpx.get(
            f"{url}/api/requirement-assessments/{ra}/", headers={"Authorization": f"Token {token}"}, timeout=60
        )
        total += int(check(answer, "counter")["observation"])
    return total


def server_cpu(processes: list[Any]) -> float:
    """CPU seconds of gunicorn's process group so far (master and workers), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == processes[0].pid:  # process group id (the server runs in a session of its own)
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def table(stats: Stats) -> dict[str, tuple[int, float, float, float, int]]:
    rows = {}
    print(f"{'request':<24}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for kind in KINDS:
        values = stats.latencies.get(kind, [])
        if values:
            p50, p95, p99 = (percentile(values, q) * 1000 for q in (0.5, 0.95, 0.99))
            rows[kind] = (len(values), p50, p95, p99, stats.errors.get(kind, 0))
            print(f"{kind:<24}{len(values):>7}{p50:>9.1f}{p95:>9.1f}{p99:>9.1f}{stats.errors.get(kind, 0):>8}")
    return rows


def run_ciso(backend: str, systems: int, args: argparse.Namespace) -> dict[str, Any]:
    ciso = Path(args.ciso_dir).resolve()
    work = Path(tempfile.mkdtemp(prefix=f"ciso-bench-{backend}-"))
    database, drop = postgres_database() if backend == "postgresql" else (None, None)
    env = ciso_env(ciso, work, backend, database)
    processes: list[Any] = []
    try:
        setup_cpu = prepare_database(ciso, env, work, backend, database)
        processes, url = start_ciso(ciso, env, work, args.workers)
        seeded = seed(url, args.users, systems, args.months)
        credentials = seeded["credentials"]
        commit = (ciso / "backend/COMMIT").read_text().strip() if (ciso / "backend/COMMIT").exists() else "?"
        print(
            f"\n== CISO Assistant {commit[:12]} {backend}: {systems} assets, {len(seeded['current'])} requirement "
            f"assessments per compliance assessment, {args.months} compliance assessments, {args.users} users "
            f"({len([c for c in credentials if c['kind'] == 'login'])} login tokens, "
            f"{len([c for c in credentials if c['kind'] == 'token'])} personal access tokens) x {args.rounds} rounds, "
            f"think {args.think} s, gunicorn {args.workers} sync workers, {args.clients} client processes; "
            f"migrate+libraries {setup_cpu:.0f} CPU s (0: from the cache), seeded in {seeded['seconds']:.0f} s; "
            f"load average {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        load(url, seeded, credentials[: args.clients * 2], 1, args)  # warm each worker
        before = counters_total(url, seeded)
        load_before = os.getloadavg()[0]
        cpu_before = server_cpu(processes)
        stats, wall, cpu = load(url, seeded, credentials, args.rounds, args)
        served = server_cpu(processes) - cpu_before
        lost = stats.increments - (counters_total(url, seeded) - before)
        rows = table(stats)
        errors = sum(stats.errors.values())
        lag = statistics.median(stats.lag) * 1000 if stats.lag else 0.0
        lag99 = percentile(stats.lag, 0.99) * 1000 if stats.lag else 0.0
        print(
            f"{stats.requests} requests in {wall:.1f} s ({stats.requests / wall:.0f}/s); "
            f"increments {stats.increments}, lost updates {lost}; errors {errors}; server {served:.1f} CPU s"
        )
        print(
            f"load generator: {args.clients} processes, {cpu:.1f} CPU s in {wall:.1f} s "
            f"({100 * cpu / wall / max(1, os.cpu_count() or 1):.0f}% of the machine); event-loop lag median "
            f"{lag:.1f} ms, p99 {lag99:.1f} ms; load average {load_before:.2f} -> {os.getloadavg()[0]:.2f}",
            flush=True,
        )
        for sample in stats.samples:
            print(f"  error sample: {sample}")
        return {"rows": rows, "errors": errors, "lost": lost, "requests": stats.requests, "wall": wall, "cpu": cpu}
    finally:
        stop(processes)
        if drop is not None:
            drop()
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def run_aisma(backend: str, systems: int, args: argparse.Namespace) -> dict[str, Any]:
    """bench/server.py with the same parameters, in a process of its own; its table parsed from its output."""
    command = [
        sys.executable,
        str(Path(__file__).parent / "server.py"),
        "--backend",
        backend,
        "--systems",
        str(systems),
    ]
    command += ["--users", str(args.users), "--rounds", str(args.rounds), "--months", str(args.months)]
    command += ["--workers", str(args.workers), "--clients", str(args.clients), "--label", "aisma"]
    has_think = "--think" in subprocess.run([*command[:2], "--help"], capture_output=True, text=True).stdout  # noqa: S603
    if args.think and not has_think:
        raise SystemExit("this bench/server.py has no --think; run without --think or on a version that has it")
    if has_think:
        command += ["--think", str(args.think), "--assess-every", str(args.assess_every)]
    done = subprocess.run(command, capture_output=True, text=True)  # noqa: S603
    print(done.stdout, end="", flush=True)
    if done.stderr.strip():
        print(done.stderr[-2000:], file=sys.stderr)
    rows = {}
    for line in done.stdout.splitlines():
        match = ROW.match(line)
        if match:
            rows[match["kind"].strip()] = tuple(float(match[k]) for k in ("count", "p50", "p95", "p99", "errors"))
    errors = re.search(r"lost updates (\d+); errors (\d+)", done.stdout)
    return {"rows": rows, "lost": int(errors[1]) if errors else -1, "errors": int(errors[2]) if errors else -1}


def side_by_side(backend: str, systems: int, aisma: dict[str, Any], ciso: dict[str, Any]) -> None:
    print(f"\n== side by side, {backend}, {systems} systems/assets: p50 / p95 / p99 ms (errors)")
    print(f"{'aisma request':<20}{'aisma':>26}   {'CISO Assistant request':<24}{'CISO Assistant':>26}{'p50 x':>8}")

    def cell(row: Any) -> str:
        return f"{row[1]:.0f} / {row[2]:.0f} / {row[3]:.0f} ({row[4]:.0f})" if row else "-"

    for ours, theirs in PAIRS:
        a, c = aisma["rows"].get(ours), ciso["rows"].get(theirs)
        ratio = f"{c[1] / a[1]:.1f}" if a and c and a[1] > 0 else "-"
        print(f"{ours:<20}{cell(a):>26}   {theirs:<24}{cell(c):>26}{ratio:>8}")
    print(
        f"{'errors, lost updates':<20}{aisma['errors']:>20}, {aisma['lost']:<5}   {'':<24}"
        f"{ciso['errors']:>20}, {ciso['lost']:<5}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--ciso-dir", required=True, help="Holds backend/ (CISO Assistant's) and venv/.")
    parser.add_argument("--backend", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--systems", type=int, nargs="+", default=[2000])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--months", type=int, default=6)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4, help="Load-generator processes.")
    parser.add_argument("--think", type=float, default=0.0, help="Mean pause (s) between a user's requests.")
    parser.add_argument("--assess-every", type=int, default=25, help="One user in N creates an assessment a round.")
    parser.add_argument("--aisma", action="store_true", help="Run bench/server.py first, same parameters.")
    parser.add_argument("--keep", action="store_true", help="Keep the work folder (logs, SQLite file).")
    args = parser.parse_args()
    backends = ("sqlite", "postgresql") if args.backend == "both" else (args.backend,)
    for systems in args.systems:
        for backend in backends:
            aisma = run_aisma(backend, systems, args) if args.aisma else None
            ciso = run_ciso(backend, systems, args)
            if aisma is not None:
                side_by_side(backend, systems, aisma, ciso)
    print(f"\nload average: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
