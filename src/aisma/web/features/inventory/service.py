"""The AI inventory: one ``inventory.yaml`` system per row, validated with ``aisma.inventory.schema``."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from aisma.inventory.schema import AISystem, Inventory
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Conflict, Invalid, NotFound, StaleWrite
from aisma.store.repositories import systems as repo
from aisma.store.tables import AISystemRow
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.inventory.schemas import SystemOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows
from aisma.yamlfile import dotted, first_error, plain_message


def _record(row: AISystemRow) -> SystemOut:
    return SystemOut(
        system_id=row.system_id,
        document=dict(row.document),
        version=row.version,
        updated_by=row.updated_by,
        updated_at=row.updated_at,
    )


def validate_system(document: dict[str, Any]) -> tuple[AISystem, dict[str, Any]]:
    """The validated system and its document as JSON (only the fields that were given, in order)."""
    try:
        system = AISystem.model_validate(document)
    except ValidationError as exc:
        error = first_error(exc)
        raise Invalid(dotted(tuple(error["loc"])) or "system", plain_message(error)) from None
    return system, system.model_dump(mode="json", exclude_unset=True)


def list_systems(session: Session, actor: Actor) -> list[SystemOut]:
    actor.require(Permission.READ)
    return [_record(row) for row in repo.list_for_org(session, actor.org_id)]


def systems_page(session: Session, actor: Actor, page: PageRequest) -> Page[SystemOut]:
    """One page of the inventory, in its order (keyset on position and id)."""
    actor.require(Permission.READ)
    rows = repo.page(session, actor.org_id, checked_key(page, int, str), page.limit)
    found = from_rows(rows, page.limit, lambda row: (row.position, row.system_id))
    return Page([_record(row) for row in found.items], found.next_key, repo.count(session, actor.org_id))


def count_systems(session: Session, actor: Actor) -> int:
    actor.require(Permission.READ)
    return repo.count(session, actor.org_id)


def get_system(session: Session, actor: Actor, system_id: str) -> SystemOut:
    actor.require(Permission.READ)
    row = repo.get(session, actor.org_id, system_id)
    if row is None:
        raise NotFound(f"system {system_id} not found")
    return _record(row)


def inventory_of(session: Session, org_id: int) -> Inventory:
    """The organization's inventory as the files-first code reads it (for assessments and export)."""
    return Inventory(systems=tuple(AISystem.model_validate(row.document) for row in repo.list_for_org(session, org_id)))


def create_system(session: Session, actor: Actor, document: dict[str, Any]) -> SystemOut:
    actor.require(Permission.EDIT_INVENTORY)
    system, clean = validate_system(document)
    row = AISystemRow(
        organization_id=actor.org_id,
        system_id=system.id,
        position=repo.next_position(session, actor.org_id),
        owner=system.owner,
        document=clean,
        version=1,
        updated_by=actor.email,
        updated_at=utcnow(),
    )
    if not repo.insert(session, row):
        raise Conflict(f"system {system.id} already exists")
    audit.append(session, actor, "system.create", "ai_system", system.id, None, clean)
    return _record(row)


def update_system(
    session: Session, actor: Actor, system_id: str, document: dict[str, Any], expected_version: int
) -> SystemOut:
    """Replace a system's document; its id cannot change (delete and create instead)."""
    actor.require(Permission.EDIT_INVENTORY)
    current = repo.get(session, actor.org_id, system_id)
    if current is None:
        raise NotFound(f"system {system_id} not found")
    system, clean = validate_system(document)
    if system.id != system_id:
        raise Invalid("id", f"must stay {system_id}")
    before = _record(current)
    values = {"document": clean, "owner": system.owner, "updated_by": actor.email, "updated_at": utcnow()}
    if not repo.update_if_version(session, actor.org_id, system_id, expected_version, values):
        session.expire_all()
        latest = repo.get(session, actor.org_id, system_id)
        raise StaleWrite(_record(latest) if latest else None)
    session.refresh(current)
    audit.append(session, actor, "system.update", "ai_system", system_id, before.document, clean)
    return _record(current)


def delete_system(session: Session, actor: Actor, system_id: str, expected_version: int) -> None:
    actor.require(Permission.EDIT_INVENTORY)
    current = repo.get(session, actor.org_id, system_id)
    if current is None:
        raise NotFound(f"system {system_id} not found")
    before = dict(current.document)
    if not repo.delete_if_version(session, actor.org_id, system_id, expected_version):
        raise StaleWrite(_record(current))
    session.expunge(current)
    audit.append(session, actor, "system.delete", "ai_system", system_id, before, None)
