"""The OSCAL assessment plan that the assessment results import.

An assessment-results document must point at a plan (``import-ap``). aisma's plan is what the
workspace says: assess every objective of the model against the organization's AI systems, by
testing tool output, examining evidence files and interviewing owners. There is no OSCAL system
security plan behind a workspace, so the plan's ``import-ssp`` points at a back-matter resource that
names the workspace's inventory instead.
"""

from __future__ import annotations

from typing import Any

from aisma.reports.oscal.common import Ids, metadata, prop, props
from aisma.scoring.results import AssessmentResult

# The three ways aisma learns an objective's answer, as OSCAL assessment methods.
ACTIVITIES = (
    ("TEST", "Measure KPIs from tool output", "Collectors read security tool output and compute KPI ratios."),
    ("EXAMINE", "Examine evidence files", "Documents and files cited by answers are hashed and reviewed."),
    ("INTERVIEW", "Interview system owners", "Owners answer each objective on the C2M2 scale with a note."),
)


def activity_uuid(ids: Ids, method: str) -> str:
    return ids("activity", method)


def plan_document(result: AssessmentResult, ids: Ids) -> dict[str, Any]:
    """The assessment-plan document (the ``{"assessment-plan": ...}`` wrapper included)."""
    system = ids("resource", "system")
    objectives = [o.id for c in result.categories for o in c.objectives]
    plan: dict[str, Any] = {
        "uuid": ids("assessment-plan"),
        "metadata": metadata(result, ids, f"AI security maturity assessment plan: {result.organization}"),
        "import-ssp": {"href": f"#{system}"},
        "local-definitions": {
            "activities": [
                {
                    "uuid": activity_uuid(ids, method),
                    "title": title,
                    "description": description,
                    "props": [{"name": "method", "value": method}],
                }
                for method, title, description in ACTIVITIES
            ]
        },
        "reviewed-controls": {
            "description": f"Every objective of the maturity model {result.model_id} {result.model_version}.",
            "control-selections": [{"include-controls": [{"control-id": oid} for oid in objectives]}],
        },
        "back-matter": {
            "resources": [
                {
                    "uuid": system,
                    "title": f"AI systems of {result.organization}",
                    "description": (
                        "The organization's AI systems as listed in the aisma workspace inventory "
                        "(inventory.yaml); no OSCAL system security plan exists for them."
                    ),
                    "props": props(prop("maturity-model", f"{result.model_id} {result.model_version}")),
                }
            ]
        },
    }
    return {"assessment-plan": plan}
