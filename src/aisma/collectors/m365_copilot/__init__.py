"""The ``m365-copilot`` collector: Microsoft 365 Copilot and Purview from Graph and PowerShell exports.

Reads what Microsoft Graph returns for ``GET /groups`` (with ``assignedLabels`` and ``visibility``),
``GET /subscribedSkus`` and the Purview audit search (``/security/auditLog/queries/ID/records``), and
what ``Get-DlpCompliancePolicy``, ``Get-AdminAuditLogConfig`` and ``Get-SPOTenantRestrictedSearchMode``
print through ``ConvertTo-Json``, saved under ``evidence/m365-copilot/TENANT/``. Per tenant it judges
what Copilot can ground on (labelled and non-public groups), whether DLP screens Copilot, whether
Copilot's use is audited and whether Restricted SharePoint Search limits it; a tenant with Copilot
licences in use is reported to discovery, so an unregistered one shows up as shadow AI.
``m365-copilot-api`` reads the Graph part live and judges it with ``measure``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, no_settings
from aisma.collectors.m365_copilot.resources import Resource, read_resources
from aisma.collectors.m365_copilot.rules import (
    audit_on,
    copilot_seats,
    dlp_gaps,
    is_m365_group,
    labelled,
    private,
    protecting,
    restricted_search_on,
    rule_gap,
    rule_policy,
    rule_targets,
    stops_copilot,
)
from aisma.collectors.registry import read_meta
from aisma.collectors.snapshots import Checks, Seen, collect_newest
from aisma.inventory.discovery import Sightings
from aisma.scoring.inputs import Measurement

TOOL = "m365-copilot"
VERSION = "Microsoft Graph v1.0, Security & Compliance PowerShell"
LABELLED = "copilot.content.labeled_ratio"
PRIVATE = "copilot.content.private_ratio"
DLP = "copilot.dlp.enforced_ratio"
AUDIT = "copilot.audit.enabled_ratio"
SEARCH = "copilot.search.restricted_ratio"


class M365CopilotCollector:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        no_settings(context, self.meta.id)
        read = partial(read_resources, evidence_dir=self.meta.evidence_dir)
        return collect_newest(paths, context, read, lambda r: (r.tenant, r.kind, r.key), (TOOL, VERSION), measure)


def measure(seen: list[Seen[Resource]]) -> tuple[list[Measurement], Sightings, list[str]]:
    by_tenant: dict[str, dict[str, list[Seen[Resource]]]] = defaultdict(lambda: defaultdict(list))
    for item in sorted(seen, key=lambda s: (s.resource.tenant, s.resource.kind, s.resource.key)):
        by_tenant[item.resource.tenant][item.resource.kind].append(item)
    checks: Checks[Resource] = Checks()
    sightings = Sightings(TOOL)
    warnings: list[str] = []
    for tenant, kinds in sorted(by_tenant.items()):
        _groups(tenant, kinds["group"], checks, warnings)
        _dlp(tenant, kinds, checks, warnings)
        interactions = [
            r
            for r in kinds["audit_record"]
            if str(r.resource.body.get("auditLogRecordType")).casefold() == "copilotinteraction"
        ]
        configs = kinds["audit_config"]
        if configs or kinds["audit_record"]:
            basis = configs[0] if configs else max(kinds["audit_record"], key=lambda s: s.when)
            ok = bool(interactions) or any(audit_on(c.resource.body) for c in configs)
            checks.count(
                AUDIT, basis, ok, f"{tenant}: unified audit log ingestion off and no Copilot interaction recorded"
            )
        if interactions:
            times = sorted(str(r.resource.body.get("createdDateTime") or "") for r in interactions)
            warnings.append(
                f"{tenant}: {len(interactions)} Copilot interaction audit record(s), {times[0]} to {times[-1]}"
            )
        for mode in kinds["restricted_search"]:
            on = restricted_search_on(mode.resource.body)
            checks.count(
                SEARCH,
                mode,
                on,
                f"{tenant}: Restricted SharePoint Search is off (mode {mode.resource.body.get('Mode')})",
            )
        seats = sum(copilot_seats(s.resource.body) for s in kinds["sku"])
        if seats or interactions:
            organizations = sorted(
                {str(r.resource.body["organizationId"]) for r in interactions if r.resource.body.get("organizationId")}
            )
            first = (kinds["sku"] or interactions)[0]
            sightings.add(("endpoint", f"m365-copilot:{tenant}", tuple(organizations)), first.source.file, first.when)
    return checks.measurements(), sightings, warnings


def _dlp(tenant: str, kinds: dict[str, list[Seen[Resource]]], checks: Checks[Resource], warnings: list[str]) -> None:
    """One check per tenant: an enforced Copilot DLP policy for everyone, whose rules (when read) keep content
    out of Copilot; a warning names what those rules match on."""
    policies = kinds["dlp_policy"]
    if not policies:
        warnings.append(f"{tenant}: no DLP policies read (Get-DlpCompliancePolicy), so DLP for Copilot was not checked")
        return
    bodies = [p.resource.body for p in policies if p.resource.body]
    rules = [r.resource.body for r in kinds["dlp_rule"]]
    gaps = dlp_gaps(bodies)
    live = protecting(bodies)
    if live and rules:
        gap = rule_gap(bodies, rules)
        gaps += [gap] if gap else []
        names = {str(p.get(k)).casefold() for p in live for k in ("Name", "Guid") if p.get(k)}
        acting = [r for r in rules if rule_policy(r).casefold() in names and stops_copilot(r)]
        labels: set[str] = set()
        types: set[str] = set()
        for rule in acting:
            found_labels, found_types = rule_targets(rule)
            labels |= found_labels
            types |= found_types
        if acting:
            known = {
                str(label.get("labelId")).casefold(): str(label.get("displayName") or label.get("labelId"))
                for group in kinds["group"]
                for label in group.resource.body.get("assignedLabels") or []
                if isinstance(label, dict) and label.get("labelId")
            }
            shown = sorted(f"{known[x.casefold()]} ({x})" if x.casefold() in known else x for x in labels)
            warnings.append(
                f"{tenant}: Copilot DLP rules keep out content with sensitivity labels "
                f"{', '.join(shown) or 'none'} and sensitive information types {', '.join(sorted(types)) or 'none'}"
            )
    elif live:
        warnings.append(
            f"{tenant}: no DLP rules read (Get-DlpComplianceRule), so what the Copilot DLP policy acts on "
            "was not checked"
        )
    checks.count(DLP, max(policies, key=lambda s: s.when), not gaps, f"{tenant}: {'; '.join(gaps)}")


def _groups(tenant: str, groups: list[Seen[Resource]], checks: Checks[Resource], warnings: list[str]) -> None:
    """Each Microsoft 365 group: labelled, and open to its members only (not public to the whole tenant)."""
    unified = [g for g in groups if is_m365_group(g.resource.body)]
    with_labels = [g for g in unified if "assignedLabels" in g.resource.body]
    if unified and not with_labels:
        warnings.append(
            f"{tenant}: groups were read without assignedLabels (add $select=...,assignedLabels), "
            "so labels were not checked"
        )
    for item in unified:
        body = item.resource.body
        name = f"{tenant}: {body.get('displayName') or body.get('id')}"
        if with_labels:
            checks.count(LABELLED, item, labelled(body), f"{name}: no sensitivity label")
        if "visibility" in body:
            checks.count(
                PRIVATE, item, private(body), f"{name}: visibility {body.get('visibility') or 'not set (Public)'}"
            )


def collector() -> M365CopilotCollector:
    return M365CopilotCollector()
