"""Assess benchmark: ``aisma assess`` end to end over generated workspaces, beside DuckDB on the same evidence.

For every inventory size (``--systems``, default 200, 2,000 and 10,000 systems, a third with match globs,
see ``generate.system_document``) and every evidence size (``--records``, default 0, 100,000 and
1,000,000: that many Prowler OCSF findings and as many OTLP spans, written by ``generate.py``), builds a
workspace (aisma.yaml, inventory.yaml, no answers, the two evidence files linked under evidence/prowler
and evidence/otel) and runs ``aisma assess DIR --format json`` in a process of its own. It prints:

- wall seconds of the whole command (interpreter start, imports, collection, discovery, scoring, the
  JSON written), CPU seconds of the process tree, peak RSS of the process tree (the process's own peak
  plus each child's peak, sampled every 50 ms; the otel collector reads a big file in worker processes);
- the evidence part: the wall seconds minus those of the same inventory without evidence;
- DuckDB (threads=2) computing the collector benchmark's counts from the same two files (seconds of
  work, as in ``bench/collectors.py``), and the ratio of the evidence part to it;
- the load average before and after each run (the machine is shared: wall times swing with it).

Targets (issue 15): 2,000 systems + 1,000,000 findings + 1,000,000 spans under 60 s and 300 MB;
10,000 systems and no evidence under 10 s.

    .venv/bin/python bench/assess.py --keep
    .venv/bin/python bench/assess.py --systems 2000 --records 1000000 --keep
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402

import collectors  # noqa: E402  (bench/ is not a package)

ASSESSED_AT = collectors.ASSESSED_AT.isoformat()
TARGETS = {(2000, 1_000_000): (60.0, 300.0), (10000, 0): (10.0, None)}
AISMA_YAML = """organization: Bench Corp
model: aisma-core
targets:
  default: 3
"""


def _link(source: Path, target: Path) -> None:
    """The evidence file in the workspace without copying gigabytes: a hard link, else a symbolic one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)
    except OSError:
        target.symlink_to(source)


def workspace(folder: Path, systems: int, evidence: dict[str, Path]) -> Path:
    """A workspace of ``systems`` generated systems and the given evidence files (rebuilt each time)."""
    import yaml

    root = folder / f"workspace-{systems}-{'-'.join(p.name.split('.')[0] for p in evidence.values()) or 'none'}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "aisma.yaml").write_text(AISMA_YAML)
    (root / "answers.yaml").write_text("answers: {}\n")
    (root / "inventory.yaml").write_text(yaml.safe_dump(generate.inventory_document(systems), sort_keys=False))
    for collector, path in evidence.items():
        _link(path, root / "evidence" / collector / path.name)
    return root


# The process reports its own high-water mark and its largest child's when it exits (sampling every 50 ms
# could miss a short peak).
RUN_AISMA = """import atexit, resource, sys
def _peaks():
    own, child = (resource.getrusage(w).ru_maxrss for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
    print(f"AISMA_BENCH_RSS_KB {own} {child}", file=sys.stderr)
atexit.register(_peaks)
from aisma.cli.main import run
run()
"""


def run_assess(root: Path) -> dict[str, Any]:
    """``aisma assess`` in a process of its own: wall and CPU seconds, peak RSS of the tree, what it found."""
    out = root / "result.json"
    command = [sys.executable, "-c", RUN_AISMA, "assess", str(root)]
    command += ["--format", "json", "--out", str(out), "--at", ASSESSED_AT]
    load_before = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done, own, children = collectors.run_sampled(command)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"aisma assess {root} failed ({done.returncode}):\n{done.stderr.strip()[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    reported = [line.split()[1:] for line in done.stderr.splitlines() if line.startswith("AISMA_BENCH_RSS_KB ")]
    own_kb, child_kb = (int(x) for x in reported[-1]) if reported else (0, 0)
    result = json.loads(out.read_text())
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "peak_rss_mb": max(own, own_kb / 1024) + max(children, child_kb / 1024),
        "at_once_mb": max(collectors.AT_ONCE_MB, own_kb / 1024),
        "load": (load_before, os.getloadavg()[0]),
        "unregistered": result.get("unregistered_ai_total", len(result.get("unregistered_ai", ()))),
        "result_mb": out.stat().st_size / 1e6,
    }


