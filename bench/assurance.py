"""Continuous-assurance benchmark: an organization re-assessed on a schedule while users read the dashboard.

Seeds an organization with N AI systems (``--systems``, default 2,000) and an answer to every
objective, starts ``aisma serve --workers 2`` (plus an ``aisma worker`` on PostgreSQL), creates a
schedule ``* * * * *`` (re-assess every minute) and runs ``--users`` readers (default 50; half
browser sessions reading the dashboard page, half API tokens reading the trend and the latest
result) for ``--minutes`` (default 10). Then it reads back the scheduled jobs and prints:

- dashboard p50/p95/p99 and errors, per kind (target: p99 under 500 ms);
- job lag: from the minute the schedule fired to the job's start and to its end (target: under one
  interval, 60 s), how many runs fired against the minutes that passed (each minute once);
- the load generator's own CPU time and the machine's load average, so the figures can be judged.

    .venv/bin/python bench/assurance.py --backend sqlite --systems 2000 --minutes 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parent))
from server_setup import ORG_SLUG, database_for, seed, start_server, stop

API = f"/api/v1/orgs/{ORG_SLUG}"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))] if ordered else float("nan")


THINK_SECONDS = 0.5  # a reader's mean pause between rounds


async def reader(
    url: str,
    credential: dict[str, str],
    until: float,
    latencies: dict[str, list[float]],
    errors: dict[str, int],
    think: random.Random | None,
) -> None:
    """One user: a round of requests, then a pause (exponential with mean THINK_SECONDS, or exactly
    THINK_SECONDS with ``think`` None). Fixed pauses keep readers in step: after any stall they all
    come back in the same instant, so the benchmark measures waves of 50 requests, not 50 users."""
    headers = {"Authorization": f"Bearer {credential['token']}"} if credential["kind"] == "token" else {}
    cookies = {"aisma_session": credential["token"]} if credential["kind"] == "session" else {}
    async with httpx.AsyncClient(base_url=url, headers=headers, cookies=cookies, timeout=120) as client:
        while time.monotonic() < until:
            calls = (
                [("dashboard (page)", f"/orgs/{ORG_SLUG}")]
                if credential["kind"] == "session"
                else [("dashboard (API trend)", f"{API}/trend"), ("dashboard (API latest)", f"{API}/results/latest")]
            )
            for kind, path in calls:
                started = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                except httpx.HTTPError:
                    ok = False
                latencies.setdefault(kind, []).append(time.perf_counter() - started)
                if not ok:
                    errors[kind] = errors.get(kind, 0) + 1
            await asyncio.sleep(think.expovariate(1 / THINK_SECONDS) if think is not None else THINK_SECONDS)


async def run_readers(
    url: str, credentials: list[dict[str, str]], seconds: float, fixed_think: bool
) -> tuple[dict[str, list[float]], dict[str, int]]:
    latencies: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    until = time.monotonic() + seconds
    pauses = [None if fixed_think else random.Random(n) for n in range(len(credentials))]  # noqa: S311
    await asyncio.gather(
        *(reader(url, c, until, latencies, errors, p) for c, p in zip(credentials, pauses, strict=True))
    )
    return latencies, errors


def scheduled_jobs(url: str, token: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
        next_url: str | None = f"{API}/jobs?limit=1000"
        while next_url:
            response = client.get(next_url)
            found += [j for j in response.json() if str(j.get("created_by", "")).startswith("schedule")]
            link = response.headers.get("link", "")
            next_url = link.split(";")[0].strip("<> ") if 'rel="next"' in link else None
    return found


def bench(
    backend: str, systems: int, users: int, minutes: float, separate_worker: bool = False, fixed_think: bool = False
) -> int:
    work = Path(tempfile.mkdtemp(prefix="aisma-assurance-bench-"))
    database_url, drop = database_for(backend, work)
    processes: list[Any] = []
    try:
        seeded = seed(database_url, users, systems, months=1)
        print(f"seeded {systems} systems, {users} users in {seeded['seconds']:.0f} s")
        (work / "data").mkdir(parents=True, exist_ok=True)
        processes, url = start_server(database_url, work / "data", workers=2, separate_worker=separate_worker)
        token = next(c["token"] for c in seeded["credentials"] if c["kind"] == "token")
        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=120) as client:
            made = client.post(f"{API}/schedules", json={"kind": "assess", "cron": "* * * * *"})
            assert made.status_code == 201, made.text
        cpu_before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.monotonic()
        latencies, errors = asyncio.run(run_readers(url, seeded["credentials"], minutes * 60, fixed_think))
        elapsed = time.monotonic() - started
        cpu_after = resource.getrusage(resource.RUSAGE_SELF)
        time.sleep(90)  # let the last fired job finish before reading the jobs back
        jobs = scheduled_jobs(url, token)
        jobs_where = "an aisma worker process" if separate_worker or backend != "sqlite" else "each server process"
        pauses = f"fixed {THINK_SECONDS} s" if fixed_think else f"exponential, mean {THINK_SECONDS} s"
        print(
            f"\n{backend}, {systems} systems, {users} readers, {minutes:g} min, jobs in {jobs_where}, pauses {pauses}"
        )
        print(f"load average {os.getloadavg()}")
        print(f"{'kind':<24}{'count':>8}{'p50 ms':>10}{'p95 ms':>10}{'p99 ms':>10}{'errors':>8}")
        for kind, values in sorted(latencies.items()):
            print(
                f"{kind:<24}{len(values):>8}{percentile(values, 0.5) * 1000:>10.0f}"
                f"{percentile(values, 0.95) * 1000:>10.0f}{percentile(values, 0.99) * 1000:>10.0f}"
                f"{errors.get(kind, 0):>8}"
            )
        start_lag, done_lag = [], []
        for job in jobs:
            created = datetime.fromisoformat(job["created_at"])
            fire = created.replace(second=0, microsecond=0)
            if job.get("started_at"):
                start_lag.append((datetime.fromisoformat(job["started_at"]) - fire).total_seconds())
            if job.get("finished_at"):
                done_lag.append((datetime.fromisoformat(job["finished_at"]) - fire).total_seconds())
        statuses = {s: sum(1 for j in jobs if j["status"] == s) for s in ("succeeded", "failed", "queued", "running")}
        window = (elapsed + 90) / 60
        print(f"scheduled runs: {len(jobs)} over {window:.1f} minutes of schedule, one a minute expected ({statuses})")
        if done_lag:
            print(
                f"job lag to start: p50 {statistics.median(start_lag):.1f} s, max {max(start_lag):.1f} s; "
                f"to done: p50 {statistics.median(done_lag):.1f} s, max {max(done_lag):.1f} s (interval 60 s)"
            )
        overhead = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
        print(f"load generator CPU: {overhead:.1f} s over {elapsed:.0f} s ({100 * overhead / elapsed:.0f}% of a core)")
        return 1 if sum(errors.values()) or statuses["failed"] else 0
    finally:
        stop(processes)
        if drop is not None:
            drop()
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--systems", type=int, default=2000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument(
        "--separate-worker",
        action="store_true",
        help="SQLite: run jobs in an aisma worker process instead of a thread of each server process",
    )
    parser.add_argument(
        "--fixed-think",
        action="store_true",
        help=f"every reader pauses exactly {THINK_SECONDS} s between rounds (the first runs of this benchmark)",
    )
    args = parser.parse_args()
    raise SystemExit(
        bench(args.backend, args.systems, args.users, args.minutes, args.separate_worker, args.fixed_think)
    )


if __name__ == "__main__":
    main()
