"""The checks the ``m365-copilot`` collector applies: plain functions over Graph and PowerShell bodies.

Microsoft 365 Copilot answers from what the user can open: a Microsoft 365 group's files, mail and
site are open to every member, and a *public* group's to everyone in the tenant, so every user's
Copilot can ground on them. A sensitivity label on the group (``assignedLabels``) is what Purview's
DLP for Copilot and the site's access policies key on. DLP reaches Copilot only through its own
policy location (workload ``Applications``, location ``470f2276-e011-4e9d-a6ec-20768be3a4b0``, the
``CopilotExperiences`` enforcement plane), documented in the ``New-DlpCompliancePolicy`` reference.
What a Copilot policy does is in its rules (``Get-DlpComplianceRule``): the reference's Copilot rule
matches content by sensitivity label (``AdvancedRule``) or sensitive information type and acts with
``RestrictAccess`` ``ExcludeContentProcessing`` = ``Block``, so Copilot does not use that content; a
policy with no such enabled rule stops nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

COPILOT_LOCATION = "470f2276-e011-4e9d-a6ec-20768be3a4b0"
COPILOT_PLANE = "copilotexperiences"
COPILOT_SKUS = frozenset({"microsoft_365_copilot"})  # skuPartNumber of Microsoft 365 Copilot
COPILOT_SKU_IDS = frozenset({"639dec6b-bb19-468b-871c-c5c441c4b0cb"})
PRIVATE = frozenset({"private", "hiddenmembership"})


def is_m365_group(group: Mapping[str, Any]) -> bool:
    """A Microsoft 365 (unified) group: its team, mailbox and SharePoint site share its membership."""
    return "Unified" in (group.get("groupTypes") or [])


def labelled(group: Mapping[str, Any]) -> bool:
    return any(isinstance(label, dict) and label.get("labelId") for label in group.get("assignedLabels") or [])


def private(group: Mapping[str, Any]) -> bool:
    return str(group.get("visibility") or "").casefold() in PRIVATE


def copilot_seats(sku: Mapping[str, Any]) -> int:
    """Assigned Microsoft 365 Copilot licences in a subscribed SKU (0 for any other product)."""
    part = str(sku.get("skuPartNumber") or "").casefold()
    if part not in COPILOT_SKUS and str(sku.get("skuId") or "").casefold() not in COPILOT_SKU_IDS:
        return 0
    try:
        return int(sku.get("consumedUnits") or 0)
    except (TypeError, ValueError):
        return 0


def _locations(policy: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``Locations`` as PowerShell prints it: a JSON string (or, converted, a list) of location objects."""
    raw = policy.get("Locations")
    if isinstance(raw, str) and raw.strip():
        try:
            raw = json.loads(raw)
        except ValueError:
            return []
    if isinstance(raw, dict):
        raw = [raw]
    return [item for item in raw or [] if isinstance(item, dict)]


def covers_copilot(policy: Mapping[str, Any]) -> bool:
    planes = {str(p).casefold() for p in policy.get("EnforcementPlanes") or []}
    located = any(
        str(loc.get("Location") or "").casefold() == COPILOT_LOCATION
        and str(loc.get("Workload") or "").casefold() == "applications"
        for loc in _locations(policy)
    )
    return located or COPILOT_PLANE in planes


def whole_tenant(policy: Mapping[str, Any]) -> bool:
    """The Copilot location includes the whole tenant (``{Type: Tenant, Identity: All}``) and excludes no one."""
    for loc in _locations(policy):
        if str(loc.get("Location") or "").casefold() != COPILOT_LOCATION:
            continue
        inclusions = loc.get("Inclusions") or []
        tenant = any(
            isinstance(i, dict)
            and str(i.get("Type")).casefold() == "tenant"
            and str(i.get("Identity")).casefold() == "all"
            for i in inclusions
        )
        return tenant and not loc.get("Exclusions")
    return False


def enforced(policy: Mapping[str, Any]) -> bool:
    """In force: mode ``Enable`` (not a simulation) and not turned off."""
    return str(policy.get("Mode") or "").casefold() == "enable" and policy.get("Enabled") is not False


