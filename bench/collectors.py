"""Collector benchmark: aisma's streaming readers and collectors against DuckDB, same file, same counts.

Writes (or reuses, with ``--keep``) a Prowler OCSF file of N findings and an OTLP JSON Lines file of N
spans, then measures, each in a process of its own so the peak RSS is that process's alone:

- ``aisma reader``: ``aisma.formats.ocsf.read_findings`` / ``aisma.formats.otlp.read_spans`` folded into
  the benchmark's counts (OCSF: PASS and FAIL findings per AI check, muted excluded, and distinct
  resources per AI check; OTLP: spans per ``gen_ai.operation.name``, ``execute_tool`` spans with a
  ``gen_ai.agent.id``, distinct ``gen_ai.request.model``);
- ``aisma collector``: the ``prowler`` / ``otel`` collector's ``collect()`` when it is installed (its
  measurements, including the sha256 of the file for the provenance);
- ``duckdb``: DuckDB (``threads=2``) computing the same counts, and the collector's ratios, from the
  same file.

Every count is checked against the generator's own tally and against DuckDB; a mismatch is printed
loudly and makes the exit status 1. Times are the work inside each process (imports and interpreter
start excluded); peak RSS counts the whole process tree: the otel collector reads a big file in
worker processes, so the peak is the process's own high-water mark plus every child's peak (psutil
samples each process of the tree every 50 ms; ``ru_maxrss`` of the process and of its children are the
floor), a sum that is never below what was resident at once. CPU seconds include the children's.
Targets (issue 15): peak RSS under 250 MB, and aisma no slower than 1.3 x DuckDB. The collectors run
with an inventory of ``--systems`` generated systems (2,000 by default, a third with match globs), so
matching identifiers to systems is part of what is measured.

    .venv/bin/pip install -e '.[bench]'
    .venv/bin/python bench/collectors.py --findings 1000000 --spans 1000000 --keep
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402  (bench/ is not a package; generate.py sits next to this file)

TARGET_RSS_MB = 250.0
TARGET_RATIO = 1.3
SAMPLE_SECONDS = 0.05
AT_ONCE_MB = 0.0  # the last run_sampled's largest sampled sum of the tree's RSS (a floor: samples miss spikes)
DEFAULT_DIR = Path(tempfile.gettempdir()) / "aisma-bench"
COLLECTORS = {"ocsf": "prowler", "otlp": "otel"}
ASSESSED_AT = generate.SCAN_TIME + timedelta(days=2)  # every generated span falls in the otel window


# ----------------------------------------------------------------------------------------- workers
# Each worker runs in its own process (``collectors.py --worker ENGINE KIND FILE``) and prints one
# JSON object: the counts, the seconds of work, the CPU seconds and its own peak RSS.


def _ocsf_counts(findings: Any) -> dict[str, Any]:
    """The benchmark's OCSF counts from any iterable of ``aisma.formats.ocsf.Finding``."""
    records = 0
    tallies: dict[str, list[int]] = {}
    resources: dict[str, set[str]] = {}
    ai = generate.AI_CHECK_IDS
    for finding in findings:
        records += 1
        check = finding.check_id
        if check not in ai:
            continue
        tally = tallies.get(check)
        if tally is None:
            tally = tallies[check] = [0, 0, 0]
            resources[check] = set()
        if not finding.muted:
            if finding.status_code == "PASS":
                tally[0] += 1
            elif finding.status_code == "FAIL":
                tally[1] += 1
        resources[check].update(r.uid for r in finding.resources if r.uid)
    for check, uids in resources.items():
        tallies[check][2] = len(uids)
    return {"records": records, "ai_checks": dict(sorted(tallies.items()))}


