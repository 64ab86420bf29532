"""OSCAL assessment results against an imported framework (``aisma framework assess --format oscal``).

The same hand-over as ``--format oscal``, but the controls are the framework's requirements (the
OSCAL ids of an imported catalog, ``ac-2``) rather than the model's objectives:

- ``reviewed-controls`` includes every requirement something is mapped to, and excludes those whose
  mapped objectives are all not applicable (unmapped requirements are neither: nothing was assessed);
- one finding per included requirement, its target status ``satisfied`` when the posture is met and
  ``not-satisfied`` otherwise (reason ``pass``, ``fail`` for a gap, ``other`` for partial), the
  posture and mapping set as props, and each mapped objective with its relationship in the text;
- the observations are those of the mapped objectives (measurements and answers, with their
  evidence hashed in the back matter), shared between requirements;
- a requirement id that is not an OSCAL token (``GOVERN 1.1``) is written as one (``GOVERN_1.1``),
  the original kept in a ``requirement-id`` prop;
- the embedded plan reviews the same requirements and names the framework's source in its back matter.
"""

from __future__ import annotations

import re
from typing import Any

from aisma.errors import AismaError
from aisma.frameworks.posture import FrameworkPosture, RequirementPosture
from aisma.reports.oscal.common import Ids, Resources, ids_for, metadata, prop, props, put
from aisma.reports.oscal.plan import plan_document
from aisma.reports.oscal.results import dump, embedded_plan, objective_observations
from aisma.scoring.results import AssessmentResult, ObjectiveResult

_NOT_TOKEN = re.compile(r"[^\w.\-]+")


def token(requirement_id: str) -> str:
    """An OSCAL token (a letter or ``_`` first, then letters, digits, ``.``, ``-``, ``_``): OSCAL
    catalog ids already are; ``GOVERN 1.1`` becomes ``GOVERN_1.1`` and ``Art. 14`` ``Art._14``."""
    text = _NOT_TOKEN.sub("_", requirement_id)
    return text if text[:1].isalpha() or text[:1] == "_" else f"_{text}"


STATE = {"met": ("satisfied", "pass"), "partial": ("not-satisfied", "other"), "gap": ("not-satisfied", "fail")}


def framework_documents(result: AssessmentResult, posture: FrameworkPosture) -> tuple[str, str]:
    """(assessment results, assessment plan) as JSON text for one framework; the results embed the plan."""
    tokens = [token(r.id) for r in posture.requirements]
    if len(set(tokens)) != len(tokens):
        clash = next(t for t in tokens if tokens.count(t) > 1)
        raise AismaError(f"{posture.framework}: two requirement ids become the OSCAL id {clash}; rename one")
    ids = ids_for(result)
    included = [r for r in posture.requirements if not r.derived and r.status in STATE]
    excluded = [r for r in posture.requirements if not r.derived and r.status == "n-a"]
    plan = plan_document(result, ids)
    body = plan["assessment-plan"]
    body["metadata"]["title"] = f"{posture.framework_title} assessment plan: {result.organization}"
    body["reviewed-controls"] = {
        "description": (
            f"The requirements of {posture.framework_title} that mapping set {posture.mapping_set} maps "
            f"objectives of {result.model_id} to."
        ),
        "control-selections": [_selection(included, excluded)],
    }
    body["back-matter"]["resources"].append(
        {
            "uuid": ids("resource", "framework", posture.framework),
            "title": posture.framework_title,
            "description": f"The framework assessed: {posture.source}. License: {posture.license}",
            "props": props(prop("framework", posture.framework), prop("mapping-set", posture.mapping_set)),
        }
    )
    plan_text = dump(plan)
    return dump(_results(result, posture, ids, included, excluded, plan_text)), plan_text


def _selection(included: list[RequirementPosture], excluded: list[RequirementPosture]) -> dict[str, Any]:
    selection: dict[str, Any] = {}
    put(selection, "include-controls", [{"control-id": token(r.id)} for r in included])
    put(selection, "exclude-controls", [{"control-id": token(r.id)} for r in excluded])
    if not included:
        selection["include-all"] = {}  # OSCAL needs a selection; nothing mapped was applicable
    return selection


def _results(
    result: AssessmentResult,
    posture: FrameworkPosture,
    ids: Ids,
    included: list[RequirementPosture],
    excluded: list[RequirementPosture],
    plan_text: str,
) -> dict[str, Any]:
    resources = Resources(ids)
    components: dict[tuple[str, str], dict[str, Any]] = {}
    objectives: dict[str, ObjectiveResult] = {o.id: o for c in result.categories for o in c.objectives}
    observed: dict[str, list[str]] = {}
    observations: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    for requirement in included:
        related: list[str] = []
        for link in requirement.objectives:
            if link.id not in observed:
                made = objective_observations(result, ids, objectives[link.id], resources, components)
                observations.extend(made)
                observed[link.id] = [o["uuid"] for o in made]
            related.extend(u for u in observed[link.id] if u not in related)
        findings.append(_finding(ids, posture, requirement, related))
    counts = ", ".join(f"{n} {s}" for s, n in posture.counts().items())
    entry: dict[str, Any] = {
        "uuid": ids("result", "framework", posture.framework),
        "title": f"{result.organization} against {posture.framework_title}",
        "description": (
            f"Posture per requirement through mapping set {posture.mapping_set}, from the {result.model_id} "
            f"{result.model_version} assessment: {counts}."
        ),
        "start": result.assessed_at,
        "end": result.assessed_at,
        "props": props(prop("framework", posture.framework), prop("mapping-set", posture.mapping_set)),
    }
    if components:
        entry["local-definitions"] = {"components": [components[key] for key in sorted(components)]}
    entry["reviewed-controls"] = {"control-selections": [_selection(included, excluded)]}
    put(entry, "observations", observations)
    put(entry, "findings", findings)
    plan_resource = ids("resource", "assessment-plan", posture.framework)
    resources.add(embedded_plan(plan_resource, plan_text))
    document = {
        "uuid": ids("assessment-results", "framework", posture.framework),
        "metadata": metadata(result, ids, f"{posture.framework_title} assessment results: {result.organization}"),
        "import-ap": {"href": f"#{plan_resource}"},
        "results": [entry],
        "back-matter": resources.back_matter(),
    }
    return {"assessment-results": document}


def _finding(
    ids: Ids, posture: FrameworkPosture, requirement: RequirementPosture, related: list[str]
) -> dict[str, Any]:
    state, reason = STATE[requirement.status]
    mapped = "; ".join(f"{o.id} ({o.relationship}): {o.status}" for o in requirement.objectives)
    finding: dict[str, Any] = {
        "uuid": ids("finding", posture.framework, requirement.id),
        "title": f"{requirement.id}: {requirement.title}",
        "description": f"{requirement.status} through mapping set {posture.mapping_set}. Mapped objectives: {mapped}.",
        "props": props(
            prop("posture", requirement.status),
            prop("mapping-set", posture.mapping_set),
            prop("requirement-id", requirement.id if token(requirement.id) != requirement.id else None),
        ),
        "target": {
            "type": "objective-id",
            "target-id": token(requirement.id),
            "status": {"state": state, "reason": reason},
        },
    }
    put(finding, "related-observations", [{"observation-uuid": u} for u in related])
    return finding
