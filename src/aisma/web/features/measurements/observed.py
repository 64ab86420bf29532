"""AI assets the collectors observed (``ObservedAsset``), stored so server assessments find shadow AI.

The files-first workspace feeds what its collectors saw to discovery (unregistered systems, shadow
AI metrics); the server does the same from what ``aisma push`` and ``aisma server import`` sent.
Each sender is one *source* (by default the pushing user, ``import`` for an import): a push replaces
all assets of its source, so an asset no longer seen there stops counting.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from aisma.client.wire import MAX_ASSETS
from aisma.scoring.inputs import ObservedAsset
from aisma.server.auth import Actor, Permission
from aisma.server.errors import Invalid
from aisma.store.repositories import observed as repo
from aisma.store.tables import ObservedAssetRow
from aisma.store.types import utcnow
from aisma.web.features.audit import service as audit
from aisma.web.features.measurements.schemas import ObservedAssetIn, ObservedAssetOut
from aisma.web.pagination import Page, PageRequest, checked_key, from_rows
from aisma.yamlfile import dotted, first_error, plain_message

MAX_SEEN_WITH = 50
IMPORT_SOURCE = "import"


def replace_observed(
    session: Session,
    actor: Actor,
    items: Iterable[ObservedAssetIn | Mapping[str, Any]],
    source: str | None = None,
    *,
    max_assets: int = MAX_ASSETS,
) -> int:
    """Validate ``items`` and make them the assets of ``source`` (default: the actor); all or nothing.

    ``max_assets`` bounds a push; ``aisma server import`` (the administrator's own files) lifts it.
    """
    actor.require(Permission.PUSH_MEASUREMENTS)
    name = (source if source is not None else actor.label).strip()
    if not name or len(name) > 400:
        raise Invalid("source", "must be 1 to 400 characters")
    rows: list[ObservedAssetRow] = []
    now = utcnow()
    for index, item in enumerate(items):
        if index >= max_assets:
            raise Invalid("observed", f"at most {max_assets} per push")
        try:
            asset = item if isinstance(item, ObservedAssetIn) else ObservedAssetIn.model_validate(item)
        except ValidationError as exc:
            error = first_error(exc)
            field = f"observed[{index}].{dotted(tuple(error['loc']))}".rstrip(".")
            raise Invalid(field, plain_message(error)) from None
        rows.append(
            ObservedAssetRow(
                organization_id=actor.org_id,
                source=name,
                kind=asset.kind,
                identifier=asset.identifier,
                tool=asset.tool,
                file=asset.file,
                count=asset.count,
                seen_with=list(asset.seen_with),
                last_seen=asset.last_seen,
                pushed_by=actor.label,
                pushed_at=now,
            )
        )
    removed = repo.replace_for_source(session, actor.org_id, name, rows)
    audit.append(
        session,
        actor,
        "observed.replace",
        "observed_assets",
        name,
        {"count": removed},
        {"count": len(rows), "tools": sorted({row.tool for row in rows})},
    )
    return len(rows)


def list_observed(session: Session, actor: Actor, limit: int | None = 1000) -> list[ObservedAssetOut]:
    actor.require(Permission.READ)
    return [ObservedAssetOut.model_validate(row) for row in repo.list_for_org(session, actor.org_id, limit)]


def observed_page(session: Session, actor: Actor, page: PageRequest) -> Page[ObservedAssetOut]:
    actor.require(Permission.READ)
    rows = repo.page(session, actor.org_id, checked_key(page, str, str, str, str, str, int), page.limit)
    found = from_rows(rows, page.limit, lambda r: (r.source, r.kind, r.identifier, r.tool, r.file, r.id))
    return Page([ObservedAssetOut.model_validate(row) for row in found.items], found.next_key)


def current_observed(session: Session, org_id: int) -> tuple[ObservedAsset, ...]:
    """Every stored asset of the organization, as discovery reads them."""
    return tuple(
        ObservedAsset(
            kind=row.kind,  # type: ignore[arg-type]  # checked against the Literal on push
            identifier=row.identifier,
            tool=row.tool,
            file=row.file,
            count=row.count,
            seen_with=tuple(str(item) for item in row.seen_with),
            last_seen=row.last_seen,
        )
        for row in repo.list_for_org(session, org_id)
    )
