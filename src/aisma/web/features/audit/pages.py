"""The audit page: the organization's trail, newest first, filtered by action, entity and actor, paged,
and exported as CSV or XLSX (what an auditor asks for first). Every member reads it, as in the API."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.web import listing
from aisma.web.features.audit import service as audit
from aisma.web.features.audit.schemas import AuditOut
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession

router = APIRouter()
EXPORT_HEADER = ("seq", "at", "actor", "action", "entity", "entity_id", "before", "after", "hash")


def _export_row(entry: AuditOut) -> list[object]:
    def compact(value: object) -> str:
        return "" if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)

    return [
        entry.seq, entry.at, entry.actor, entry.action, entry.entity, entry.entity_id,
        compact(entry.before), compact(entry.after), entry.hash,
    ]  # fmt: skip


@router.get("/orgs/{org}/audit")
def audit_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    actions, entities = audit.audit_kinds(session, actor)
    filters = {
        "action": listing.choice(request, "action", actions),
        "entity": listing.choice(request, "entity", entities),
        "who": listing.text(request, "who", 400),
    }
    where = audit.AuditFilter(action=filters["action"], entity=filters["entity"], actor=filters["who"])
    fmt = listing.export_format(request)
    if fmt:
        every = audit.audit_window(session, actor, where, 0, listing.MAX_EXPORT_ROWS)
        return listing.export(fmt, f"{actor.org_slug}-audit", EXPORT_HEADER, every, _export_row)
    base = f"{org_base(actor.org_slug)}/audit"
    pages = listing.pager(request, base, filters, audit.audit_count(session, actor, where))
    entries = audit.audit_window(session, actor, where, pages.offset, pages.per_page)
    return render_page(
        request,
        actor,
        "audit.html",
        active="audit",
        title="Audit trail",
        org_name=accounts.get_organization(session, actor).name,
        entries=entries,
        pager=pages,
        filters=filters,
        actions=actions,
        entities=entities,
        base=base,
    )
