"""What the roadmap costs: scoring alone beside scoring plus roadmap (with its per-phase rescoring).

Not a test. Prints, for the example organization and for copies of its inventory scaled up, the
fastest of R runs of ``score`` (levels, views, gating), ``assess`` (the same plus the roadmap and one
rescoring per phase) and their ratio.

    .venv/bin/python bench/roadmap.py [--repeat R] [--scale N ...]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from aisma.assessment import assess
from aisma.cli.assess_cmd import parse_at
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.inventory.schema import Inventory
from aisma.scoring.engine import score
from aisma.scoring.inputs import AssessmentInput
from aisma.workspace.roadmap import workspace_inputs


def fastest(func: Callable[[AssessmentInput], object], inputs: AssessmentInput, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func(inputs)
        best = min(best, time.perf_counter() - start)
    return best


def scaled(inputs: AssessmentInput, factor: int) -> AssessmentInput:
    systems = tuple(s.model_copy(update={"id": f"{s.id}-{n}"}) for n in range(factor) for s in inputs.inventory.systems)
    return replace(inputs, inventory=Inventory(systems=systems))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--scale", type=int, nargs="*", default=[1, 10, 50])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "bank"
        write_example(folder, overwrite_demo=True)
        base = workspace_inputs(folder, parse_at(DEMO_ASSESSED_AT))
    print(f"{'systems':>8} {'score (ms)':>11} {'assess (ms)':>12} {'ratio':>6} {'items':>6} {'phases':>7}")
    for factor in args.scale:
        inputs = scaled(base, factor)
        plain = fastest(score, inputs, args.repeat)
        full = fastest(assess, inputs, args.repeat)
        result = assess(inputs)
        items = sum(len(p["items"]) for p in result.roadmap)
        print(
            f"{len(inputs.inventory.systems):>8} {plain * 1000:>11.1f} {full * 1000:>12.1f} {full / plain:>6.2f} "
            f"{items:>6} {len(result.roadmap):>7}"
        )
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
