"""Every objective of the organization's model as one row: its current answer and life-cycle status, and
what the latest assessment made of it (met or not, the measured value and its age, stale or not).

The questionnaire's list and its exports read these rows; the category pages show the measured value
beside each answer. The measured value is the one the latest assessment scored (its sources combined
as the scoring combines them), so the questionnaire never shows a number the score did not use; its
age is counted to now, so a value that has aged past its objective's maximum since says so.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aisma.maturity.schema import MaturityModel, Objective
from aisma.web.features.answers.schemas import AnswerOut

# The list's "show" filter: which objectives a person wants to work on.
STATES = ("unanswered", "unmet", "met", "stale", "measured", "conflict")


@dataclass(frozen=True)
class Measured:
    value: float
    numerator: float | None
    denominator: float | None
    observed_at: datetime | None
    age_days: int | None
    fresh: bool  # what the assessment said; ``aged`` says whether it has aged past its maximum since
    aged: bool
    tools: str

    @property
    def shown(self) -> str:
        ratio = f" ({self.numerator:g}/{self.denominator:g})" if self.denominator else ""
        return f"{self.value:.3f}{ratio}"

    @property
    def age(self) -> str:
        if self.age_days is None:
            return "age unknown"
        return "today" if self.age_days == 0 else f"{self.age_days} day{'s' if self.age_days != 1 else ''} ago"


@dataclass(frozen=True)
class ObjectiveRow:
    objective: Objective
    category: str
    answer: AnswerOut | None
    assessed: str  # met, unmet, unknown, na; empty before any assessment
    measured: Measured | None
    stale: str  # why the objective's evidence is stale (empty when it is not)
    conflict: bool

    @property
    def unanswered(self) -> bool:
        return self.answer is None or self.answer.answer == "unknown"

    def is_(self, state: str) -> bool:
        checks = {
            "unanswered": self.unanswered,
            "unmet": self.assessed == "unmet",
            "met": self.assessed == "met",
            "stale": bool(self.stale),
            "measured": self.measured is not None,
            "conflict": self.conflict,
        }
        return checks.get(state, True)


def _time(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def measured_from(found: Mapping[str, Any] | None, max_age_days: int | None, now: datetime) -> Measured | None:
    """The measurement the assessment scored for one objective (``result`` objective's ``measurement``)."""
    if not found or found.get("value") is None:
        return None
    observed = _time(found.get("observed_at"))
    age = (now - observed).days if observed is not None and observed.tzinfo is not None else None
    tools = ", ".join(sorted({str(s.get("tool", "")) for s in found.get("sources") or () if s.get("tool")}))
    return Measured(
        value=float(found["value"]),
        numerator=found.get("numerator"),
        denominator=found.get("denominator"),
        observed_at=observed,
        age_days=max(age, 0) if age is not None else None,
        fresh=bool(found.get("fresh", True)),
        aged=bool(max_age_days and age is not None and age > max_age_days),
        tools=tools,
    )


def _stale_reason(found: Mapping[str, Any], measured: Measured | None, now: datetime) -> str:
    stale = found.get("stale")
    if isinstance(stale, Mapping):
        return f"{stale.get('what', 'evidence')} stale since {str(stale.get('since', ''))[:10]}"
    if measured is not None and (not measured.fresh or measured.aged):
        return "measurement past its maximum age"
    until = _time(found.get("valid_until"))
    if until is not None and until.tzinfo is not None and until < now:
        return f"evidence lapsed on {until.date().isoformat()}"
    return ""


def result_objectives(result: Mapping[str, Any] | None) -> dict[str, Mapping[str, Any]]:
    """Objective id -> the latest assessment's view of it (empty before any assessment)."""
    if not result:
        return {}
    return {o["id"]: o for c in result.get("categories", ()) for o in c.get("objectives", ()) if "id" in o}


def objective_rows(
    model: MaturityModel, answers: Mapping[str, AnswerOut], result: Mapping[str, Any] | None, now: datetime
) -> list[ObjectiveRow]:
    assessed = result_objectives(result)
    rows = []
    for category in model.categories():
        for objective in category.objectives:
            found = assessed.get(objective.id, {})
            measured = measured_from(found.get("measurement"), objective.measurement.max_age_days, now)
            rows.append(
                ObjectiveRow(
                    objective=objective,
                    category=category.id,
                    answer=answers.get(objective.id),
                    assessed=str(found.get("status", "")),
                    measured=measured,
                    stale=_stale_reason(found, measured, now) if found else "",
                    conflict=bool(found.get("conflict")),
                )
            )
    return rows