def _otlp_counts(spans: Any) -> dict[str, Any]:
    """The benchmark's OTLP counts from any iterable of ``aisma.formats.otlp.Span``."""
    records = 0
    operations: Counter[str] = Counter()
    with_agent = 0
    models: set[str] = set()
    for span in spans:
        records += 1
        operation = span.text("gen_ai.operation.name")
        if operation:
            operations[operation] += 1
            if operation == "execute_tool" and span.text("gen_ai.agent.id"):
                with_agent += 1
        model = span.text("gen_ai.request.model")
        if model:
            models.add(model)
    return {
        "records": records,
        "operations": dict(sorted(operations.items())),
        "tool_spans_with_agent": with_agent,
        "models": len(models),
    }


def work_reader(kind: str, path: Path) -> dict[str, Any]:
    if kind == "ocsf":
        from aisma.formats.ocsf import read_findings

        return {"counts": _ocsf_counts(read_findings(path))}
    from aisma.formats.otlp import read_spans

    return {"counts": _otlp_counts(read_spans(path))}


def work_floor(kind: str, path: Path) -> dict[str, Any]:
    """Only the JSON decoding the readers do (no Finding or Span built): what no reader can go below."""
    from aisma.formats.jsonstream import JsonLines, array_items

    records = 0
    with path.open("rb") as handle:
        if kind == "ocsf":
            records = sum(1 for _ in array_items(handle))
        else:
            for document in JsonLines(handle):
                records += sum(len(scope["spans"]) for rs in document["resourceSpans"] for scope in rs["scopeSpans"])
                del document
    return {"counts": {"records": records}}


def work_collector(kind: str, path: Path, systems: int = 0, settings: dict[str, Any] | None = None) -> dict[str, Any]:
    """The collector's ``collect()`` with an inventory of ``systems`` generated systems (their match globs
    are what each identifier of the file is held against)."""
    import importlib

    from aisma.collectors.base import CollectContext
    from aisma.inventory.schema import Inventory

    module = importlib.import_module(f"aisma.collectors.{COLLECTORS[kind]}")
    inventory = Inventory.model_validate(generate.inventory_document(systems))
    context = CollectContext(assessed_at=ASSESSED_AT, inventory=inventory, settings=settings or {})
    result = module.collector().collect([path], context)
    return {
        "measurements": {m.metric: [m.numerator, m.denominator] for m in result.measurements},
        "warnings": list(result.warnings),
    }


def _prowler_metric_checks() -> dict[str, list[str]] | None:
    """The prowler collector's metric -> AI checks, to compute its ratios in SQL too (None: not installed)."""
    try:
        from aisma.collectors.prowler.checks import metrics_for
    except ImportError:
        return None
    out: dict[str, list[str]] = {}
    for check, *_ in generate.AI_CHECKS + generate.OTHER_CHECKS:
        for metric in metrics_for(check):
            out.setdefault(metric, []).append(check)
    return out


OCSF_SQL = """
WITH f AS MATERIALIZED (
    SELECT metadata.event_code AS check_id,
           upper(trim(status_code)) AS code,
           (lower(trim(status)) = 'suppressed' OR status_id = 3 OR coalesce(muted, false)) AS muted,
           resources, trim(cloud.region) AS region
    FROM read_json(?, format = 'array', columns = {
        metadata: 'STRUCT(event_code VARCHAR)', status: 'VARCHAR', status_code: 'VARCHAR',
        status_id: 'BIGINT', muted: 'BOOLEAN', resources: 'STRUCT(uid VARCHAR, region VARCHAR)[]',
        cloud: 'STRUCT(region VARCHAR)'})
),
per_check AS (
    SELECT check_id, count(*) AS findings,
           count(*) FILTER (WHERE NOT muted AND code = 'PASS') AS passed,
           count(*) FILTER (WHERE NOT muted AND code = 'FAIL') AS failed,
           len(list_distinct(flatten(list(list_transform(resources, {uid_of}))))) AS resources
    FROM f GROUP BY check_id
),
-- The prowler collector's rule: a resource is (uid, region); per check and resource a FAIL beats a
-- PASS beats a muted result.
per_resource AS (
    SELECT check_id, max(CASE WHEN muted THEN 0 WHEN code = 'PASS' THEN 1 ELSE 2 END) AS result
    FROM (SELECT check_id, code, muted, region, unnest(resources) AS r FROM f WHERE code IN ('PASS', 'FAIL'))
    GROUP BY check_id, r.uid, coalesce(nullif(trim(r.region), ''), region)
),
resource_results AS (
    SELECT check_id, count(*) FILTER (WHERE result = 1) AS pass_resources,
           count(*) FILTER (WHERE result = 2) AS fail_resources
    FROM per_resource GROUP BY check_id
)
SELECT p.check_id, p.findings, p.passed, p.failed, p.resources,
       coalesce(r.pass_resources, 0), coalesce(r.fail_resources, 0)
FROM per_check p LEFT JOIN resource_results r USING (check_id)
"""