def duckdb_seconds(evidence: dict[str, Path]) -> float:
    """DuckDB's seconds of work for the collector benchmark's counts over both evidence files."""
    kinds = {"prowler": "ocsf", "otel": "otlp"}
    return sum(collectors.measure("duckdb", kinds[name], path)["seconds"] for name, path in evidence.items())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--systems", type=int, nargs="+", default=[200, 2000, 10000])
    parser.add_argument("--records", type=int, nargs="+", default=[0, 100_000, 1_000_000])
    where = f"where inputs and workspaces go (default with --keep: {collectors.DEFAULT_DIR})"
    parser.add_argument("--dir", type=Path, help=where)
    parser.add_argument("--keep", action="store_true", help="keep the evidence files and reuse them when present")
    parser.add_argument("--repeat", type=int, default=1, help="runs per cell; the fastest is shown")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    folder = args.dir or (collectors.DEFAULT_DIR if args.keep else Path(tempfile.mkdtemp(prefix="aisma-bench-")))
    folder.mkdir(parents=True, exist_ok=True)
    header = (
        f"{'systems':>8}{'records':>11}{'wall s':>9}{'cpu s':>8}{'peak MB':>9}{'at once':>9}{'evidence s':>12}"
        f"{'duckdb s':>10}{'x DuckDB':>10}{'unregistered':>14}{'load before/after':>20}"
    )
    rows: list[str] = []
    verdicts: list[str] = []
    baseline: dict[int, float] = {}
    try:
        for records in sorted(args.records):
            evidence: dict[str, Path] = {}
            duck = 0.0
            if records:
                evidence["prowler"], _ = collectors.prepare("ocsf", records, folder, args.seed, keep=True)
                evidence["otel"], _ = collectors.prepare("otlp", records, folder, args.seed, keep=True)
                for path in evidence.values():
                    collectors.warm(path)
                print(f"measuring duckdb on {records:,} records ...", file=sys.stderr, flush=True)
                duck = duckdb_seconds(evidence)
            for systems in args.systems:
                print(f"measuring aisma assess: {systems} systems, {records:,} records", file=sys.stderr, flush=True)
                root = workspace(folder, systems, evidence)
                runs = [run_assess(root) for _ in range(args.repeat)]
                best = min(runs, key=lambda r: r["seconds"])
                best["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
                best["at_once_mb"] = max(r["at_once_mb"] for r in runs)
                shutil.rmtree(root, ignore_errors=True)
                if not records:
                    baseline[systems] = best["seconds"]
                part = best["seconds"] - baseline[systems] if systems in baseline and records else None
                ratio = f"{part / duck:.2f}" if part is not None and duck else "-"
                row = (
                    f"{systems:>8,}{records:>11,}{best['seconds']:>9.2f}{best['cpu_seconds']:>8.2f}"
                    f"{best['peak_rss_mb']:>9.0f}{best['at_once_mb']:>9.0f}"
                    f"{(f'{part:.2f}' if part is not None else '-'):>12}"
                    f"{(f'{duck:.2f}' if duck else '-'):>10}{ratio:>10}{best['unregistered']:>14,}"
                    f"{best['load'][0]:>11.1f} / {best['load'][1]:.1f}"
                )
                rows.append(row)
                print(row, file=sys.stderr, flush=True)
                target = TARGETS.get((systems, records))
                if target is not None:
                    limit, memory = target
                    ok = best["seconds"] < limit and (memory is None or best["peak_rss_mb"] < memory)
                    within = f"< {limit:.0f} s" + (f" and {memory:.0f} MB" if memory else "")
                    verdicts.append(
                        f"{systems:,} systems, {records:,} records: {best['seconds']:.1f} s, "
                        f"{best['peak_rss_mb']:.0f} MB as the sum of each process's peak, {best['at_once_mb']:.0f} MB "
                        f"at once (target {within}) [{'met' if ok else 'MISSED'}]"
                    )
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(header)
    print("-" * len(header))
    print("\n".join(rows))
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"\nLoad average at the end: {load} on {os.cpu_count()} CPUs (other work on the machine inflates wall times)")
    print("evidence s: wall seconds minus the same inventory's without evidence; x DuckDB: evidence s over duckdb s")
    print("peak MB: each process's peak added up (an upper bound); at once: the largest sampled sum of the tree")
    for line in verdicts:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
