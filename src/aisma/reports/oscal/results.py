"""The assessment as an OSCAL assessment-results document.

Mapping (aisma -> OSCAL):
- each objective is a control in ``reviewed-controls``; not-applicable objectives are excluded there;
- each applicable objective gets one finding whose target status is ``satisfied`` when met and
  ``not-satisfied`` otherwise (unknown included), with the level, answer and source as props;
- each measurement is an observation (method TEST) whose origin is the tool (a component with its
  version), whose evidence is the tool output file (a back-matter resource with its SHA-256) and
  whose ``collected`` time is when the tool observed it;
- each attested answer is an observation (INTERVIEW, plus EXAMINE when files back it), with the
  cited evidence files as hashed back-matter resources;
- the plan is embedded in the back matter (base64) and ``import-ap`` points at it (``#uuid``), so one
  file is a complete, checkable hand-over; ``--format oscal-plan`` writes the same plan on its own.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from aisma.maturity.schema import MaturityModel
from aisma.reports.oscal.common import (
    MEDIA_AP,
    Ids,
    Resources,
    ids_for,
    metadata,
    prop,
    props,
    put,
)
from aisma.reports.oscal.plan import plan_document
from aisma.scoring.results import AssessmentResult, CategoryResult, MeasurementUsed, ObjectiveResult

STATE = {"met": ("satisfied", "pass"), "unmet": ("not-satisfied", "fail"), "unknown": ("not-satisfied", "other")}
PLAN_FILE_NAME = "assessment-plan.json"


def dump(document: dict[str, Any]) -> str:
    """Stable serialization: insertion-ordered keys, two-space indent, UTF-8, trailing newline."""
    return json.dumps(_without_empty_lists(document), indent=2, ensure_ascii=False) + "\n"


def _without_empty_lists(node: Any) -> Any:
    """OSCAL arrays hold at least one item, so an empty list (no props, say) is left out."""
    if isinstance(node, dict):
        return {k: _without_empty_lists(v) for k, v in node.items() if not (isinstance(v, list) and not v)}
    if isinstance(node, list):
        return [_without_empty_lists(v) for v in node]
    return node


def oscal_documents(result: AssessmentResult, model: MaturityModel | None = None) -> tuple[str, str]:
    """(assessment results, assessment plan) as JSON text; the results embed the plan.

    With the model at hand, each finding also quotes its objective's statement.
    """
    ids = ids_for(result)
    plan_text = dump(plan_document(result, ids))
    statements = {o.id: o.statement for o in model.objectives()} if model is not None else {}
    return dump(results_document(result, ids, plan_text, statements)), plan_text


def results_document(
    result: AssessmentResult, ids: Ids, plan_text: str, statements: dict[str, str] | None = None
) -> dict[str, Any]:
    resources = Resources(ids)
    plan_resource = ids("resource", "assessment-plan")
    components: dict[tuple[str, str], dict[str, Any]] = {}
    observations: list[dict[str, Any]] = []
    findings: list[dict[str, Any]] = []
    included: list[dict[str, str]] = []
    excluded: list[dict[str, str]] = []
    for category in result.categories:
        for objective in category.objectives:
            related = objective_observations(result, ids, objective, resources, components)
            observations.extend(related)
            if objective.status == "na":
                excluded.append({"control-id": objective.id})
                continue
            included.append({"control-id": objective.id})
            finding = _finding(ids, category, objective, [o["uuid"] for o in related])
            statement = (statements or {}).get(objective.id)
            if statement:
                finding["description"] = f"{statement}\n\n{finding['description']}"
            findings.append(finding)

    selection: dict[str, Any] = {}
    put(selection, "include-controls", included)
    put(selection, "exclude-controls", excluded)
    if not included:
        selection["include-all"] = {}  # OSCAL needs a selection; everything was judged not applicable
    entry: dict[str, Any] = {
        "uuid": ids("result"),
        "title": f"AI security maturity of {result.organization} against {result.model_title}",
        "description": _summary(result),
        "start": result.assessed_at,
        "end": result.assessed_at,
        "props": _result_props(result),
    }
    if components:
        entry["local-definitions"] = {"components": [components[key] for key in sorted(components)]}
    entry["reviewed-controls"] = {"control-selections": [selection]}
    put(entry, "observations", observations)
    put(entry, "findings", findings)
    if result.warnings:
        entry["remarks"] = "\n".join(f"* {w}" for w in result.warnings)

    resources.add(embedded_plan(plan_resource, plan_text, "(aisma assess --format oscal-plan)"))
    document = {
        "uuid": ids("assessment-results"),
        "metadata": metadata(result, ids, f"AI security maturity assessment results: {result.organization}"),
        "import-ap": {"href": f"#{plan_resource}"},
        "results": [entry],
        "back-matter": resources.back_matter(),
    }
    return {"assessment-results": document}


def embedded_plan(uuid: str, plan_text: str, how: str = "") -> dict[str, Any]:
    """The back-matter resource that carries the plan (base64), so ``import-ap`` can point at ``#uuid``."""
    return {
        "uuid": uuid,
        "title": "Assessment plan",
        "description": f"The OSCAL assessment plan these results import {how}".strip() + ".",
        "base64": {
            "filename": PLAN_FILE_NAME,
            "media-type": MEDIA_AP,
            "value": base64.b64encode(plan_text.encode("utf-8")).decode("ascii"),
        },
    }


