"""Import a files-first workspace into the server and export an organization back, without loss.

What round-trips: aisma.yaml (as data: comments and formatting are not kept), every inventory.yaml
system with exactly the fields it had, every answers.yaml entry (answer, note, justification,
evidence, by, at, expires) and every file under evidence/ byte for byte. Import also runs the
workspace's collectors over evidence/ and stores their measurements and observed AI assets, as
``aisma push`` would.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.orm import Session

from aisma.client import wire
from aisma.collectors.run import collect_workspace
from aisma.errors import AismaError
from aisma.fileio import atomic_output, write_atomic
from aisma.layout import ANSWERS_FILE, CONFIG_FILE, EVIDENCE_DIR, INVENTORY_FILE
from aisma.server.auth import Actor, Role
from aisma.server.errors import Conflict, Invalid
from aisma.server.models import installed_model_ids, model_by_id
from aisma.server.storage import EvidenceStore, as_store, copy_out
from aisma.store.repositories import answers as answers_repo
from aisma.store.repositories import evidence as evidence_repo
from aisma.store.repositories import organizations as orgs_repo
from aisma.store.repositories import systems as systems_repo
from aisma.store.tables import AnswerRow, Organization, User
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.evidence import service as evidence
from aisma.web.features.evidence.schemas import EvidenceOut
from aisma.web.features.inventory import service as inventory
from aisma.web.features.measurements import observed
from aisma.web.features.measurements import service as measurements
from aisma.web.features.organizations import service as accounts
from aisma.workspace.loader import open_workspace
from aisma.yamlfile import load_yaml


@dataclass(frozen=True)
class ImportSummary:
    org_slug: str
    systems: int
    answers: int
    evidence_files: int
    measurements: int
    observed: int = 0  # AI assets the collectors saw (discovery)
    owner: str = ""  # the account that owns the organization (empty when none was given)
    unreadable: tuple[str, ...] = ()  # evidence files the collectors skipped, one line each


def _jsonable(value: Any) -> Any:
    """YAML data as JSON data (dates become ISO strings; the typed readers parse them back)."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if isinstance(v, date) else str(v)))


def _empty(session: Session, org_id: int) -> bool:
    return not (
        systems_repo.list_for_org(session, org_id)
        or answers_repo.list_for_org(session, org_id)
        or evidence_repo.list_for_org(session, org_id)
    )


def _organization(
    session: Session, slug: str, name: str, model_id: str, settings: dict[str, Any], by: str
) -> Organization:
    org = orgs_repo.get_by_slug(session, slug)
    if org is None:
        return accounts.create_organization(session, slug, name, model_id, settings, by=by)
    if not _empty(session, org.id):
        raise Conflict(f"organization {slug} already holds data; import into a new organization")
    before = {"name": org.name, "model_id": org.model_id}
    org.name, org.model_id, org.settings = name, model_id, settings
    session.flush()
    audit.append(
        session,
        by,
        "organization.update",
        "organization",
        slug,
        before,
        {"name": name, "model_id": model_id},
        org_id=org.id,
    )
    return org


def import_workspace(
    session: Session,
    directory: str | Path,
    org_slug: str,
    evidence_dir: Path | EvidenceStore,
    *,
    by: str = "system",
    collect: bool = True,
    at: datetime | None = None,
    owner: User | None = None,
) -> ImportSummary:
    """Create organization ``org_slug`` (or fill an empty one) from a workspace folder.

    The collectors run as of ``at`` (default the workspace's ``as_of``, else now): windows such as
    red-team recency count back from it. The ``as_of`` stays in the organization's settings, so the
    server assesses it as of the same time as ``aisma assess`` does, until someone asks for another.
    ``owner`` (an account) becomes an owner of the organization, so someone can open it.
    """
    workspace = open_workspace(directory)  # every file checked first: nothing is imported from a broken workspace
    root = workspace.root
    config_raw = load_yaml(root / CONFIG_FILE)
    if workspace.config.model not in installed_model_ids():
        raise Invalid(
            "model",
            f"{workspace.config.model!r}: the server uses installed models only ({', '.join(installed_model_ids())})",
        )
    model_by_id(workspace.config.model)
    org = _organization(
        session, org_slug, workspace.config.organization, workspace.config.model, _jsonable(config_raw), by
    )
    if owner is not None and orgs_repo.membership(session, org.id, owner.id) is None:
        accounts.add_member_unchecked(session, org, owner, Role.OWNER, by=by)
    actor = accounts.system_actor(session, org.slug, by)

    raw_inventory = load_yaml(root / INVENTORY_FILE) if (root / INVENTORY_FILE).is_file() else None
    raw_systems = (raw_inventory or {}).get("systems") or [] if isinstance(raw_inventory, dict) else []
    for document in raw_systems:
        inventory.create_system(session, actor, _jsonable(document))

    files = sorted(p for p in (root / EVIDENCE_DIR).rglob("*") if p.is_file()) if (root / EVIDENCE_DIR).is_dir() else []
    for path in files:
        with path.open("rb") as handle:
            evidence.store_evidence(
                session, actor, evidence_dir, path.relative_to(root / EVIDENCE_DIR).as_posix(), handle, sys.maxsize
            )

    for answer in workspace.answers:
        row = AnswerRow(
            organization_id=org.id,
            objective_id=answer.objective_id,
            answer=answer.answer,
            note=answer.note,
            justification=answer.justification,
            evidence=[ref.ref for ref in answer.evidence],
            answered_by=answer.by,
            answered_at=datetime(answer.at.year, answer.at.month, answer.at.day, tzinfo=UTC) if answer.at else None,
            expires=answer.expires,
            version=1,
            status="submitted",  # a workspace's answers are finished ones; an assessor still accepts them
        )
        if answer.review is not None:  # the workspace's acceptance travels with the answer
            reviewed = answer.review.at
            row.evidence_review = answer.review.decision
            row.reviewed_by = answer.review.by
            if isinstance(reviewed, datetime):
                row.reviewed_at = reviewed
            elif reviewed is not None:
                row.reviewed_at = datetime(reviewed.year, reviewed.month, reviewed.day, tzinfo=UTC)
            row.review_note = answer.review.note
        if not answers_repo.insert(session, row):
            raise Conflict(f"answer {answer.objective_id} exists already")
        audit.append(
            session,
            actor,
            "answer.import",
            "answer",
            answer.objective_id,
            None,
            {"answer": answer.answer, "evidence": row.evidence},
        )

    pushed = seen = 0
    unreadable: tuple[str, ...] = ()
    if collect:
        when = at or workspace.config.as_of or utcnow()
        collected = collect_workspace(root, workspace.config.collectors, workspace.inventory, when)
        items = [wire.measurement_to_dict(m) for m in collected.measurements]
        step = measurements.MAX_PER_PUSH
        for start in range(0, len(items), step):
            pushed += measurements.push(session, actor, items[start : start + step])
        assets = [wire.asset_to_dict(a) for a in collected.observed]
        seen = observed.replace_observed(session, actor, assets, observed.IMPORT_SOURCE, max_assets=sys.maxsize)
        unreadable = collected.unreadable
    return ImportSummary(
        org.slug,
        len(raw_systems),
        len(workspace.answers),
        len(files),
        pushed,
        seen,
        owner.email if owner else "",
        unreadable,
    )


