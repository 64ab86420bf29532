"""Category levels (C2M2's cumulative rule, with no vacuous levels), scores, and gates.

Kept apart from objective resolution so the rules of docs/scoring.md can be read here in one place:

- level = the highest L such that every applicable objective at levels 1..L is met *and* level L
  itself has an applicable objective, met. A level with nothing applicable is never reached on its
  own: below the first applicable level it is not met by default (a view whose objectives start at
  level 3 is level 0 until they are met), between two applicable levels it is bridged by meeting the
  one above, and above the last applicable level it is not reached. Nothing met is level 0; nothing
  applicable at all is n/a (None), never a number.
- score = level plus the achievement (mean answer value) of the next level that has applicable
  objectives, so it stays below level + 1.
- gates cap levels while their prerequisite category is too low. A gate's ``below`` is capped at the
  prerequisite's highest applicable level, the same cap targets get (aisma.scoring.targets): a
  prerequisite with every applicable objective met is as mature as it can be, and with nothing
  applicable above level 1 a "DAT below 2" gate would otherwise hold forever.

The same function scores categories, views (CSF functions, AI RMF functions, EU AI Act articles) and
tracks, so none of them can show a level that no met objective supports.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from aisma.maturity.schema import Gate
from aisma.scoring.inputs import ANSWER_VALUES
from aisma.scoring.results import CapApplied, ObjectiveResult

# While a gate holds, a capped category may show progress toward the next level but never reach it.
CAP_PROGRESS_LIMIT = 0.99


@dataclass(frozen=True)
class RawScore:
    level: int
    score: float
    coverage: float


def _met(objective: ObjectiveResult, evidenced: bool) -> bool:
    return (objective.evidenced_status if evidenced else objective.status) == "met"


def _value(objective: ObjectiveResult, evidenced: bool) -> float:
    if evidenced and objective.evidenced_status == "unknown":
        return 0.0
    return objective.value


def raw_score(objectives: Sequence[ObjectiveResult], levels: Sequence[int], evidenced: bool) -> RawScore | None:
    """Uncapped level, score and coverage of a set of objectives; None when none is applicable."""
    applicable = [o for o in objectives if o.applicable]
    if not applicable:
        return None
    by_level: dict[int, list[ObjectiveResult]] = {}
    for o in applicable:
        by_level.setdefault(o.level, []).append(o)
    # Only levels that hold applicable objectives can be reached; the others are skipped over.
    populated = [lv for lv in sorted(lv for lv in levels if lv >= 1) if by_level.get(lv)]
    level = 0
    nxt: list[ObjectiveResult] = []
    for lv in populated:
        if all(_met(o, evidenced) for o in by_level[lv]):
            level = lv
        else:
            nxt = by_level[lv]
            break
    score = float(level)
    if nxt:
        score += sum(_value(o, evidenced) for o in nxt) / len(nxt)
    coverage = sum(_value(o, evidenced) for o in applicable) / len(applicable)
    return RawScore(level=level, score=score, coverage=coverage)


def highest_applicable(objectives: Sequence[ObjectiveResult]) -> int | None:
    """The highest level with an applicable objective: no level above it can be reached (None: nothing applies)."""
    return max((o.level for o in objectives if o.applicable), default=None)


def gate_threshold(gate: Gate, ceilings: Mapping[str, int | None] | None) -> int:
    """The level the gate's condition category must reach: ``below``, capped at its highest applicable level."""
    ceiling = (ceilings or {}).get(gate.when.category)
    return gate.when.below if ceiling is None else min(gate.when.below, ceiling)


def apply_gates(
    levels: Mapping[str, int | None], gates: Sequence[Gate], ceilings: Mapping[str, int | None] | None = None
) -> dict[str, CapApplied]:
    """The binding cap per category, iterated to a fixed point so gates may chain.

    A category whose own level is not applicable (None) triggers no gate: there is nothing to gate on.
    ``ceilings`` (each category's ``highest_applicable``) lowers a gate's threshold to what its
    condition category can reach.
    """
    effective: dict[str, int | None] = dict(levels)
    binding: dict[str, CapApplied] = {}
    for _ in range(len(gates) + 1):
        caps: dict[str, CapApplied] = {}
        for gate in gates:
            condition_level = effective.get(gate.when.category)
            if condition_level is None or condition_level >= gate_threshold(gate, ceilings):
                continue
            for category in gate.cap.categories:
                current = caps.get(category)
                if current is None or gate.cap.level < current.cap:
                    caps[category] = CapApplied(
                        gate=gate.id,
                        condition_category=gate.when.category,
                        condition_level=condition_level,
                        below=gate.when.below,
                        cap=gate.cap.level,
                        reason=gate.reason.strip(),
                    )
        new_effective = {
            cid: (None if lv is None else min(lv, caps[cid].cap) if cid in caps else lv) for cid, lv in levels.items()
        }
        binding = caps
        if new_effective == effective:
            break
        effective = new_effective
    return binding


def capped(raw: RawScore, cap: CapApplied | None) -> tuple[int, float, CapApplied | None]:
    """Level and score after a cap; the cap is reported only when it lowers something."""
    if cap is None:
        return raw.level, raw.score, None
    level = min(raw.level, cap.cap)
    score = min(raw.score, cap.cap + CAP_PROGRESS_LIMIT)
    binds = level < raw.level or score < raw.score
    return level, score, cap if binds else None


def answer_value(word: str | None) -> float:
    return ANSWER_VALUES.get(word or "unknown", 0.0)
