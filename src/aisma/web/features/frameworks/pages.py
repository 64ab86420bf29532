"""The framework pages: choose a built-in framework, see the posture per requirement of the latest
assessment, and open a requirement to see the objectives, answers and evidence behind it."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.server.errors import NotFound
from aisma.web.features.frameworks import service, view
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession

router = APIRouter()
DEFAULT = "nist-ai-rmf"


@router.get("/orgs/{org}/frameworks")
def frameworks(request: Request, session: DbSession, actor: CurrentActor, framework: str = DEFAULT) -> Response:
    organization = accounts.get_organization(session, actor)
    posture = service.latest_posture(session, actor, framework)
    base = org_base(actor.org_slug)
    return render_page(
        request,
        actor,
        "frameworks.html",
        active="frameworks",
        title="Frameworks",
        org_name=organization.name,
        choices=service.choices(),
        chosen=framework,
        action=f"{base}/frameworks",
        posture=view.overview(posture, base) if posture is not None else None,
    )


@router.get("/orgs/{org}/frameworks/{framework}/requirement")
def requirement(request: Request, session: DbSession, actor: CurrentActor, framework: str, id: str = "") -> Response:
    organization = accounts.get_organization(session, actor)
    posture = service.latest_posture(session, actor, framework)
    if posture is None:
        raise NotFound("no assessment yet")
    found = posture.get(id)
    if found is None:
        raise NotFound(f"no requirement {id!r} in {framework}")
    detail = view.requirement_detail(posture, found, org_base(actor.org_slug))
    return render_page(
        request,
        actor,
        "framework_requirement.html",
        active="frameworks",
        title=f"{found.id} · {posture.framework_title}",
        org_name=organization.name,
        **detail,
    )
