"""The questionnaire of one category: its objectives grouped by level, each with the level's criteria
and the organization's current answer (with the version a save must carry)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from aisma.errors import AismaError
from aisma.maturity.schema import Category, MaturityModel, Objective

ANSWER_CHOICES: tuple[tuple[str, str], ...] = (
    ("fully", "Fully"),
    ("largely", "Largely"),
    ("partially", "Partially"),
    ("not", "Not implemented"),
    ("na", "Not applicable"),
    ("unknown", "Don't know"),
)
ANSWER_HINT = "Fully and largely count as met. Not applicable needs a justification in the note."


@dataclass(frozen=True)
class LevelGroup:
    level: int
    name: str
    description: str
    objectives: tuple[Objective, ...]


def categories(model: MaturityModel) -> list[Category]:
    return [c for d in model.domains for c in d.categories]


def find_category(model: MaturityModel, category_id: str) -> Category:
    for category in categories(model):
        if category.id == category_id:
            return category
    raise AismaError(f"no category {category_id!r} in model {model.id}")


def level_groups(model: MaturityModel, category: Category) -> list[LevelGroup]:
    names = {lv.level: lv for lv in model.levels}
    groups = []
    for level in sorted({o.level for o in category.objectives}):
        info = names.get(level)
        groups.append(
            LevelGroup(
                level=level,
                name=info.name if info else f"Level {level}",
                description=info.description if info else "",
                objectives=tuple(o for o in category.objectives if o.level == level),
            )
        )
    return groups


def progress(model: MaturityModel, answers: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Answered / total per category for the category list."""
    rows = []
    for category in categories(model):
        ids = [o.id for o in category.objectives]
        answered = sum(1 for i in ids if i in answers and _answer_word(answers[i]) not in (None, "unknown"))
        rows.append({"category": category, "answered": answered, "total": len(ids)})
    return rows


def _answer_word(record: Any) -> str | None:
    value = record.get("answer") if isinstance(record, Mapping) else getattr(record, "answer", None)
    return None if value is None else str(value)


def questionnaire_view(
    model: MaturityModel,
    category_id: str,
    answers: Mapping[str, Any],
    answerable: Callable[[Objective], bool] | None = None,
) -> dict[str, Any]:
    """``answerable`` says which objectives this user may answer (contributors: only their systems')."""
    category = find_category(model, category_id)
    allowed = {o.id for o in category.objectives if answerable is None or answerable(o)}
    return {
        "answerable": allowed,
        "model": model,
        "category": category,
        "categories": categories(model),
        "groups": level_groups(model, category),
        "answers": answers,
        "choices": ANSWER_CHOICES,
        "answer_hint": ANSWER_HINT,
    }
