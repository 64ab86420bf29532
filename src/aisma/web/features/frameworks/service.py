"""The posture of an organization's latest assessment against a built-in framework.

Read-only: nothing is stored. The latest stored result is re-read through the shipped mapping set
from its model to the framework (aisma.frameworks), so the page shows exactly what
``aisma framework assess`` shows for the same answers.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from aisma.frameworks.builtin import builtin_frameworks, shipped_mapping
from aisma.frameworks.model import Framework
from aisma.frameworks.posture import FrameworkPosture, framework_posture
from aisma.scoring.snapshot import result_from_dict
from aisma.server.auth import Actor
from aisma.server.errors import NotFound
from aisma.server.models import model_by_id
from aisma.web.features.assessments.service import latest_assessment


@dataclass(frozen=True)
class FrameworkChoice:
    id: str
    title: str


def choices() -> list[FrameworkChoice]:
    return [FrameworkChoice(f.id, f.title) for f in builtin_frameworks().values()]


def framework(framework_id: str) -> Framework:
    found = builtin_frameworks().get(framework_id)
    if found is None:
        raise NotFound(f"no framework {framework_id!r}; expected one of {', '.join(builtin_frameworks())}")
    return found


def latest_posture(session: Session, actor: Actor, framework_id: str) -> FrameworkPosture | None:
    """None when the organization has no assessment yet."""
    chosen = framework(framework_id)
    stored = latest_assessment(session, actor)
    if stored is None:
        return None
    model = model_by_id(stored.model_id)
    mapping = shipped_mapping(model, chosen)
    if mapping is None:
        raise NotFound(f"no mapping set ships from {model.id} to {chosen.id}")
    weights = {c.id: c.weight for c in model.categories()}
    return framework_posture(chosen, mapping, result_from_dict(stored.result, weights))
