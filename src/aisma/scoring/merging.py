"""Several measurements of one metric, merged into the one value an objective is judged on.

Parts merge by summing numerators and denominators, or, when every part names the entities it
counts (``population``/``covered``), as a union of those ids. A *stale* part (past the objective's
``max_age_days``) still counts in the denominator but no longer in the numerator's favour: a system
or file whose only evidence went stale stays in the ratio as unmeasured, so a failing source that
ages out cannot turn 6/7 into 6/6 (docs/scoring.md, "Time alone never improves anything").
For a lower-is-better metric (attack success rates) "unmeasured" is the failing end: a stale part's
whole denominator counts as failing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aisma.scoring.inputs import Measurement


@dataclass(frozen=True)
class MergedMeasurement:
    metric: str
    value: float
    numerator: float | None
    denominator: float | None
    observed_at: datetime
    parts: tuple[Measurement, ...]
    details: tuple[str, ...] = ()
    stale_parts: tuple[Measurement, ...] = ()
    # Value-only parts of a lower-is-better metric cannot be weighted: any stale one fails the merge.
    fails_for_staleness: bool = False


def _usable(measurements: Sequence[Measurement]) -> list[Measurement]:
    return [m for m in measurements if m.ratio is not None]


def merge(
    measurements: Sequence[Measurement], stale: Sequence[Measurement] = (), higher_is_better: bool = True
) -> MergedMeasurement | None:
    """Merge the fresh ``measurements`` with the ``stale`` ones counted as unmeasured; None when nothing is usable.

    Without stale parts this is the plain merge: numerators and denominators summed, or a union of
    entity ids when every part carries them (a system red-teamed by garak and not by promptfoo is
    covered, once).
    """
    fresh, old = _usable(measurements), _usable(stale)
    parts = fresh + old
    if not parts:
        return None
    details = tuple(sorted({d for p in fresh for d in p.details}))
    observed_at = min(m.observed_at for m in parts)
    if len(parts) > 1 and all(m.population is not None and m.covered is not None for m in parts):
        population = {entity for m in parts for entity in m.population or ()}
        covered = {entity for m in fresh for entity in m.covered or ()}
        if not higher_is_better:  # the numerator counts failures: unmeasured entities fail
            covered |= {entity for m in old for entity in m.population or ()}
        covered &= population
        if population:
            folded = {entity.casefold() for entity in covered} if higher_is_better else set()
            return MergedMeasurement(
                metric=parts[0].metric,
                value=len(covered) / len(population),
                numerator=float(len(covered)),
                denominator=float(len(population)),
                observed_at=observed_at,
                parts=tuple(fresh),
                details=tuple(d for d in details if d.split(": ", 1)[0].casefold() not in folded),
                stale_parts=tuple(old),
            )
    fails = False
    if all(m.numerator is not None and m.denominator is not None for m in parts):
        numerator = sum(m.numerator or 0.0 for m in fresh)
        if not higher_is_better:
            numerator += sum(m.denominator or 0.0 for m in old)
        denominator = sum(m.denominator or 0.0 for m in parts)
        value = numerator / denominator if denominator else 0.0
        merged_num: float | None = numerator
        merged_den: float | None = denominator
    else:
        # Value-only parts: a plain mean; a stale one counts as 0 when higher is better and fails the
        # merge when lower is better (no weight tells how bad "unmeasured" is).
        value = sum(m.ratio or 0.0 for m in fresh) / len(parts)
        fails = bool(old) and not higher_is_better
        if fails:
            value = sum(m.ratio or 0.0 for m in fresh) / len(fresh) if fresh else 0.0
        merged_num = merged_den = None
    return MergedMeasurement(
        metric=parts[0].metric,
        value=value,
        numerator=merged_num,
        denominator=merged_den,
        observed_at=observed_at,
        parts=tuple(fresh),
        details=details,
        stale_parts=tuple(old),
        fails_for_staleness=fails,
    )