# read_ndjson_objects + JSON paths (yyjson) was the fastest formulation tried: several times faster
# than read_json with a typed STRUCT schema, which converts every span into nested structs.
OTLP_SQL = """
WITH spans AS (
    SELECT unnest(json_extract(json, '$.resourceSpans[*].scopeSpans[*].spans[*]')) AS span
    FROM read_ndjson_objects(?)
),
kv AS (
    SELECT json_extract_string(span, '$.attributes[*].key') AS k, json_extract(span, '$.attributes[*].value') AS v
    FROM spans
),
f AS (
    SELECT json_extract_string(v[list_position(k, 'gen_ai.operation.name')], '$.stringValue') AS op,
           json_extract_string(v[list_position(k, 'gen_ai.agent.id')], '$.stringValue') AS agent,
           json_extract_string(v[list_position(k, 'gen_ai.agent.name')], '$.stringValue') AS agent_name,
           json_extract_string(v[list_position(k, 'gen_ai.request.model')], '$.stringValue') AS model
    FROM kv
)
SELECT grouping(op) AS everything, op, count(*), count(agent) FILTER (WHERE op = 'execute_tool'),
       count(*) FILTER (WHERE op = 'execute_tool' AND (agent <> '' OR agent_name <> '')),
       count(DISTINCT model) FILTER (WHERE model <> '')
FROM f GROUP BY GROUPING SETS ((op), ())
"""


def _uid_lambda(version: str) -> str:
    """DuckDB 1.3 added Python-style lambdas and 2.0 refuses the old arrow: pick the one that works."""
    major, minor = (int(part) for part in version.split(".")[:2])
    return "lambda r: r.uid" if (major, minor) >= (1, 3) else "r -> r.uid"


def work_duckdb(kind: str, path: Path) -> dict[str, Any]:
    import duckdb

    con = duckdb.connect(config={"threads": 2})
    if kind == "ocsf":
        sql = OCSF_SQL.replace("{uid_of}", _uid_lambda(duckdb.__version__))
        rows = con.execute(sql, [str(path)]).fetchall()
        ai_checks = {
            check: [passed, failed, resources]
            for check, _n, passed, failed, resources, _p, _f in rows
            if check in generate.AI_CHECK_IDS
        }
        counts = {"records": sum(row[1] for row in rows), "ai_checks": dict(sorted(ai_checks.items()))}
        measurements: dict[str, list[float]] = {}
        for metric, checks in (_prowler_metric_checks() or {}).items():
            passed = sum(row[5] for row in rows if row[0] in checks)
            failed = sum(row[6] for row in rows if row[0] in checks)
            if passed + failed:
                measurements[metric] = [float(passed), float(passed + failed)]
        return {"counts": counts, "measurements": measurements}
    rows = con.execute(OTLP_SQL, [str(path)]).fetchall()
    total = next(row[1:] for row in rows if row[0])
    groups = {row[1]: row[1:] for row in rows if not row[0] and row[1]}
    tool = groups.get("execute_tool")
    counts = {
        "records": total[1],
        "operations": {op: row[1] for op, row in sorted(groups.items())},
        "tool_spans_with_agent": tool[2] if tool else 0,
        "models": total[4],
    }
    measurements = {}
    if tool is not None:
        measurements["otel.tool_calls.agent_identity_ratio"] = [float(tool[3]), float(tool[1])]
    return {"counts": counts, "measurements": measurements}


