"""The findings page: every finding with its owner, severity, status, due date and the objective it
blocks; filtered, paged, and downloaded as CSV, XLSX, or CSV that Jira or GitHub import. Assessors
and owners derive findings from the latest assessment, record an auditor's remark, and change any
finding; the member a finding is assigned to moves its status. A failed form comes back with its
one-line message and what was typed."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from pydantic import ValidationError

from aisma.server.auth import Permission
from aisma.server.errors import Forbidden, Invalid, StaleWrite
from aisma.store.types import utcnow
from aisma.web import listing
from aisma.web.features.findings import exports
from aisma.web.features.findings import service as findings
from aisma.web.features.findings.schemas import KINDS, SEVERITIES, STATUSES, FindingChange, RemarkIn
from aisma.web.features.organizations import service as accounts
from aisma.web.render import form_error, form_int, org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, require_csrf

router = APIRouter()
LIST_PARAMS = ("status", "kind", "severity", "owner", "overdue", "objective", "page")


def _page(request: Request, session: DbSession, actor: CurrentActor, **extra: Any) -> Response:
    base = f"{org_base(actor.org_slug)}/findings"
    members = [m.email for m in accounts.list_members(session, actor)]
    filters = {
        "status": listing.choice(request, "status", STATUSES),
        "kind": listing.choice(request, "kind", KINDS),
        "severity": listing.choice(request, "severity", SEVERITIES),
        "owner": listing.text(request, "owner", 320),
        "overdue": listing.choice(request, "overdue", ("yes",)),
        "objective": listing.text(request, "objective", 100),
    }
    matching = findings.filtered(findings.list_findings(session, actor), filters)
    fmt = listing.choice(request, "format", exports.FORMATS)
    if fmt:
        return exports.export(fmt, actor.org_slug, matching)
    pages = listing.pager(request, base, filters, len(matching))
    today = utcnow().date()
    return render_page(
        request,
        actor,
        "findings.html",
        active="findings",
        title="Findings",
        org_name=accounts.get_organization(session, actor).name,
        base=base,
        rows=listing.slice_rows(matching, pages),
        pager=pages,
        filters=filters,
        kinds=KINDS,
        severities=SEVERITIES,
        statuses=STATUSES,
        members=members,
        overdue=lambda f: findings.overdue(f, today),
        can_manage=actor.can(Permission.RUN_ASSESSMENT),
        me=(actor.email or "").casefold(),
        questionnaire=f"{org_base(actor.org_slug)}/questionnaire",
        roadmap_url=f"{org_base(actor.org_slug)}/roadmap",
        back=listing.kept_query(request.url.query, LIST_PARAMS),
        **extra,
    )


@router.get("/orgs/{org}/findings")
def findings_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _page(request, session, actor)


def _rejected(
    request: Request, session: DbSession, actor: CurrentActor, message: str, status: int = 422, **typed: Any
) -> Response:
    page = _page(request, session, actor, flashes=[("error", message)], **typed)
    page.status_code = status
    return page


@router.post("/orgs/{org}/findings/derive", dependencies=[Depends(require_csrf)])
def derive(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    try:
        made = findings.derive(session, actor)
    except Invalid as exc:
        return _rejected(request, session, actor, f"No findings derived: {exc.message}")
    message = (
        f"{made.created} new finding{'s' if made.created != 1 else ''} from assessment {made.assessment_id}; "
        f"{made.existing} already recorded, left as they are."
    )
    return _page(request, session, actor, flashes=[("ok", message)])


@router.post("/orgs/{org}/findings", dependencies=[Depends(require_csrf)])
async def add_remark(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    typed = {
        k: str(form.get(k, "")).strip()[:20_000]
        for k in ("title", "detail", "objective_id", "severity", "owner", "due")
    }
    try:
        body = RemarkIn.model_validate({k: v for k, v in typed.items() if v})
        findings.create_remark(session, actor, body)
    except ValidationError as exc:
        return _rejected(request, session, actor, f"Not recorded: {form_error(exc)}", remark=typed)
    except Invalid as exc:
        return _rejected(request, session, actor, f"Not recorded: {exc.message}", remark=typed)
    return redirect(f"{org_base(actor.org_slug)}/findings", "finding-added")


@router.post("/orgs/{org}/findings/{finding_id}", dependencies=[Depends(require_csrf)])
async def change(finding_id: int, request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    fields = {k: str(form.get(k, "")).strip() for k in ("severity", "status", "owner", "due")}
    try:
        change = FindingChange.model_validate(
            {
                "version": form_int(form.get("version"), "version"),
                **{k: v for k, v in fields.items() if k != "due" and k in form},
                **({"due": fields["due"]} if fields["due"] else {"clear_due": "due" in form}),
            }
        )
        findings.change_finding(session, actor, finding_id, change)
    except ValidationError as exc:
        return _rejected(request, session, actor, f"Finding {finding_id} not changed: {form_error(exc)}")
    except (Invalid, Forbidden) as exc:
        status = 403 if isinstance(exc, Forbidden) else 422
        return _rejected(request, session, actor, f"Finding {finding_id} not changed: {exc.message}", status)
    except StaleWrite:
        message = f"Finding {finding_id} changed since you opened the page; look at it again as it is now."
        return _rejected(request, session, actor, message, 409)
    kept = listing.kept_query(str(form.get("back", ""))[:4000], LIST_PARAMS)
    return redirect(f"{org_base(actor.org_slug)}/findings" + (f"?{kept}" if kept else ""), "finding-changed")