def _summary(result: AssessmentResult) -> str:
    o = result.overall
    parts = [
        f"Overall level {o.level} (score {o.score:.2f})" if o.level is not None and o.score is not None else "",
        f"evidenced level {o.evidenced_level}" if o.evidenced_level is not None else "",
        f"coverage {round(o.coverage * 100)}%" if o.coverage is not None else "",
        f"target level {o.target_level}" if o.target_level is not None else "",
        f"weakest category {o.weakest_category}" if o.weakest_category else "",
    ]
    text = ", ".join(p for p in parts if p)
    return f"{text}. Model {result.model_id} {result.model_version}." if text else "No applicable objectives."


def _result_props(result: AssessmentResult) -> list[dict[str, str]]:
    o = result.overall
    items = [
        prop("overall-level", o.level),
        prop("overall-score", None if o.score is None else f"{o.score:.2f}"),
        prop("evidenced-level", o.evidenced_level),
        prop("target-level", o.target_level),
    ]
    for category in result.categories:
        item = prop("category-level", "n/a" if category.level is None else category.level)
        if item is not None:
            item["class"] = category.id
        items.append(item)
    return props(*items)


def _finding(ids: Ids, category: CategoryResult, objective: ObjectiveResult, related: list[str]) -> dict[str, Any]:
    state, reason = STATE[objective.status]
    answer = objective.answer or "none"
    finding: dict[str, Any] = {
        "uuid": ids("finding", objective.id),
        "title": f"{objective.id}: {objective.title}",
        "description": (
            f"Level {objective.level} objective of {category.id} ({category.title}): {objective.status}. "
            f"Answer {answer} from {objective.source.replace('_', ' ')}; "
            f"counting only evidenced answers it is {objective.evidenced_status}."
        ),
        "props": props(
            prop("category", category.id),
            prop("level", objective.level),
            prop("answer", answer),
            prop("answer-source", objective.source),
            prop("aisma-status", objective.status),
            prop("evidenced-status", objective.evidenced_status),
        ),
        "target": {
            "type": "objective-id",
            "target-id": objective.id,
            "status": {"state": state, "reason": reason},
        },
    }
    put(finding, "related-observations", [{"observation-uuid": u} for u in related])
    if objective.conflict is not None:
        finding["remarks"] = objective.conflict.message
    return finding


def objective_observations(
    result: AssessmentResult,
    ids: Ids,
    objective: ObjectiveResult,
    resources: Resources,
    components: dict[tuple[str, str], dict[str, Any]],
) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if objective.measurement is not None:
        out.append(_measurement(ids, objective.id, objective.measurement, resources, components))
    attested = objective.source in ("attested", "attested_with_evidence") or (
        objective.status == "na" and objective.justification
    )
    if attested:
        out.append(_attestation(result, ids, objective, resources))
    return out


