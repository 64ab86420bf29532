"""The evidence page: every stored file with its provenance, and which answers cite each file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from aisma.web.features.answers import service as answers
from aisma.web.features.evidence import service as evidence
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession


def citations(answers: Iterable[Any]) -> dict[str, list[str]]:
    """Evidence reference (``evidence/<file>`` or ``sha256:<hex>``) -> ids of the objectives citing it."""
    cited: dict[str, list[str]] = {}
    for answer in answers:
        for ref in answer.evidence:
            cited.setdefault(ref, []).append(answer.objective_id)
    return cited


router = APIRouter()


@router.get("/orgs/{org}/evidence")
def evidence_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return render_page(
        request,
        actor,
        "evidence.html",
        active="evidence",
        title="Evidence",
        org_name=accounts.get_organization(session, actor).name,
        files=evidence.list_evidence(session, actor),
        cited=citations(answers.list_answers(session, actor)),
        questionnaire=f"{org_base(actor.org_slug)}/questionnaire",
        api_base=f"/api/v1/orgs/{actor.org_slug}",
    )
