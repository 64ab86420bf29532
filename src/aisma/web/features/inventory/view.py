"""Inventory pages: the system list (searchable, paged: organizations run thousands of systems), one
system with its risk rubric, and the Autonomy Test as a step-by-step wizard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from aisma.inventory.autonomy import QUESTIONS, autonomy_result
from aisma.inventory.risk import assess_risk
from aisma.inventory.schema import AISystem, AutonomyAnswers
from aisma.maturity.schema import DEPLOYMENT_TYPES, TRACKS

PAGE_SIZE = 100
QUESTION_HINTS: dict[str, str] = {
    "chooses_actions": (
        "It decides which tool, API or next step to use, rather than only producing text a person acts on."
    ),
    "side_effects": "It writes records, sends messages, moves money, changes configuration or calls tools that do.",
    "multi_step_unapproved": (
        "It chains steps (plan, call a tool, read the result, act again) without a person approving each."
    ),
    "own_identity": "It authenticates with a service account, API key or workload identity of its own.",
    "untrusted_input": "It reads web pages, emails, uploaded documents or free text from people outside the team.",
    "acts_on_agent_output": "It takes another agent's output as instructions or input for its own actions.",
}
TRACK_LABELS = {
    "build": "AI you build",
    "platform": "AI platforms",
    "copilot": "Copilots",
    "coding_tool": "Coding tools",
}
DEPLOYMENT_LABELS = {"self_hosted": "Self-hosted", "paas": "Platform (PaaS)", "api_saas": "API / SaaS"}


@dataclass(frozen=True)
class SystemRow:
    system_id: str
    name: str
    owner: str
    track: str
    deployment_type: str
    environment: str
    agentic: bool | None
    autonomy_level: str | None
    risk_tier: str | None


def system_row(document: Mapping[str, Any]) -> SystemRow:
    """From the stored document alone (no validation per row: the list shows thousands)."""
    return SystemRow(
        system_id=str(document.get("id", "")),
        name=str(document.get("name", "")),
        owner=str(document.get("owner") or ""),
        track=str(document.get("track", "")),
        deployment_type=str(document.get("deployment_type", "")),
        environment=str(document.get("environment", "production")),
        agentic=document.get("agentic"),
        autonomy_level=document.get("autonomy_level"),
        risk_tier=document.get("risk_tier"),
    )


def matches(document: Mapping[str, Any], query: str) -> bool:
    needle = query.strip().lower()
    if not needle:
        return True
    return any(needle in str(document.get(key) or "").lower() for key in ("id", "name", "owner", "provider", "track"))


def search(documents: Sequence[Mapping[str, Any]], query: str) -> list[Mapping[str, Any]]:
    return [d for d in documents if matches(d, query)]


ENVIRONMENTS = ("production", "pilot", "development")
FILTERS = ("track", "deployment_type", "environment", "owner", "agentic")


def filtered(documents: Sequence[Mapping[str, Any]], filters: Mapping[str, str]) -> list[Mapping[str, Any]]:
    """The systems that the list's filters keep: search text, track, deployment, environment, owner, agentic."""
    owner = filters.get("owner", "").casefold()

    def keep(document: Mapping[str, Any]) -> bool:
        row = system_row(document)
        agentic = "" if row.agentic is None else ("yes" if row.agentic else "no")
        return (
            matches(document, filters.get("q", ""))
            and filters.get("track", "") in ("", row.track)
            and filters.get("deployment_type", "") in ("", row.deployment_type)
            and filters.get("environment", "") in ("", row.environment)
            and filters.get("agentic", "") in ("", agentic or "by test")
            and (not owner or owner in row.owner.casefold())
        )

    return [d for d in documents if keep(d)]


EXPORT_HEADER = (
    "id", "name", "owner", "track", "deployment_type", "environment", "agentic", "autonomy_level", "risk_tier",
)  # fmt: skip


def export_row(document: Mapping[str, Any]) -> list[object]:
    row = system_row(document)
    agentic = "" if row.agentic is None else ("yes" if row.agentic else "no")
    return [
        row.system_id, row.name, row.owner, row.track, row.deployment_type, row.environment, agentic,
        row.autonomy_level or "", row.risk_tier or "",
    ]  # fmt: skip


def inventory_list_view(
    documents: Sequence[Mapping[str, Any]],
    query: str = "",
    *,
    total: int | None = None,
    found: int | None = None,
    next_url: str = "",
    first_url: str = "",
    filters: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """One page of systems (``documents``, already cut to a page) with the links around it."""
    return {
        "filters": {"q": query, **{key: "" for key in FILTERS}, **(filters or {})},
        "environments": ENVIRONMENTS,
        "rows": [system_row(d) for d in documents],
        "total": len(documents) if total is None else total,
        "found": len(documents) if found is None else found,
        "query": query,
        "next_url": next_url,
        "first_url": first_url,
        "track_labels": TRACK_LABELS,
        "deployment_labels": DEPLOYMENT_LABELS,
        "tracks": TRACKS,
        "deployment_types": DEPLOYMENT_TYPES,
    }


def system_view(document: Mapping[str, Any]) -> dict[str, Any]:
    system = AISystem.model_validate(dict(document))
    test = autonomy_result(system.autonomy_test)
    return {
        "system": system,
        "autonomy": test,
        "risk": assess_risk(system),
        "track_labels": TRACK_LABELS,
        "deployment_labels": DEPLOYMENT_LABELS,
    }


def wizard_view(document: Mapping[str, Any]) -> dict[str, Any]:
    system = AISystem.model_validate(dict(document))
    given = system.autonomy_test.model_dump()
    steps = [
        {"key": key, "question": text, "hint": QUESTION_HINTS.get(key, ""), "value": given[key]}
        for key, text in QUESTIONS
    ]
    return {"system": system, "steps": steps}


def parse_wizard_form(form: Mapping[str, Any]) -> AutonomyAnswers:
    """yes/no radio values to the answers; a missing one stays unanswered."""
    values: dict[str, bool | None] = {}
    for key, _text in QUESTIONS:
        raw = form.get(key)
        values[key] = None if raw in (None, "") else raw == "yes"
    return AutonomyAnswers.model_validate(values)


def with_autonomy(document: Mapping[str, Any], answers: AutonomyAnswers) -> dict[str, Any]:
    """The system document with the test's answers recorded (validated again as a whole)."""
    updated = dict(document)
    updated["autonomy_test"] = answers.model_dump()
    AISystem.model_validate(updated)
    return updated


def new_system_document(form: Mapping[str, Any]) -> dict[str, Any]:
    """A minimal system from the 'add a system' form; the schema decides what is valid."""
    document: dict[str, Any] = {
        "id": str(form.get("id", "")).strip(),
        "name": str(form.get("name", "")).strip(),
        "track": form.get("track"),
        "deployment_type": form.get("deployment_type"),
        "environment": form.get("environment") or "production",
    }
    owner = str(form.get("owner", "")).strip()
    if owner:
        document["owner"] = owner
    return AISystem.model_validate(document).model_dump(mode="json", exclude_defaults=True)