WORKERS: dict[str, Callable[[str, Path, int], dict[str, Any]]] = {
    "floor": lambda kind, path, _systems: work_floor(kind, path),
    "reader": lambda kind, path, _systems: work_reader(kind, path),
    "collector": work_collector,
    # The otel collector reads a big file in two worker processes by default; one process, for comparison.
    "collector-1": lambda kind, path, systems: work_collector(kind, path, systems, {"workers": 1}),
    "duckdb": lambda kind, path, _systems: work_duckdb(kind, path),
}


def run_worker(engine: str, kind: str, path: Path, systems: int) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    out = WORKERS[engine](kind, path, systems)
    out["seconds"] = time.perf_counter() - started
    children = resource.getrusage(resource.RUSAGE_CHILDREN)  # worker processes, once they are reaped
    out["cpu_seconds"] = time.process_time() - cpu + children.ru_utime + children.ru_stime
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    out["children_rss_mb"] = children.ru_maxrss / 1024  # the largest child's peak
    print(json.dumps(out))


# ----------------------------------------------------------------------------------------- driver
def run_sampled(command: list[str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    """Run ``command``, sampling the RSS of it and of each of its descendants every 50 ms.

    Returns the finished process, the process's own peak and the sum of its children's peaks (MB):
    their sum is never below what the tree held at once.
    """
    import psutil

    env = {**os.environ, "PYTHONHASHSEED": "0"}
    # The commands are this benchmark's own (its script or aisma) with arguments of our own.
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:  # noqa: S603
        watched = psutil.Process(proc.pid)
        peaks: dict[int, int] = {}  # each process's own peak: pid -> bytes
        global AT_ONCE_MB
        at_once = 0  # the largest sum of the tree's RSS in one sample (what it held at the same time)
        while proc.poll() is None:
            try:
                tree = [watched, *watched.children(recursive=True)]
            except psutil.Error:
                break
            sample = 0
            for process in tree:
                try:
                    rss = process.memory_info().rss
                except psutil.Error:
                    continue
                peaks[process.pid] = max(peaks.get(process.pid, 0), rss)
                sample += rss
            at_once = max(at_once, sample)
            time.sleep(SAMPLE_SECONDS)
        AT_ONCE_MB = at_once / 2**20
        stdout, stderr = proc.communicate()
    done = subprocess.CompletedProcess(command, proc.returncode, stdout, stderr)
    own = peaks.pop(proc.pid, 0) / 2**20
    return done, own, sum(peaks.values()) / 2**20


def measure(engine: str, kind: str, path: Path, systems: int = 0) -> dict[str, Any]:
    """Run one worker process (``run_sampled``) and read what it printed."""
    command = [sys.executable, str(Path(__file__).resolve()), "--worker", engine, kind, str(path)]
    done, own, children = run_sampled([*command, "--systems", str(systems)])
    if done.returncode != 0:
        raise SystemExit(f"{engine} on {path.name} failed ({done.returncode}):\n{done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["children_peak_mb"] = children
    result["peak_rss_mb"] = max(result["rss_mb"], own) + max(children, result["children_rss_mb"])
    return result


def best_of(runs: int, engine: str, kind: str, path: Path, systems: int = 0) -> dict[str, Any]:
    results = [measure(engine, kind, path, systems) for _ in range(runs)]
    best = min(results, key=lambda r: r["seconds"])
    best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in results)
    return best


def collector_installed(kind: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(f"aisma.collectors.{COLLECTORS[kind]}") is not None


def prepare(kind: str, n: int, folder: Path, seed: int, keep: bool) -> tuple[Path, dict[str, Any]]:
    name = f"prowler-{n}-s{seed}.ocsf.json" if kind == "ocsf" else f"traces-{n}-s{seed}.otlp.jsonl"
    path = folder / name
    sidecar = path.with_name(path.name + ".expected.json")
    if keep and path.is_file() and sidecar.is_file():
        print(f"reusing {path}", file=sys.stderr)
        return path, json.loads(sidecar.read_text())
    print(f"writing {path} ...", file=sys.stderr, flush=True)
    started = time.perf_counter()
    write = generate.write_ocsf if kind == "ocsf" else generate.write_otlp
    expected = write(path, n, seed).as_json()
    sidecar.write_text(json.dumps(expected) + "\n")
    size = path.stat().st_size / 1e6
    print(f"  {size:.0f} MB in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return path, expected


def warm(path: Path) -> None:
    """Read the file once so every engine starts with it in the page cache."""
    with path.open("rb") as handle:
        while handle.read(1 << 24):
            pass


def _fmt_rate(records: int, seconds: float) -> str:
    return f"{records / seconds:,.0f}" if seconds else "-"


def report(
    kind: str, path: Path, rows: list[tuple[str, dict[str, Any]]], duck: dict[str, Any], problems: list[str]
) -> list[str]:
    """Print the table for one file; return the lines of the targets verdict."""
    size = path.stat().st_size / 1e6
    records = duck["counts"]["records"]
    header = f"{'engine':<24}{'input MB':>10}{'records':>11}{'seconds':>9}{'cpu s':>8}{'records/s':>12}"
    header += f"{'peak RSS MB':>13}{'x DuckDB':>10}"
    print(f"\n{kind.upper()}: {path}")
    print(header)
    print("-" * len(header))
    verdict = []
    for label, result in [*rows, ("duckdb (threads=2)", duck)]:
        ratio = result["seconds"] / duck["seconds"] if duck["seconds"] else float("nan")
        print(
            f"{label:<24}{size:>10,.0f}{records:>11,}{result['seconds']:>9.2f}{result['cpu_seconds']:>8.2f}"
            f"{_fmt_rate(records, result['seconds']):>12}{result['peak_rss_mb']:>13.0f}{ratio:>10.2f}"
        )
        if label.startswith("aisma"):
            rss_ok = result["peak_rss_mb"] < TARGET_RSS_MB
            time_ok = ratio <= TARGET_RATIO
            rss = f"{'<' if rss_ok else '>='} {TARGET_RSS_MB:.0f} MB [{'met' if rss_ok else 'MISSED'}]"
            speed = f"{'<=' if time_ok else '>'} {TARGET_RATIO} [{'met' if time_ok else 'MISSED'}]"
            verdict.append(
                f"{kind} {label}: peak RSS {result['peak_rss_mb']:.0f} MB {rss}; time {ratio:.3f} x DuckDB {speed}"
            )
    for problem in problems:
        print(f"!!! MISMATCH: {problem}")
    return verdict


def compare(what: str, got: Any, want: Any, problems: list[str]) -> None:
    if got != want:
        problems.append(f"{what}: {json.dumps(got, sort_keys=True)[:600]} != {json.dumps(want, sort_keys=True)[:600]}")


def bench_kind(kind: str, n: int, folder: Path, args: argparse.Namespace) -> tuple[list[str], list[str]]:
    path, expected = prepare(kind, n, folder, args.seed, args.keep)
    warm(path)
    problems: list[str] = []
    rows: list[tuple[str, dict[str, Any]]] = []
    print(f"measuring {kind}: aisma reader ...", file=sys.stderr, flush=True)
    reader = best_of(args.repeat, "reader", kind, path)
    rows.append(("aisma reader", reader))
    collector = None
    if collector_installed(kind) and not args.no_collector:
        print(f"measuring {kind}: aisma collector {COLLECTORS[kind]} ...", file=sys.stderr, flush=True)
        collector = best_of(args.repeat, "collector", kind, path, args.systems)
        rows.append((f"aisma collector {COLLECTORS[kind]}", collector))
        if kind == "otlp":
            print(f"measuring {kind}: aisma collector, 1 process ...", file=sys.stderr, flush=True)
            one = best_of(args.repeat, "collector-1", kind, path, args.systems)
            rows.append(("aisma otel, 1 process", one))
            compare(
                f"{kind} collector, 1 process vs 2 workers", one["measurements"], collector["measurements"], problems
            )
    if args.floor:
        print(f"measuring {kind}: json decode only ...", file=sys.stderr, flush=True)
        floor = best_of(args.repeat, "floor", kind, path)
        rows.append(("json decode only (floor)", floor))
    print(f"measuring {kind}: duckdb ...", file=sys.stderr, flush=True)
    duck = best_of(args.repeat, "duckdb", kind, path)
    if args.floor:
        compare(f"{kind} json decode only vs duckdb", floor["counts"]["records"], duck["counts"]["records"], problems)
    compare(f"{kind} aisma reader vs generator", reader["counts"], expected, problems)
    compare(f"{kind} duckdb vs generator", duck["counts"], expected, problems)
    compare(f"{kind} aisma reader vs duckdb", reader["counts"], duck["counts"], problems)
    if collector is not None:
        for metric, want in duck["measurements"].items():
            compare(f"{kind} collector {metric} vs duckdb", collector["measurements"].get(metric), want, problems)
    verdict = report(kind, path, rows, duck, problems)
    if collector is None:
        print(f"(the {COLLECTORS[kind]} collector is not installed: only the reader path was measured)")
    else:
        compared = ", ".join(sorted(duck["measurements"])) or "none"
        print(f"collector measurements checked against DuckDB: {compared}")
    return verdict, problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="aisma collector benchmark against DuckDB")
    parser.add_argument("--findings", type=int, default=1_000_000, help="OCSF findings (0: skip)")
    parser.add_argument("--spans", type=int, default=1_000_000, help="OTLP spans (0: skip)")
    parser.add_argument("--dir", type=Path, help=f"where the inputs go (default with --keep: {DEFAULT_DIR})")
    parser.add_argument("--keep", action="store_true", help="keep the inputs, and reuse them when present")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per engine; the fastest is shown")
    parser.add_argument("--no-collector", action="store_true", help="measure the readers only")
    parser.add_argument(
        "--floor", action="store_true", help="also time the JSON decoding alone (no Finding or Span objects)"
    )
    parser.add_argument(
        "--systems", type=int, default=2000, help="systems in the collectors' inventory (a third with match globs)"
    )
    parser.add_argument("--worker", nargs=3, metavar=("ENGINE", "KIND", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        engine, kind, file = args.worker
        run_worker(engine, kind, Path(file), args.systems)
        return 0
    folder = args.dir or (DEFAULT_DIR if args.keep else Path(tempfile.mkdtemp(prefix="aisma-bench-")))
    folder.mkdir(parents=True, exist_ok=True)
    verdicts: list[str] = []
    problems: list[str] = []
    try:
        for kind, n in (("ocsf", args.findings), ("otlp", args.spans)):
            if n > 0:
                verdict, found = bench_kind(kind, n, folder, args)
                verdicts += verdict
                problems += found
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nInventory: {args.systems} systems (bench/generate.py system_document; a third with match globs)")
    print(f"Load average at the end: {load} on {os.cpu_count()} CPUs (other work on the machine inflates wall times)")
    print(f"Targets: peak RSS < {TARGET_RSS_MB:.0f} MB; time <= {TARGET_RATIO} x DuckDB")
    for line in verdicts:
        print(f"  {line}")
    if problems:
        print(f"\n!!! {len(problems)} COUNT MISMATCH(ES): the figures above are not comparable")
        return 1
    print("\nAll counts agree (generator, aisma, DuckDB).")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
