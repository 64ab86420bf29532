"""Read Microsoft Graph responses and Purview / SharePoint PowerShell output saved as JSON.

Microsoft Graph answers with a page (``{"@odata.context": ..., "value": [...], "@odata.nextLink": ...}``,
pages saved one after the other), PowerShell's ``ConvertTo-Json`` with an object or an array of
them. Neither names the tenant (an audit record does, as ``organizationId``), so the tenant is the
folder the file is saved in (``evidence/m365-copilot/TENANT/groups.json``). What a file holds is told
by its shape: groups (``groupTypes``), licences (``skuPartNumber``), audit records
(``auditLogRecordType``), DLP policies (``Get-DlpCompliancePolicy``: ``Name``, ``Mode`` and a
location), DLP rules (``Get-DlpComplianceRule``: ``Name`` and ``ParentPolicyName``), the audit
configuration (``Get-AdminAuditLogConfig``: ``UnifiedAuditLogIngestionEnabled``)
and the Restricted SharePoint Search mode (``Get-SPOTenantRestrictedSearchMode``: ``Mode`` alone).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aisma.collectors.snapshots import read_classified
from aisma.errors import AismaError

Kind = Literal["group", "sku", "audit_record", "dlp_policy", "dlp_rule", "audit_config", "restricted_search"]
EXPECTED = (
    "Microsoft Graph JSON (GET /groups, /subscribedSkus, /security/auditLog/queries/ID/records) or "
    "PowerShell ConvertTo-Json output of Get-DlpCompliancePolicy, Get-DlpComplianceRule, Get-AdminAuditLogConfig or "
    "Get-SPOTenantRestrictedSearchMode, saved under evidence/m365-copilot/TENANT/"
)
DLP_LOCATION_KEYS = ("Locations", "EnforcementPlanes", "Workload", "ExchangeLocation", "SharePointLocation")
DLP_RULE_KEYS = ("AdvancedRule", "ContentContainsSensitiveInformation", "RestrictAccess", "IsAdvancedRule")


@dataclass(frozen=True)
class Resource:
    kind: Kind
    tenant: str
    key: str  # what identifies it within its kind and tenant (a group id, a policy name, the tenant itself)
    body: dict[str, Any]


def kind_of(item: Any) -> Kind | None:
    if not isinstance(item, dict):
        return None
    if "groupTypes" in item and "id" in item:
        return "group"
    if "skuPartNumber" in item and "skuId" in item:
        return "sku"
    if "auditLogRecordType" in item and "id" in item:
        return "audit_record"
    if "UnifiedAuditLogIngestionEnabled" in item:
        return "audit_config"
    if "Name" in item and ("ParentPolicyName" in item or ("Policy" in item and any(k in item for k in DLP_RULE_KEYS))):
        return "dlp_rule"  # before policies: a rule prints Mode and Workload too
    if "Name" in item and "Mode" in item and any(k in item for k in DLP_LOCATION_KEYS):
        return "dlp_policy"
    if "Mode" in item and "Name" not in item and len([k for k in item if not k.startswith("@")]) <= 3:
        return "restricted_search"
    return None


def _key(kind: Kind, item: dict[str, Any], tenant: str) -> str:
    if kind in ("group", "sku", "audit_record"):
        return str(item.get("id") or item.get("skuId"))
    if kind == "dlp_policy":
        return str(item.get("Guid") or item.get("Name"))
    if kind == "dlp_rule":
        return str(item.get("Guid") or f"{item.get('ParentPolicyName') or item.get('Policy')}/{item.get('Name')}")
    return tenant


def _items(document: Any) -> Iterator[Any]:
    if isinstance(document, list):
        yield from document
    elif isinstance(document, dict) and isinstance(document.get("value"), list):
        yield from document["value"]
    else:
        yield document


def tenant_of(path: Path, evidence_dir: str) -> str:
    folder = path.parent.name
    if folder and folder != evidence_dir:
        return folder
    raise AismaError(
        f"{path}: cannot tell which tenant this describes; save it as evidence/{evidence_dir}/TENANT/{path.name}"
    )


def _unplaced(item: Any) -> Resource | None:
    kind = kind_of(item)
    return None if kind is None else Resource(kind, "", "", item)


def place(item: Any, tenant: str) -> Resource | None:
    """The resource an item of a Graph page or PowerShell output is, in ``tenant``; None for anything else."""
    kind = kind_of(item)
    return None if kind is None else Resource(kind, tenant, _key(kind, item, tenant), item)


def read_resources(path: Path, evidence_dir: str = "m365-copilot") -> list[Resource]:
    """Every resource in the file; one AismaError line naming the file when it holds something else."""
    found = read_classified(path, EXPECTED, _items, _unplaced, "Microsoft 365 group, licence, audit or Purview setting")
    if not found:
        name = path.name.casefold()
        if "dlp" in name and "rule" not in name:  # Get-DlpCompliancePolicy found none: read, and there is none
            return [Resource("dlp_policy", tenant_of(path, evidence_dir), "", {})]
        return []  # an empty Graph page: read, nothing in it
    tenant = tenant_of(path, evidence_dir)
    return [r for r in (place(item.body, tenant) for item in found) if r is not None]
