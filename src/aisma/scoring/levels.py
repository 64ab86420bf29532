"""Category levels (C2M2's cumulative rule), scores, and gates.

Kept apart from objective resolution so the rules in DESIGN.md "Scoring rules" can be read here
in one place: level = highest L with every applicable objective at 1..L met; score = level plus the
achievement of level L+1; gates cap levels while their prerequisite category is too low.
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
    ordered = sorted(lv for lv in levels if lv >= 1)
    level = 0
    for lv in ordered:
        if all(_met(o, evidenced) for o in by_level.get(lv, [])):
            level = lv
        else:
            break
    score = float(level)
    following = [lv for lv in ordered if lv > level]
    if following:
        nxt = by_level.get(following[0], [])
        if nxt:
            score += sum(_value(o, evidenced) for o in nxt) / len(nxt)
    coverage = sum(_value(o, evidenced) for o in applicable) / len(applicable)
    return RawScore(level=level, score=score, coverage=coverage)


def apply_gates(levels: Mapping[str, int | None], gates: Sequence[Gate]) -> dict[str, CapApplied]:
    """The binding cap per category, iterated to a fixed point so gates may chain.

    A category whose own level is not applicable (None) triggers no gate: there is nothing to gate on.
    """
    effective: dict[str, int | None] = dict(levels)
    binding: dict[str, CapApplied] = {}
    for _ in range(len(gates) + 1):
        caps: dict[str, CapApplied] = {}
        for gate in gates:
            condition_level = effective.get(gate.when.category)
            if condition_level is None or condition_level >= gate.when.below:
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