def protecting(policies: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The policies that would protect every user's Copilot: on its location, enforced, for the whole tenant."""
    return [p for p in policies if covers_copilot(p) and enforced(p) and whole_tenant(p)]


def rule_gap(policies: Iterable[Mapping[str, Any]], rules: Iterable[Mapping[str, Any]]) -> str | None:
    """Why no protecting policy has an enabled rule that keeps content out of Copilot, or None."""
    live = protecting(policies)
    names = {str(p.get(k)).casefold() for p in live for k in ("Name", "Guid") if p.get(k)}
    mine = [r for r in rules if rule_policy(r).casefold() in names]
    if any(stops_copilot(r) for r in mine):
        return None
    shown = ", ".join(str(p.get("Name")) for p in live[:3])
    if not mine:
        return f"enforced Copilot DLP policy has no rule: {shown}"
    return f"no enabled rule of {shown} keeps content out of Copilot (RestrictAccess ExcludeContentProcessing Block)"


def dlp_gaps(policies: Iterable[Mapping[str, Any]]) -> list[str]:
    """Why no DLP policy protects every user's Copilot prompts and responses, or nothing."""
    copilot = [p for p in policies if covers_copilot(p)]
    if not copilot:
        return ["no DLP policy on the Microsoft 365 Copilot location"]
    live = [p for p in copilot if enforced(p)]
    if not live:
        modes = ", ".join(f"{p.get('Name')} ({p.get('Mode')})" for p in copilot[:3])
        return [f"Copilot DLP policies not enforced: {modes}"]
    if not any(whole_tenant(p) for p in live):
        names = ", ".join(str(p.get("Name")) for p in live[:3])
        return [f"enforced Copilot DLP policies cover part of the tenant only: {names}"]
    return []


def audit_on(config: Mapping[str, Any]) -> bool:
    return config.get("UnifiedAuditLogIngestionEnabled") is True


def restricted_search_on(mode: Mapping[str, Any]) -> bool:
    value = mode.get("Mode")
    return value == 1 or str(value).casefold() == "enabled"


def rule_policy(rule: Mapping[str, Any]) -> str:
    """The policy a rule belongs to, as Get-DlpComplianceRule names it (name, else the policy's id)."""
    return str(rule.get("ParentPolicyName") or rule.get("Policy") or "")


def _parsed(value: Any) -> Any:
    """A property PowerShell may print as a JSON string (AdvancedRule, RestrictAccess) or as objects."""
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def stops_copilot(rule: Mapping[str, Any]) -> bool:
    """An enabled rule that keeps matching content out of Copilot (RestrictAccess ExcludeContentProcessing = Block)."""
    if rule.get("Disabled") is True:
        return False
    raw = _parsed(rule.get("RestrictAccess"))
    entries = raw if isinstance(raw, list) else [raw]
    for entry in entries:
        entry = _parsed(entry)
        if isinstance(entry, dict):
            values = {str(k).casefold(): str(v).casefold() for k, v in entry.items()}
            if values.get("setting") == "excludecontentprocessing" and values.get("value") == "block":
                return True
        elif isinstance(entry, str):  # a hashtable printed as text: @{setting=ExcludeContentProcessing; value=Block}
            text = entry.casefold().replace(" ", "")
            if "setting=excludecontentprocessing" in text and "value=block" in text:
                return True
    return False


def rule_targets(rule: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """The sensitivity labels (ids) and sensitive information types (names) a rule's conditions match on."""
    labels: set[str] = set()
    types: set[str] = set()

    def walk(node: Any, depth: int = 0) -> None:
        node = _parsed(node)
        if depth > 32:
            return
        if isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
            return
        if not isinstance(node, dict):
            return
        lowered = {str(k).casefold(): v for k, v in node.items()}
        for label in lowered.get("labels") or []:
            if isinstance(label, dict) and str(label.get("type", "Sensitivity")).casefold() == "sensitivity":
                name = label.get("name") or label.get("Name") or label.get("id")
                if name:
                    labels.add(str(name))
        for kind in lowered.get("sensitivetypes") or []:
            if isinstance(kind, dict) and (kind.get("name") or kind.get("Name")):
                types.add(str(kind.get("name") or kind.get("Name")))
        if "name" in lowered and not {"groups", "labels", "sensitivetypes", "operator"} & set(lowered):
            types.add(str(lowered["name"]))  # the short form: @{Name="Credit Card Number"}
        for key, value in lowered.items():
            if key not in ("labels", "sensitivetypes") and isinstance(value, list | dict | str):
                walk(value, depth + 1)

    walk(rule.get("AdvancedRule"))
    walk(rule.get("ContentContainsSensitiveInformation"))
    return labels, types