def _answer_entry(row: AnswerRow, stored: dict[str, EvidenceOut]) -> str | dict[str, Any]:
    entry: dict[str, Any] = {"answer": row.answer}
    for key, value in (("note", row.note), ("justification", row.justification)):
        if value:
            entry[key] = value
    if row.evidence:
        # Files cited by sha256 (server uploads) are cited by their path in the exported evidence/.
        entry["evidence"] = [
            stored[ref].ref if ref.startswith("sha256:") and ref in stored else ref for ref in row.evidence
        ]
    if row.answered_by:
        entry["by"] = row.answered_by
    if row.answered_at:
        entry["at"] = row.answered_at.date()
    if row.expires:
        entry["expires"] = row.expires
    if row.evidence_review == "accepted" and row.reviewed_by:  # a workspace knows acceptances only
        entry["accepted_by"] = row.reviewed_by
        entry["accepted_at"] = row.reviewed_at.date() if row.reviewed_at else None
    return row.answer if len(entry) == 1 else entry


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)


def _check_target(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        raise AismaError(f"{directory}: exists and is not a folder")
    if directory.exists() and any(directory.iterdir()):
        raise AismaError(f"{directory}: is not empty; choose a new or empty folder")


def _copy(store: EvidenceStore, relative: str, target: Path) -> None:
    with atomic_output(target) as writer:
        copy_out(store, relative, writer)


def export_workspace(session: Session, actor: Actor, directory: str | Path, evidence_dir: Path | EvidenceStore) -> int:
    """Write the actor's organization as a workspace folder; returns the number of evidence files."""
    from aisma.server.auth import Permission

    actor.require(Permission.IMPORT_EXPORT)
    store = as_store(evidence_dir)
    target = Path(directory)
    _check_target(target)
    org = orgs_repo.get(session, actor.org_id)
    assert org is not None
    settings = dict(org.settings or {})
    settings.setdefault("organization", org.name)
    settings.setdefault("model", org.model_id)
    model = model_by_id(org.model_id)
    order = {objective.id: index for index, objective in enumerate(model.objectives())}
    rows = sorted(
        answers_repo.list_for_org(session, org.id),
        key=lambda r: (order.get(r.objective_id, len(order)), r.objective_id),
    )
    systems = [row.document for row in systems_repo.list_for_org(session, org.id)]
    files = evidence_repo.list_for_org(session, org.id)
    for row in files:  # check every name before writing anything
        if evidence.clean_filename(row.filename) != row.filename:
            raise Invalid("filename", f"stored evidence name {row.filename!r} is not a safe path")
        if not store.exists(row.storage_path):
            raise AismaError(f"{row.storage_path}: evidence file {row.filename} is missing from the evidence store")
    write_atomic(target / CONFIG_FILE, _dump(settings))
    write_atomic(target / INVENTORY_FILE, _dump({"systems": systems}))
    stored = evidence.resolve_refs(session, org.id)
    entries = {row.objective_id: _answer_entry(row, stored) for row in rows}
    write_atomic(target / ANSWERS_FILE, _dump({"answers": entries}))
    (target / EVIDENCE_DIR).mkdir(parents=True, exist_ok=True)
    for row in files:
        _copy(store, row.storage_path, target / EVIDENCE_DIR / row.filename)
    audit.append(session, actor, "organization.export", "organization", org.slug, None, {"directory": str(target)})
    return len(files)
