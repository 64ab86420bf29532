"""Collectors over uploaded evidence, as a background job (``collectors.run``).

The job lays the organization's stored evidence out as a workspace's ``evidence/`` folder in a
temporary directory (copied from the evidence store, local or S3), runs each collector over its
folder exactly as ``aisma assess`` would, and stores what they measured in one short write that also
finishes the job: the measurements (as a push does) and, per collector, the AI assets it observed
(source ``evidence:<collector>``, replacing that collector's earlier run). A file a collector cannot
read is listed in the job's result; the other files still count.

Arguments: ``collectors`` (ids; default every installed file collector, and live collectors only when
named and configured), ``at`` (ISO time the collectors count windows back from; default now).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from aisma.client import wire
from aisma.collectors.registry import installed
from aisma.collectors.run import collect_workspace
from aisma.errors import AismaError
from aisma.layout import EVIDENCE_DIR
from aisma.server import jobs
from aisma.server.auth import Permission
from aisma.server.jobs import JobContext
from aisma.server.settings import ServerSettings
from aisma.server.storage import EvidenceStore, copy_out, store_for
from aisma.store.repositories import evidence as evidence_repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.types import utcnow
from aisma.web.features.inventory.service import inventory_of
from aisma.web.features.measurements import observed
from aisma.web.features.measurements import service as measurements
from aisma.web.features.organizations import service as accounts

NAME = "collectors.run"
SOURCE_PREFIX = "evidence:"
MAX_OBSERVED = 1_000_000


def chosen_collectors(names: list[str] | None, settings: dict[str, Any]) -> list[str]:
    """The collectors a run uses: the named ones (each must be installed), else every file collector."""
    available = installed()
    if names:
        unknown = sorted(set(names) - set(available))
        if unknown:
            raise AismaError(f"collectors: {', '.join(unknown)} not installed (installed: {', '.join(available)})")
        return sorted(set(names))
    return sorted(
        cid for cid, c in available.items() if c.meta.patterns and (settings.get(cid) or {}).get("enabled", True)
    )


def only_one(collector_id: str, settings: dict[str, Any]) -> dict[str, Any]:
    """The organization's collector settings with every collector but ``collector_id`` switched off."""
    out = {key: value for key, value in settings.items() if key not in installed()}  # e.g. inventory
    for cid in installed():
        own = dict(settings.get(cid) or {})
        if cid != collector_id:
            own["enabled"] = False
        out[cid] = own
    return out


def _copy_out(store: EvidenceStore, relative: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("wb") as out:
        copy_out(store, relative, out)


def run(store: EvidenceStore, context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    at = datetime.fromisoformat(args["at"]) if args.get("at") else utcnow()
    with context.database.transaction(readonly=True) as session:
        actor = accounts.job_actor(session, context.user_id, context.organization_id, args.get("by"))
        actor.require(Permission.PUSH_MEASUREMENTS)
        org = orgs_repo.get(session, actor.org_id)
        settings: dict[str, Any] = dict(((org.settings or {}) if org else {}).get("collectors") or {})
        inventory = inventory_of(session, actor.org_id)
        files = [(row.filename, row.storage_path) for row in evidence_repo.list_for_org(session, actor.org_id)]
    if args.get("live") and not args.get("collectors"):  # a schedule's refresh of the live collectors
        collectors = sorted(cid for cid, c in installed().items() if not c.meta.patterns and cid in settings)
    else:
        collectors = chosen_collectors(args.get("collectors"), settings)
    context.progress(5, f"copying {len(files)} evidence files")
    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="aisma-collect-", dir=store.temp_dir()) as tmp:
        root = Path(tmp)
        for filename, relative in files:
            _copy_out(store, relative, root / EVIDENCE_DIR / filename)
        for index, collector_id in enumerate(collectors):
            context.progress(10 + 80 * index // max(1, len(collectors)), f"running {collector_id}")
            if not installed()[collector_id].meta.patterns and collector_id not in settings:
                continue  # a live collector runs only with its settings in the organization
            results[collector_id] = collect_workspace(root, only_one(collector_id, settings), inventory, at)
    context.progress(90, "storing measurements")
    with context.database.transaction() as session:
        pushed = seen = 0
        for collector_id, collected in results.items():
            items = [wire.measurement_to_dict(m) for m in collected.measurements]
            for start in range(0, len(items), measurements.MAX_PER_PUSH):
                pushed += measurements.push(session, actor, items[start : start + measurements.MAX_PER_PUSH])
            assets = [wire.asset_to_dict(a) for a in collected.observed]
            seen += observed.replace_observed(
                session, actor, assets, SOURCE_PREFIX + collector_id, max_assets=MAX_OBSERVED
            )
        outcome = {
            "collectors": sorted(results),
            "files": len(files),
            "measurements": pushed,
            "observed": seen,
            "unreadable": [line for c in results.values() for line in c.unreadable][:100],
            "warnings": sum(len(c.warnings) for c in results.values()),
        }
        context.finish(session, outcome)
    return outcome


def handler(settings: ServerSettings) -> Callable[[JobContext, dict[str, Any]], dict[str, Any]]:
    store = store_for(settings.evidence_path, settings.evidence_url)
    return lambda context, args: run(store, context, args)


def register(settings: ServerSettings) -> None:
    jobs.register(NAME, handler(settings), max_attempts=3)
