"""The framework pages: choose a built-in or imported framework, see the posture per requirement of the
latest assessment, open a requirement to see the objectives, answers and evidence behind it; owners
import a framework (with its mapping set), replace an import's mapping set, or delete it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile

from aisma.server.auth import Actor, Permission
from aisma.server.errors import Conflict, Forbidden, Invalid, NotFound
from aisma.web.features.frameworks import service, view
from aisma.web.features.frameworks.router import read_upload
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession, app_settings, require_csrf

router = APIRouter()
DEFAULT = "nist-ai-rmf"


def _page(
    request: Request,
    session: Any,
    actor: Actor,
    framework: str,
    *,
    flashes: list[tuple[str, str]] | None = None,
    status: int = 200,
) -> Response:
    organization = accounts.get_organization(session, actor)
    posture, reason = service.posture_and_reason(session, actor, framework)
    base = org_base(actor.org_slug)
    imported = service.imported_frameworks(session, actor)
    return render_page(
        request,
        actor,
        "frameworks.html",
        active="frameworks",
        title="Frameworks",
        org_name=organization.name,
        flashes=flashes,
        status_code=status,
        choices=service.choices(session, actor),
        chosen=framework,
        action=f"{base}/frameworks",
        posture=view.overview(posture, base) if posture is not None else None,
        reason=reason,
        imported=view.imported_rows(imported, base),
        can_manage=actor.can(Permission.MANAGE_FRAMEWORKS),
        import_url=f"{base}/frameworks/import",
    )


@router.get("/orgs/{org}/frameworks")
def frameworks(request: Request, session: DbSession, actor: CurrentActor, framework: str = DEFAULT) -> Response:
    return _page(request, session, actor, framework)


def _file(request: Request, form: Any, name: str) -> service.Upload | None:
    value = form.get(name)
    if not isinstance(value, UploadFile) or not value.filename:
        return None
    return read_upload(value.file, value.filename, app_settings(request).max_upload_bytes)


def _refused(
    request: Request, session: Any, actor: Actor, exc: Exception, what: str, framework: str = DEFAULT
) -> Response:
    session.rollback()  # nothing of a refused upload is kept
    status = 403 if isinstance(exc, Forbidden) else 409 if isinstance(exc, Conflict) else 422
    message = exc.detail if isinstance(exc, Invalid) else str(exc)
    return _page(request, session, actor, framework, flashes=[("error", f"{what}: {message}")], status=status)


def _shown(actor: Actor, framework_id: str, message: str) -> Response:
    url = f"{org_base(actor.org_slug)}/frameworks?framework={quote(framework_id, safe='')}&msg={message}"
    return RedirectResponse(url, status_code=303)


@router.post("/orgs/{org}/frameworks/import", dependencies=[Depends(require_csrf)])
async def import_framework(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    actor.require(Permission.MANAGE_FRAMEWORKS)
    form = await request.form()
    try:
        upload = _file(request, form, "file")
        if upload is None:
            raise Invalid("file", "choose an OSCAL catalog or profile (.json, .xml) or a CISO library (.yaml)")
        framework_id = str(form.get("framework_id") or "").strip()[:200]
        created = service.import_framework(
            session,
            actor,
            upload,
            catalog=_file(request, form, "catalog"),
            mapping=_file(request, form, "mapping"),
            framework_id=framework_id or None,
        )
    except (Invalid, Conflict, Forbidden) as exc:
        return _refused(request, session, actor, exc, "Not imported")
    return _shown(actor, created.id, "framework-imported")


@router.post("/orgs/{org}/frameworks/{framework_id}/mapping", dependencies=[Depends(require_csrf)])
async def set_mapping(request: Request, session: DbSession, actor: CurrentActor, framework_id: str) -> Response:
    actor.require(Permission.MANAGE_FRAMEWORKS)
    form = await request.form()
    try:
        upload = _file(request, form, "file")
        if upload is None:
            raise Invalid("file", "choose a mapping set (.yaml) first")
        service.set_mapping(session, actor, framework_id, upload)
    except (Invalid, Conflict, Forbidden) as exc:
        return _refused(request, session, actor, exc, "Mapping set not saved", framework_id)
    return _shown(actor, framework_id, "framework-mapping")


@router.post("/orgs/{org}/frameworks/{framework_id}/delete", dependencies=[Depends(require_csrf)])
def delete_framework(session: DbSession, actor: CurrentActor, framework_id: str) -> Response:
    service.delete_framework(session, actor, framework_id)
    return RedirectResponse(f"{org_base(actor.org_slug)}/frameworks?msg=framework-deleted", status_code=303)


@router.get("/orgs/{org}/frameworks/{framework}/requirement")
def requirement(request: Request, session: DbSession, actor: CurrentActor, framework: str, id: str = "") -> Response:
    organization = accounts.get_organization(session, actor)
    posture, reason = service.posture_and_reason(session, actor, framework)
    if posture is None:
        raise NotFound(reason)
    found = posture.get(id)
    if found is None:
        raise NotFound(f"no requirement {id!r} in {framework}")
    detail = view.requirement_detail(posture, found, org_base(actor.org_slug))
    return render_page(
        request,
        actor,
        "framework_requirement.html",
        active="frameworks",
        title=f"{found.id} · {posture.framework_title} · Frameworks",
        org_name=organization.name,
        **detail,
    )
