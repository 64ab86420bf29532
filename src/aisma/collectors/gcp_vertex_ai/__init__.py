"""The ``gcp-vertex-ai`` collector: Vertex AI and Model Armor from saved gcloud / REST JSON.

Reads what ``gcloud ai endpoints list``, ``gcloud model-armor templates list`` and ``floorsettings
describe``, ``gcloud projects get-iam-policy``, ``gcloud access-context-manager perimeters list`` and
``gcloud projects list`` print, saved under ``evidence/gcp-vertex-ai/``. Per Model Armor template it
judges the filters applications screen with; per project that runs Vertex AI, the platform floor
(inline enforcement of a floor setting), Data Access audit logs and a VPC Service Controls perimeter;
per endpoint, private access; per deployed model, more than one replica. Every endpoint and deployed
model is reported to discovery, so one the inventory does not know shows up as unregistered AI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, no_settings
from aisma.collectors.gcp_vertex_ai.resources import Resource, read_resources
from aisma.collectors.gcp_vertex_ai.rules import (
    audit_gaps,
    endpoint_private,
    floor_filter_notes,
    floor_gaps,
    harm_gaps,
    inspect_only,
    min_replicas,
    perimeter_verdict,
    prompt_attack_gap,
    sensitive_data_on,
)
from aisma.collectors.registry import read_meta
from aisma.collectors.snapshots import Checks, Seen, collect_newest
from aisma.inventory.discovery import Sightings
from aisma.scoring.inputs import Measurement

TOOL = "gcp-vertex-ai"
VERSION = "aiplatform v1, modelarmor v1, accesscontextmanager v1"
ENFORCED = "platform.guardrails.enforced_ratio"
GUARDRAILS = "platform.guardrails.checks_ratio"
PROMPT_ATTACK = "platform.guardrails.prompt_attack_filter_ratio"
SENSITIVE = "platform.guardrails.sensitive_info_filter_ratio"
REDUNDANCY = "platform.endpoints.redundancy_ratio"
LOGGING = "platform.invocation_logging_ratio"
NETWORK = "platform.network.isolation_ratio"


class _Projects:
    """Project ids and numbers, matched through ``gcloud projects list``: names spell either."""

    def __init__(self, records: list[Seen[Resource]]) -> None:
        self.number: dict[str, str] = {}
        self.label: dict[str, str] = {}
        for seen in records:
            project_id = str(seen.resource.body["projectId"])
            self.number[project_id] = seen.resource.scope
            self.label[seen.resource.scope] = project_id

    def key(self, spelled: str) -> str:
        """The project number when known, else the name as spelled."""
        return self.number.get(spelled, spelled)

    def name(self, key: str) -> str:
        return self.label.get(key, key)


class GcpVertexAiCollector:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        no_settings(context, self.meta.id)
        read = partial(read_resources, evidence_dir=self.meta.evidence_dir)
        return collect_newest(paths, context, read, lambda r: (r.kind, r.name), (TOOL, VERSION), measure)


def measure(seen: list[Seen[Resource]]) -> tuple[list[Measurement], Sightings, list[str]]:
    """The checks over the newest copy of each resource; also what the live gcp-vertex-ai-api collector runs."""
    by_kind: dict[str, list[Seen[Resource]]] = defaultdict(list)
    for item in sorted(seen, key=lambda s: s.resource.name):
        by_kind[item.resource.kind].append(item)
    projects = _Projects(by_kind["project"])
    checks: Checks[Resource] = Checks()
    count = checks.count
    warnings: list[str] = []
    sightings = Sightings(TOOL)

    def judge(
        metric: str,
        project: str,
        first: Seen[Resource],
        found: Seen[Resource] | None,
        missing: str,
        gaps_of: Callable[[dict[str, Any]], list[str]],
    ) -> None:
        """One project-level check: its resource's gaps, or a failure (from ``first``'s file) when not read."""
        if found is None:
            count(metric, first, False, f"{project}: {missing}")
        else:
            gaps = gaps_of(found.resource.body)
            count(metric, found, not gaps, f"{project}: {'; '.join(gaps)}")

    # The projects that run Vertex AI, each with the first resource that shows it (the source of a check
    # that fails because nothing else was read for the project).
    in_use: dict[str, Seen[Resource]] = {}
    for kind in ("endpoint", "template", "floor_setting"):
        for item in by_kind[kind]:
            if not item.resource.scope.startswith(("folders/", "organizations/")):
                in_use.setdefault(projects.key(item.resource.scope), item)

    for item in by_kind["template"]:
        _template(item, count)
    for item in by_kind["endpoint"]:
        _endpoint(item, projects, count, sightings, warnings)

    floors = {projects.key(s.resource.scope): s for s in by_kind["floor_setting"] if "/" not in s.resource.scope}
    above = [s.resource.name for s in by_kind["floor_setting"] if "/" in s.resource.scope]
    if above:
        warnings.append(
            f"{len(above)} folder or organization floor setting(s) read: they hold templates to a minimum but "
            f"screen no call, so only project floor settings count: {', '.join(above[:5])}"
        )
    policies = {projects.key(s.resource.scope): s for s in by_kind["iam_policy"]}
    perimeters = [s.resource.body for s in by_kind["perimeter"]]
    newest_perimeters = max(by_kind["perimeter"], key=lambda s: s.when, default=None)
    mixed = any(k.isdigit() for k in in_use) and any(not k.isdigit() for k in in_use) and not by_kind["project"]
    if mixed:
        warnings.append(
            "projects are named by id in some files and by number in others: save gcloud projects list "
            "(--format=json) so each project is counted once"
        )
    for key, first in sorted(in_use.items()):
        name = projects.name(key)
        floor = floors.get(key)
        judge(
            ENFORCED,
            name,
            first,
            floor,
            "no floor setting read (gcloud model-armor floorsettings describe)",
            floor_gaps,
        )
        if (
            floor is not None
            and not floor_gaps(floor.resource.body)
            and (notes := floor_filter_notes(floor.resource.body))
        ):
            warnings.append(f"{name}: the enforced floor setting has {'; '.join(notes)}")
        if policies:
            missing = "no IAM policy read (gcloud projects get-iam-policy)"
            judge(LOGGING, name, first, policies.get(key), missing, audit_gaps)
        if newest_perimeters is not None:
            if not key.isdigit():
                count(NETWORK, newest_perimeters, False, f"{name}: project number unknown (save gcloud projects list)")
            else:
                inside, why = perimeter_verdict(perimeters, key)
                count(NETWORK, newest_perimeters, inside, f"{name}: {why}")
    if in_use and not policies:
        warnings.append(
            "no IAM policy read (gcloud projects get-iam-policy), so Data Access audit logs were not checked"
        )
    if in_use and newest_perimeters is None:
        warnings.append(
            "no VPC Service Controls perimeters read (gcloud access-context-manager perimeters list), "
            "so perimeters were not checked"
        )
    return checks.measurements(), sightings, warnings


def _template(item: Seen[Resource], count: Any) -> None:
    """A Model Armor template: what an application that screens with it has filtered."""
    body = item.resource.body
    config = body.get("filterConfig") or {}
    name = item.resource.name
    blocked = [] if not inspect_only(body) else ["INSPECT_ONLY mode, nothing is blocked"]
    gaps = harm_gaps(config) + blocked
    count(GUARDRAILS, item, not gaps, f"{name}: {'; '.join(gaps)}")
    attack = [gap for gap in (prompt_attack_gap(config),) if gap] + blocked
    count(PROMPT_ATTACK, item, not attack, f"{name}: {'; '.join(attack)}")
    sensitive = ([] if sensitive_data_on(config) else ["Sensitive Data Protection off"]) + blocked
    count(SENSITIVE, item, not sensitive, f"{name}: {'; '.join(sensitive)}")


def _endpoint(item: Seen[Resource], projects: _Projects, count: Any, sightings: Sightings, warnings: list[str]) -> None:
    body = item.resource.body
    project = projects.name(projects.key(item.resource.scope))
    short = item.resource.name.replace(f"projects/{item.resource.scope}/", f"projects/{project}/", 1)
    display = str(body.get("displayName") or "")
    seen_with = tuple(x for x in (item.resource.name, display) if x and x != short)
    sightings.add(("endpoint", f"vertex-ai:{short}", seen_with), item.source.file, item.when)
    label = f"{short}" + (f" ({display})" if display else "")
    count(
        NETWORK, item, endpoint_private(body), f"{label}: public endpoint (no VPC network or Private Service Connect)"
    )
    shared = []
    for deployed in body.get("deployedModels") or []:
        if not isinstance(deployed, dict):
            continue
        model = str(deployed.get("model") or "")
        if model:
            sightings.add(("model", f"vertex-ai:{model}", (f"vertex-ai:{short}",)), item.source.file, item.when)
        replicas = min_replicas(deployed)
        deployed_name = f"{label}: deployed model {deployed.get('id') or deployed.get('displayName') or model}"
        if replicas is None:
            shared.append(deployed_name)
            continue
        count(REDUNDANCY, item, replicas >= 2, f"{deployed_name}: minReplicaCount {replicas}")
    if shared:
        warnings.append(f"deployed on a shared resource pool, replicas not judged: {', '.join(shared[:5])}")


def collector() -> GcpVertexAiCollector:
    return GcpVertexAiCollector()
