"""The checks the ``gcp-vertex-ai`` collector applies: plain functions over Google Cloud resource bodies.

Model Armor screens prompts and responses with a template's ``filterConfig``: responsible-AI filters
for four harm categories, the prompt injection and jailbreak filter, Sensitive Data Protection and
the malicious URI filter, each at a detection confidence (``LOW_AND_ABOVE`` flags the most,
``HIGH`` only near-certain matches). A template in ``INSPECT_ONLY`` mode reports and blocks nothing.
A project's floor setting with inline enforcement (``integratedServices: [AI_PLATFORM]``,
``aiPlatformFloorSetting.inspectAndBlock``) screens every Gemini call in the project whatever the
application does: the platform floor. Enum names are those of the Model Armor v1 REST reference.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

HARMS = ("HATE_SPEECH", "HARASSMENT", "SEXUALLY_EXPLICIT", "DANGEROUS")
# Confidence levels that flag medium-confidence matches or more (UNSPECIFIED is LOW_AND_ABOVE, as documented).
STRICT_ENOUGH = frozenset({"LOW_AND_ABOVE", "MEDIUM_AND_ABOVE", "DETECTION_CONFIDENCE_LEVEL_UNSPECIFIED", ""})
VERTEX_SERVICE = "aiplatform.googleapis.com"
AUDIT_NEEDED = ("DATA_READ", "DATA_WRITE")  # predict and generateContent are Data Access operations


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def inspect_only(template: Mapping[str, Any]) -> bool:
    return _dict(template.get("templateMetadata")).get("enforcementType") == "INSPECT_ONLY"


def harm_gaps(filter_config: Mapping[str, Any]) -> list[str]:
    """The harm categories a filter configuration does not flag at medium confidence or more."""
    levels: dict[str, str] = {}
    for item in _list(_dict(filter_config.get("raiSettings")).get("raiFilters")):
        if isinstance(item, dict) and isinstance(item.get("filterType"), str):
            levels[item["filterType"]] = str(item.get("confidenceLevel") or "")
    gaps = []
    for harm in HARMS:
        if harm not in levels:
            gaps.append(f"no {harm} filter")
        elif levels[harm] not in STRICT_ENOUGH:
            gaps.append(f"{harm} only at {levels[harm]}")
    return gaps


def prompt_attack_gap(filter_config: Mapping[str, Any]) -> str | None:
    """Why the prompt injection and jailbreak filter does not screen at medium confidence, or None."""
    settings = _dict(filter_config.get("piAndJailbreakFilterSettings"))
    if settings.get("filterEnforcement") != "ENABLED":
        return "prompt injection and jailbreak filter off"
    level = str(settings.get("confidenceLevel") or "")
    return None if level in STRICT_ENOUGH else f"prompt injection and jailbreak filter only at {level}"


def sensitive_data_on(filter_config: Mapping[str, Any]) -> bool:
    """Sensitive Data Protection runs: the basic configuration enabled, or an advanced inspect template."""
    sdp = _dict(filter_config.get("sdpSettings"))
    if _dict(sdp.get("basicConfig")).get("filterEnforcement") == "ENABLED":
        return True
    return bool(_dict(sdp.get("advancedConfig")).get("inspectTemplate"))


def malicious_uri_on(filter_config: Mapping[str, Any]) -> bool:
    return _dict(filter_config.get("maliciousUriFilterSettings")).get("filterEnforcement") == "ENABLED"


def floor_gaps(floor: Mapping[str, Any]) -> list[str]:
    """What keeps a project's floor setting from screening every Gemini call in the project and blocking."""
    gaps = []
    if floor.get("enableFloorSettingEnforcement") is not True:
        gaps.append("floor setting not enforced (enableFloorSettingEnforcement is not true)")
    if "AI_PLATFORM" not in _list(floor.get("integratedServices")):
        gaps.append("no inline enforcement on Vertex AI (integratedServices lacks AI_PLATFORM)")
    elif _dict(floor.get("aiPlatformFloorSetting")).get("inspectAndBlock") is not True:
        gaps.append("Vertex AI calls inspected only, not blocked (aiPlatformFloorSetting.inspectAndBlock is not true)")
    if prompt_attack_gap(_dict(floor.get("filterConfig"))) is not None:
        gaps.append("the floor has no prompt injection and jailbreak filter")
    return gaps


def floor_filter_notes(floor: Mapping[str, Any]) -> list[str]:
    """What an enforced floor lacks besides the prompt-attack filter (warned of, as for Bedrock)."""
    config = _dict(floor.get("filterConfig"))
    notes = harm_gaps(config)
    if not malicious_uri_on(config):
        notes.append("no malicious URI filter")
    return notes


def audit_gaps(policy: Mapping[str, Any]) -> list[str]:
    """What is missing for Vertex AI's predictions to be audited: Data Access logs, read and write."""
    enabled: set[str] = set()
    exempted: set[str] = set()
    for config in _list(policy.get("auditConfigs")):
        if not isinstance(config, dict) or config.get("service") not in (VERTEX_SERVICE, "allServices"):
            continue
        for log in _list(config.get("auditLogConfigs")):
            if isinstance(log, dict) and isinstance(log.get("logType"), str):
                enabled.add(log["logType"])
                exempted.update(str(m) for m in _list(log.get("exemptedMembers")))
    missing = [t for t in AUDIT_NEEDED if t not in enabled]
    gaps = [f"Data Access audit logs {' and '.join(missing)} off for {VERTEX_SERVICE}"] if missing else []
    if exempted and not missing:
        gaps.append(f"{len(exempted)} principal(s) exempted from Data Access logs")
    return gaps


def perimeter_verdict(perimeters: Iterable[Mapping[str, Any]], project_number: str) -> tuple[bool, str]:
    """Whether an enforced perimeter holds the project and restricts Vertex AI; else why not."""
    dry_run = False
    for perimeter in perimeters:
        if perimeter.get("perimeterType") == "PERIMETER_TYPE_BRIDGE":
            continue
        member = f"projects/{project_number}"
        status = _dict(perimeter.get("status"))
        if member in _list(status.get("resources")) and VERTEX_SERVICE in _list(status.get("restrictedServices")):
            return True, ""
        spec = _dict(perimeter.get("spec"))
        if member in _list(spec.get("resources")) and VERTEX_SERVICE in _list(spec.get("restrictedServices")):
            dry_run = True
    if dry_run:
        return False, f"{VERTEX_SERVICE} restricted in dry-run mode only (spec, not status)"
    return False, f"in no VPC Service Controls perimeter restricting {VERTEX_SERVICE}"


def endpoint_private(endpoint: Mapping[str, Any]) -> bool:
    """Reached through a VPC (private services access) or Private Service Connect, not the public API host."""
    if endpoint.get("network"):
        return True
    return _dict(endpoint.get("privateServiceConnectConfig")).get("enablePrivateServiceConnect") is True


def min_replicas(deployed: Mapping[str, Any]) -> int | None:
    """The least number of replicas serving a deployed model; None on a shared resource pool."""
    for key in ("dedicatedResources", "automaticResources"):
        resources = deployed.get(key)
        if isinstance(resources, dict):
            count = resources.get("minReplicaCount")
            try:
                return int(count) if count is not None else 1
            except (TypeError, ValueError):
                return 1
    return None
