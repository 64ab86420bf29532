"""Inventory pages: list and search systems, add one, see one, and run its Autonomy Test wizard."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from aisma.maturity.schema import DEPLOYMENT_TYPES, TRACKS
from aisma.server.auth import Permission
from aisma.server.errors import Conflict, Invalid, StaleWrite
from aisma.web import listing
from aisma.web.features.inventory import service as systems
from aisma.web.features.inventory.view import (
    ENVIRONMENTS,
    EXPORT_HEADER,
    PAGE_SIZE,
    export_row,
    filtered,
    inventory_list_view,
    new_system_document,
    parse_wizard_form,
    system_view,
    with_autonomy,
    wizard_view,
)
from aisma.web.features.organizations import service as accounts
from aisma.web.features.work.view import line_context
from aisma.web.pagination import Page, PageRequest, decode_cursor, encode_cursor, slice_page
from aisma.web.render import org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, require_csrf
from aisma.yamlfile import dotted, first_error, plain_message

router = APIRouter()
NEW_SYSTEM_FIELDS = ("id", "name", "owner", "track", "deployment_type", "environment")  # echoed back on a mistake


def _list_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    flashes: list[tuple[str, str]],
    status: int = 200,
    typed: dict[str, str] | None = None,
) -> Response:
    query = request.query_params.get("q", "")[:200]
    filters = {
        "track": listing.choice(request, "track", TRACKS),
        "deployment_type": listing.choice(request, "deployment_type", DEPLOYMENT_TYPES),
        "environment": listing.choice(request, "environment", ENVIRONMENTS),
        "agentic": listing.choice(request, "agentic", ("yes", "no", "by test")),
        "owner": listing.text(request, "owner", 320),
    }
    cursor = request.query_params.get("cursor", "")[:1000]
    wanted = PageRequest(decode_cursor(cursor) if cursor else None, PAGE_SIZE)
    base = f"{org_base(actor.org_slug)}/inventory"
    fmt = listing.export_format(request)
    if query or fmt or any(filters.values()):
        # A search or filter reads every document (the fields it matches live in them); pages by offset.
        every = [r.document for r in systems.list_systems(session, actor)]
        matching = filtered(every, {"q": query, **filters})
        if fmt:
            return listing.export(fmt, f"{actor.org_slug}-inventory", EXPORT_HEADER, matching, export_row)
        page: Page[Any] = slice_page(matching, wanted)
        documents, total, found = page.items, len(every), len(matching)
    else:  # browsing pages in the database: a page costs the same at 100 systems and at 10,000
        listed = systems.systems_page(session, actor, wanted)
        page, documents = listed, [r.document for r in listed.items]
        total = found = systems.count_systems(session, actor)
    params = {k: v for k, v in {"q": query, **filters}.items() if v}
    next_url = f"{base}?{urlencode({**params, 'cursor': encode_cursor(page.next_key)})}" if page.next_key else ""
    first_url = f"{base}?{urlencode(params)}" if cursor else ""
    view = inventory_list_view(
        documents, query, total=total, found=found, next_url=next_url, first_url=first_url, filters=filters
    )
    export_base = listing.Pager(base, {"q": query, **filters}, 1, found)
    return render_page(
        request,
        actor,
        "inventory.html",
        active="inventory",
        title="Inventory",
        org_name=accounts.get_organization(session, actor).name,
        status_code=status,
        flashes=flashes,
        base=base,
        can_edit=actor.can(Permission.EDIT_INVENTORY),
        typed=typed or {},
        pager=export_base,
        **view,
    )


@router.get("/orgs/{org}/inventory")
def inventory(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _list_page(request, session, actor, [])


@router.post("/orgs/{org}/inventory", dependencies=[Depends(require_csrf)])
async def add_system(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    typed = {k: str(form.get(k, ""))[:500] for k in NEW_SYSTEM_FIELDS}
    try:
        document = new_system_document({k: form.get(k) for k in form})
    except ValidationError as exc:
        error = first_error(exc)
        message = f"Not added: {dotted(tuple(error['loc'])) or 'system'}: {plain_message(error)}"
        return _list_page(request, session, actor, [("error", message)], status=422, typed=typed)
    try:
        record = systems.create_system(session, actor, document)
    except (Invalid, Conflict) as exc:
        return _list_page(request, session, actor, [("error", f"Not added: {exc.message}")], status=422, typed=typed)
    return redirect(f"{org_base(actor.org_slug)}/inventory/{record.system_id}", "system-added")


@router.get("/orgs/{org}/inventory/{system_id}")
def system_page(system_id: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    record = systems.get_system(session, actor, system_id)
    return render_page(
        request,
        actor,
        "system.html",
        active="inventory",
        title=f"{record.system_id} · Inventory",
        org_name=accounts.get_organization(session, actor).name,
        base=f"{org_base(actor.org_slug)}/inventory",
        version=record.version,
        can_edit=actor.can(Permission.EDIT_INVENTORY),
        **line_context(session, actor, "system"),
        **system_view(record.document),
    )


def _wizard_page(
    request: Request, session: DbSession, actor: CurrentActor, system_id: str, flashes: list[tuple[str, str]]
) -> Response:
    record = systems.get_system(session, actor, system_id)
    return render_page(
        request,
        actor,
        "autonomy.html",
        active="inventory",
        title=f"Autonomy Test: {record.system_id} · Inventory",
        org_name=accounts.get_organization(session, actor).name,
        status_code=409 if flashes else 200,
        flashes=flashes,
        base=f"{org_base(actor.org_slug)}/inventory",
        version=record.version,
        **wizard_view(record.document),
    )


@router.get("/orgs/{org}/inventory/{system_id}/autonomy")
def wizard(system_id: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    actor.require(Permission.EDIT_INVENTORY)
    return _wizard_page(request, session, actor, system_id, [])


@router.post("/orgs/{org}/inventory/{system_id}/autonomy", dependencies=[Depends(require_csrf)])
async def record_wizard(system_id: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    answers = parse_wizard_form({k: form.get(k) for k in form})
    record = systems.get_system(session, actor, system_id)
    version_text = str(form.get("version", ""))
    expected = int(version_text) if version_text.isdigit() else record.version
    try:
        systems.update_system(session, actor, system_id, with_autonomy(record.document, answers), expected)
    except StaleWrite:
        message = "Not recorded: someone changed this system since you opened the test. Answer again."
        return _wizard_page(request, session, actor, system_id, [("error", message)])
    return redirect(f"{org_base(actor.org_slug)}/inventory/{system_id}", "autonomy")