def _measurement(
    ids: Ids,
    objective_id: str,
    m: MeasurementUsed,
    resources: Resources,
    components: dict[tuple[str, str], dict[str, Any]],
) -> dict[str, Any]:
    actors: list[dict[str, str]] = []
    evidence: list[dict[str, Any]] = []
    for source in m.sources:
        tool, version = source.get("tool", "unknown"), source.get("version", "")
        key = (tool, version)
        if key not in components:
            components[key] = {
                "uuid": ids("component", tool, version),
                "type": "software",
                "title": tool,
                "description": f"{tool} {version}".strip() + ", whose output aisma's collectors read.",
                "props": props(prop("tool", tool), prop("version", version)),
                "status": {"state": "operational"},
            }
        actor = {"type": "tool", "actor-uuid": components[key]["uuid"]}
        if actor not in actors:
            actors.append(actor)
        if source.get("file"):
            tool_props = props(prop("tool", tool), prop("version", version))
            href = resources.ref(
                source["file"], source.get("sha256", ""), f"{tool} output {source['file']}", tool_props
            )
            evidence.append(
                {
                    "href": href,
                    "description": f"{tool} {version} output {source['file']}".replace("  ", " "),
                    "props": props(prop("sha256", source.get("sha256")), prop("tool", tool), prop("version", version)),
                }
            )
    ratio = "" if m.numerator is None or m.denominator is None else f" ({m.numerator:g} of {m.denominator:g})"
    observation: dict[str, Any] = {
        "uuid": ids("observation", objective_id, "measurement"),
        "title": f"{objective_id}: {m.metric}",
        "description": (
            f"{m.metric} = {m.value:.3f}{ratio}; the objective's thresholds read it as {m.answer}."
            + ("" if m.fresh else " The measurement is stale and was not used.")
        ),
        "props": props(
            prop("metric", m.metric),
            prop("value", f"{m.value:.3f}"),
            prop("numerator", None if m.numerator is None else f"{m.numerator:g}"),
            prop("denominator", None if m.denominator is None else f"{m.denominator:g}"),
            prop("measured-answer", m.answer),
            prop("fresh", "true" if m.fresh else "false"),
        ),
        "methods": ["TEST"],
        "types": ["control-objective"],
    }
    put(observation, "origins", [{"actors": actors}] if actors else [])
    put(observation, "relevant-evidence", evidence)
    observation["collected"] = m.observed_at
    if m.details:
        observation["remarks"] = "\n".join(f"* {d}" for d in m.details)
    return observation


def _attestation(
    result: AssessmentResult, ids: Ids, objective: ObjectiveResult, resources: Resources
) -> dict[str, Any]:
    evidence: list[dict[str, Any]] = []
    missing: list[str] = []
    for item in objective.evidence:
        ref = str(item.get("ref", ""))
        if not ref:
            continue
        if item.get("exists") is False:
            missing.append(ref)
            continue
        sha = str(item.get("sha256") or "")
        evidence.append(
            {
                "href": resources.ref(ref, sha, ref),
                "description": f"Evidence cited for {objective.id}: {ref}",
                "props": props(prop("sha256", sha)),
            }
        )
    answer = objective.answer or "none"
    text = f"Answered {answer}" + (f" by {objective.by}" if objective.by else "") + "."
    for extra in (objective.note, objective.justification and f"Justification: {objective.justification}"):
        if extra:
            text += f" {extra}"
    observation: dict[str, Any] = {
        "uuid": ids("observation", objective.id, "attestation"),
        "title": f"{objective.id}: answer {answer}",
        "description": text,
        "props": props(prop("answer", answer), prop("answered-by", objective.by)),
        "methods": ["INTERVIEW", "EXAMINE"] if evidence else ["INTERVIEW"],
        "types": ["control-objective"],
        "origins": [{"actors": [{"type": "party", "actor-uuid": ids("party", result.organization)}]}],
    }
    put(observation, "relevant-evidence", evidence)
    observation["collected"] = result.assessed_at
    if missing:
        observation["remarks"] = "Cited but not found in the workspace: " + ", ".join(missing)
    return observation
