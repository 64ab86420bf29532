"""The workbook import page: upload a system owner's filled-in XLSX, preview every change, import.

"Preview" lists what the workbook would change and saves nothing; "Import" saves every change
through the answers service (versions, audit entries, contributor limits). A refused workbook
(hostile, another model version, an unknown id, an objective the user may not answer) is shown
as one message on the page and nothing is saved. Edits of answers changed since the export are
listed as conflicts (sheet, cells, versions); "Import anyway" forces them, with an audit entry.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from aisma.server.auth import Actor, Permission
from aisma.server.errors import EditConflicts, Forbidden, Invalid, StaleWrite
from aisma.web.features.organizations import service as accounts
from aisma.web.features.workbook import service as workbook_import
from aisma.web.features.workbook.router import read_upload, workbook_limit
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession, require_csrf

router = APIRouter()


def _page(
    request: Request,
    session: Any,
    actor: Actor,
    *,
    flashes: list[tuple[str, str]] | None = None,
    outcome: Any = None,
    conflicts: list[dict[str, Any]] | None = None,
    status: int = 200,
) -> Response:
    base = org_base(actor.org_slug)
    return render_page(
        request,
        actor,
        "workbook.html",
        active="questionnaire",
        title="Import a workbook",
        org_name=accounts.get_organization(session, actor).name,
        flashes=flashes,
        status_code=status,
        can_answer=actor.can(Permission.ANSWER),
        action=f"{base}/workbook",
        reports_url=f"{base}/reports",
        outcome=outcome,
        conflicts=conflicts or [],
    )


@router.get("/orgs/{org}/workbook")
def form(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _page(request, session, actor)


@router.post("/orgs/{org}/workbook", dependencies=[Depends(require_csrf)])
async def upload(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    upload = form.get("file")
    dry_run = str(form.get("action", "preview")) != "import"
    force = str(form.get("force", "")) == "yes"
    if not isinstance(upload, UploadFile) or not upload.filename:
        return _page(request, session, actor, flashes=[("error", "Choose a workbook (.xlsx) first.")], status=422)
    data = read_upload(upload.file, workbook_limit(request))
    try:
        outcome = workbook_import.import_workbook(session, actor, data, upload.filename, dry_run, force)
    except EditConflicts as exc:
        session.rollback()
        count = len(exc.conflicts)
        message = (
            f"Nothing was imported: the workbook edits {count} answer{'s' if count != 1 else ''} that changed "
            "after it was exported (listed below). Export a fresh workbook, or tick “Import anyway” to let "
            "the workbook's edited cells win."
        )
        return _page(request, session, actor, flashes=[("error", message)], conflicts=exc.conflicts, status=409)
    except (Invalid, Forbidden, StaleWrite) as exc:
        session.rollback()  # nothing of a refused workbook is kept, even if some answers were saved
        status = 403 if isinstance(exc, Forbidden) else 409 if isinstance(exc, StaleWrite) else 422
        message = exc.detail if isinstance(exc, Invalid) else str(exc)
        return _page(request, session, actor, flashes=[("error", f"Nothing was imported: {message}")], status=status)
    forced = sum(1 for c in outcome.changes if c.forced is not None)
    if outcome.applied:
        note = f"Imported: {len(outcome.changes)} answer(s) changed."
        if forced:
            note += f" {forced} of them over a newer answer (forced; recorded in the audit log)."
    elif outcome.changes:
        note = f"Preview: the workbook changes {len(outcome.changes)} answer(s); nothing is saved yet."
    else:
        note = "The workbook changes no answer."
    return _page(request, session, actor, flashes=[("ok", note)], outcome=outcome)
