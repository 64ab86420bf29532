"""The item page (an objective, a roadmap item or an AI system: who does it by when, and its comments)
and My work (everything assigned to the signed-in member across their organizations, overdue first,
filtered, paged and exported, with the emails the server sent them).

A failed form comes back with its one-line message; a stale one says the item changed meanwhile.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError

from aisma.server.auth import Permission
from aisma.server.errors import Invalid, NotFound, StaleWrite
from aisma.web import listing
from aisma.web.features.comments import service as comments
from aisma.web.features.notifications.schemas import NotificationOut
from aisma.web.features.organizations import service as accounts
from aisma.web.features.work import mywork
from aisma.web.features.work import service as work
from aisma.web.features.work.schemas import WORK_KINDS, WORK_STATES, AssignmentIn, WorkItemOut
from aisma.web.render import form_error, org_base, redirect, render_page
from aisma.web.security import CurrentActor, CurrentCaller, DbSession, require_csrf

router = APIRouter()
ITEM_SUBJECTS = ("objective", "roadmap", "system")
EXPORT_HEADER = ("organization", "kind", "item", "title", "due", "status", "overdue", "done", "link")


def _back(session: DbSession, actor: CurrentActor, subject: str, item_id: str) -> tuple[str, str]:
    """(label, URL) of the page the item lives on."""
    base = org_base(actor.org_slug)
    if subject == "system":
        return "Inventory", f"{base}/inventory/{item_id}"
    if subject == "roadmap":
        return "Roadmap", f"{base}/roadmap#road-{item_id}"
    return "Questionnaire", f"{base}/questionnaire/{item_id.split('-')[0]}#obj-{item_id}"


def item_page(
    request: Request,
    session: DbSession,
    actor: CurrentActor,
    subject: str,
    item_id: str,
    *,
    status_code: int = 200,
    flashes: list[tuple[str, str]] | None = None,
    typed: dict[str, str] | None = None,
) -> Response:
    if subject not in ITEM_SUBJECTS:
        raise NotFound(f"no page for {subject}")
    title = comments.check_item(session, actor, subject, item_id)
    assignment = work.get_assignment(session, actor, subject, item_id) if subject != "system" else None
    stored = work.stored_version(session, actor, subject, item_id) if subject != "system" else None
    state = work.progress(session, actor) if subject != "system" else None
    back_label, back_url = _back(session, actor, subject, item_id)
    return render_page(
        request,
        actor,
        "work_item.html",
        active="roadmap" if subject == "roadmap" else ("inventory" if subject == "system" else "questionnaire"),
        title=f"{item_id} · {work.SUBJECT_LABELS[subject]}",
        org_name=accounts.get_organization(session, actor).name,
        status_code=status_code,
        flashes=flashes,
        subject=subject,
        subject_label=work.SUBJECT_LABELS[subject],
        item_id=item_id,
        item_title=title,
        assignment=assignment,
        stored_version=stored,
        item_status=state.status(subject, item_id) if state is not None else "",
        on_roadmap=state is not None and state.roadmap is not None and item_id in state.roadmap,
        assessed=state is not None and state.roadmap is not None,
        can_assign=subject != "system" and actor.can(Permission.RUN_ASSESSMENT),
        can_comment=actor.can(Permission.ANSWER),
        is_owner=actor.can(Permission.MANAGE_MEMBERS),
        me=actor.user_id,
        members=[m.email for m in accounts.list_members(session, actor)],
        thread=comments.list_comments(session, actor, subject, item_id),
        base=f"{org_base(actor.org_slug)}/work/{subject}/{item_id}",
        back_label=back_label,
        back_url=back_url,
        typed=typed or {},
    )


@router.get("/orgs/{org}/work/{subject}/{item_id}")
def show_item(subject: str, item_id: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return item_page(request, session, actor, subject, item_id)


@router.post("/orgs/{org}/work/{subject}/{item_id}/assign", dependencies=[Depends(require_csrf)])
async def assign(subject: str, item_id: str, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    clear = form.get("action") == "clear"
    typed = {k: str(form.get(k, "")).strip()[:400] for k in ("assignee", "due")}
    version = str(form.get("version", "")).strip()
    try:
        if subject not in ("objective", "roadmap"):
            raise NotFound(f"{subject} items are not assigned")
        body = AssignmentIn.model_validate(
            {
                "assignee": "" if clear else typed["assignee"],
                "due": None if clear or not typed["due"] else typed["due"],
                "version": int(version) if version.isdigit() else None,
            }
        )
        work.assign(session, actor, subject, item_id, body)
    except ValidationError as exc:
        return item_page(request, session, actor, subject, item_id, status_code=422, typed=typed,
                         flashes=[("error", f"Not assigned: {form_error(exc)}")])  # fmt: skip
    except Invalid as exc:
        return item_page(request, session, actor, subject, item_id, status_code=422, typed=typed,
                         flashes=[("error", f"Not assigned: {exc.message}")])  # fmt: skip
    except StaleWrite:
        message = "The assignment changed since you opened the page; here it is as it is now."
        return item_page(request, session, actor, subject, item_id, status_code=409, flashes=[("error", message)])
    return redirect(f"{org_base(actor.org_slug)}/work/{subject}/{item_id}", "cleared" if clear else "assigned")


def _my_rows(request: Request, items: list[WorkItemOut], organizations: list[str]) -> tuple[dict[str, str], Any]:
    filters = {
        "organization": listing.choice(request, "organization", organizations),
        "kind": listing.choice(request, "kind", WORK_KINDS),
        "state": listing.choice(request, "state", WORK_STATES),
    }
    return filters, mywork.filtered(items, filters)


def _export_row(i: WorkItemOut) -> list[object]:
    return [i.organization, i.kind, i.item_id, i.title, i.due, i.status, "yes" if i.overdue else "",
            "yes" if i.done else "", i.link]  # fmt: skip


def my_work_page(request: Request, session: DbSession, actor: CurrentActor, today: date) -> Response:
    """Every organization of the member (a token: its own only), in the layout of ``actor``'s."""
    user = accounts.get_user(session, actor.user_id)
    only = actor.org_slug if actor.via == "token" else None
    items = mywork.my_work(session, user, today, only)
    organizations = [a.org_slug for a, _name in mywork.actors_of(session, user, only)]
    filters, matching = _my_rows(request, items, organizations)
    base = f"{org_base(actor.org_slug)}/my-work"
    fmt = listing.export_format(request)
    if fmt:
        return listing.export(fmt, "my-work", EXPORT_HEADER, matching, _export_row)
    pages = listing.pager(request, base, filters, len(matching))
    sent: list[tuple[str, NotificationOut]] = mywork.sent_to(session, user, only)
    sent_pages = listing.pager(request, base, filters, len(sent), param="sent_page")
    return render_page(
        request,
        actor,
        "my_work.html",
        active="my-work",
        title="My work",
        org_name=accounts.get_organization(session, actor).name,
        base=base,
        rows=listing.slice_rows(matching, pages),
        pager=pages,
        filters=filters,
        organizations=organizations,
        kinds=WORK_KINDS,
        states=WORK_STATES,
        overdue_count=sum(1 for i in items if i.overdue),
        sent=listing.slice_rows(sent, sent_pages),
        sent_pager=sent_pages,
        today=today,
    )


@router.get("/orgs/{org}/my-work")
def my_work(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return my_work_page(request, session, actor, work.today_or(None))


@router.get("/my-work")
def my_work_anywhere(session: DbSession, caller: CurrentCaller) -> Response:
    """My work in the layout of the member's first organization (it lists all of them)."""
    if caller.token_actor is not None:
        return RedirectResponse(f"{org_base(caller.token_actor.org_slug)}/my-work", status_code=303)
    memberships = accounts.organizations_of(session, caller.user.id)
    if not memberships:
        return RedirectResponse("/", status_code=303)
    return RedirectResponse(f"{org_base(memberships[0][0].slug)}/my-work", status_code=303)
