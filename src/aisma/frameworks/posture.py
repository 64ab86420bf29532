"""The posture of an organization against a framework, per requirement, from one assessment result.

The roll-up rule for a requirement R, over the objectives mapped to it that apply (status not ``na``):

- **met** when an ``equal`` or ``superset`` objective is met (it asks for all of R), or when every
  applicable mapped objective is met and at least one of them is a ``subset`` (the mapping set lists
  R's parts). Objectives that only ``intersect`` R never make it met on their own: an overlap does not
  prove the whole.
- **partial** when R is not met but some applicable mapped objective is met or has a value above 0
  (answered ``partially``, say).
- **gap** when applicable objectives are mapped and none has any value.
- **n-a** when objectives are mapped but none applies to the organization.
- **unmapped** when no objective is mapped to R and it has no children.

Headings and informative text (not assessable, nothing mapped) are shown but not counted.

A requirement without mappings of its own but with children takes its children's posture (n-a
children left out): met when every child is met, unmapped when every child is, n-a when all are,
gap when every child is a gap or unmapped, partial otherwise. Unknown answers count as not met.
The rule is monotone: turning an objective from unmet to met never lowers a requirement
(tests/test_framework_posture.py).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any, Literal

from aisma.frameworks.mapping import MappingSet
from aisma.frameworks.model import Framework, Requirement
from aisma.scoring.results import AssessmentResult, ObjectiveResult

PostureStatus = Literal["met", "partial", "gap", "n-a", "unmapped"]
STATUSES: tuple[PostureStatus, ...] = ("met", "partial", "gap", "n-a", "unmapped")
RANK: dict[str, int] = {"gap": 0, "partial": 1, "met": 2}


@dataclass(frozen=True)
class ObjectiveLink:
    """One mapped objective as the result has it: what answered it and with what evidence."""

    id: str
    title: str
    category: str
    relationship: str
    rationale: str
    status: str
    applicable: bool
    answer: str | None
    value: float
    source: str
    measurement: dict[str, Any] | None
    evidence: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class RequirementPosture:
    id: str
    title: str
    text: str
    parent: str | None
    status: PostureStatus
    derived: bool  # True when the status comes from the children, not from mappings of its own
    assessable: bool  # False for a heading or informative text that nothing is mapped to
    objectives: tuple[ObjectiveLink, ...]


@dataclass(frozen=True)
class FrameworkPosture:
    framework: str
    framework_title: str
    source: str
    license: str
    mapping_set: str
    organization: str
    model_id: str
    assessed_at: str
    requirements: tuple[RequirementPosture, ...]
    time_basis: str = ""  # the result's: at | as_of | now ("" for a posture carried from another)

    def assessable(self) -> tuple[RequirementPosture, ...]:
        """The requirements judged on their own mappings, or leaves (which could be mapped)."""
        return tuple(r for r in self.requirements if r.assessable and not r.derived)

    def counts(self) -> dict[str, int]:
        counted = Counter(r.status for r in self.assessable())
        return {s: counted.get(s, 0) for s in STATUSES}

    def coverage(self) -> float | None:
        """Share of the assessable requirements that at least one objective is mapped to."""
        items = self.assessable()
        if not items:
            return None
        return sum(1 for r in items if r.status != "unmapped") / len(items)

    def get(self, requirement_id: str) -> RequirementPosture | None:
        return next((r for r in self.requirements if r.id == requirement_id), None)


def requirement_status(links: tuple[ObjectiveLink, ...]) -> PostureStatus:
    """The roll-up rule of the module docstring, over one requirement's mapped objectives."""
    if not links:
        return "unmapped"
    applicable = [link for link in links if link.applicable and link.status != "na"]
    if not applicable:
        return "n-a"
    met = [link for link in applicable if link.status == "met"]
    if any(link.relationship in ("equal", "superset") for link in met):
        return "met"
    if len(met) == len(applicable) and any(link.relationship == "subset" for link in met):
        return "met"
    if met or any(link.value > 0 for link in applicable):
        return "partial"
    return "gap"


def children_status(statuses: list[PostureStatus]) -> PostureStatus:
    """A heading's posture from its children's: an unmapped child keeps it from being met."""
    counted = [s for s in statuses if s != "n-a"]
    if not counted:
        return "n-a" if statuses else "unmapped"
    if all(s == "unmapped" for s in counted):
        return "unmapped"
    if all(s == "met" for s in counted):
        return "met"
    if all(s in ("gap", "unmapped") for s in counted):
        return "gap"
    return "partial"


def _link(category: str, o: ObjectiveResult, relationship: str, rationale: str) -> ObjectiveLink:
    measurement = None
    if o.measurement is not None:
        measurement = {"metric": o.measurement.metric, "value": o.measurement.value, "fresh": o.measurement.fresh}
    return ObjectiveLink(
        id=o.id,
        title=o.title,
        category=category,
        relationship=relationship,
        rationale=rationale,
        status=o.status,
        applicable=o.applicable,
        answer=o.answer,
        value=o.value,
        source=o.source,
        measurement=measurement,
        evidence=o.evidence,
    )


def framework_posture(framework: Framework, mapping: MappingSet, result: AssessmentResult) -> FrameworkPosture:
    """Posture per requirement, in the framework's order. Objectives the result lacks are skipped."""
    objectives = {o.id: (c.id, o) for c in result.categories for o in c.objectives}
    direct: dict[str, tuple[ObjectiveLink, ...]] = {}
    for requirement in framework.requirements:
        links = tuple(
            _link(*objectives[m.objective], m.relationship, m.rationale)
            for m in mapping.for_requirement(requirement.id)
            if m.objective in objectives
        )
        direct[requirement.id] = links
    statuses: dict[str, PostureStatus] = {}
    derived: dict[str, bool] = {}

    def status_of(requirement: Requirement, depth: int = 0) -> PostureStatus:
        if requirement.id in statuses:
            return statuses[requirement.id]
        children = framework.children(requirement.id)
        if direct[requirement.id] or not children or depth > 64:
            statuses[requirement.id] = requirement_status(direct[requirement.id])
            derived[requirement.id] = False
        else:
            counted = [c for c in children if c.assessable or direct[c.id] or framework.children(c.id)]
            statuses[requirement.id] = children_status([status_of(c, depth + 1) for c in counted])
            derived[requirement.id] = True
        return statuses[requirement.id]

    rows = []
    for requirement in framework.requirements:
        status = status_of(requirement)
        rows.append(
            RequirementPosture(
                id=requirement.id,
                title=requirement.title,
                text=requirement.text,
                parent=requirement.parent,
                status=status,
                derived=derived[requirement.id],
                assessable=requirement.assessable or bool(direct[requirement.id]),
                objectives=direct[requirement.id],
            )
        )
    return FrameworkPosture(
        framework=framework.id,
        framework_title=framework.title,
        source=framework.source,
        license=framework.license,
        mapping_set=mapping.id,
        organization=result.organization,
        model_id=result.model_id,
        assessed_at=result.assessed_at,
        requirements=tuple(rows),
        time_basis=result.time_basis or "",
    )
