"""The evidence page: every stored file with its provenance, and which answers cite each file."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from aisma.server.auth import Permission
from aisma.web import listing
from aisma.web.features.answers import service as answers
from aisma.web.features.evidence import jobs as collect_job
from aisma.web.features.evidence import service as evidence
from aisma.web.features.evidence.schemas import EvidenceOut
from aisma.web.features.jobs import service as jobs
from aisma.web.features.organizations import service as accounts
from aisma.web.render import org_base, render_page
from aisma.web.security import CurrentActor, DbSession, app_database, require_csrf


def citations(answers: Iterable[Any]) -> dict[str, list[str]]:
    """Evidence reference (``evidence/<file>`` or ``sha256:<hex>``) -> ids of the objectives citing it."""
    cited: dict[str, list[str]] = {}
    for answer in answers:
        for ref in answer.evidence:
            cited.setdefault(ref, []).append(answer.objective_id)
    return cited


router = APIRouter()


EXPORT_HEADER = ("file", "size", "sha256", "uploaded_by", "uploaded_at", "cited_by")


def cited_by(cited: dict[str, list[str]], file: EvidenceOut) -> list[str]:
    """The objectives citing a file by its path or by its hash, each once."""
    return list(dict.fromkeys(cited.get(file.ref, []) + cited.get(f"sha256:{file.sha256}", [])))


@router.get("/orgs/{org}/evidence")
def evidence_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    job_text = request.query_params.get("job", "")
    job = jobs.get_job(session, actor, int(job_text)) if job_text.isdigit() and len(job_text) < 12 else None
    if job is not None and job.name != collect_job.NAME:
        job = None
    cited = citations(answers.list_answers(session, actor))
    filters = {"cited": listing.choice(request, "cited", ("cited", "not cited")), "q": listing.text(request, "q")}
    q = filters["q"].casefold()
    files = [
        f
        for f in evidence.list_evidence(session, actor)
        if (not q or q in f.filename.casefold() or q in f.sha256)
        and filters["cited"] in ("", "cited" if cited_by(cited, f) else "not cited")
    ]
    fmt = listing.export_format(request)
    if fmt:

        def row(f: EvidenceOut) -> list[object]:
            return [f.filename, f.size, f.sha256, f.uploaded_by, f.uploaded_at, " ".join(cited_by(cited, f))]

        return listing.export(fmt, f"{actor.org_slug}-evidence", EXPORT_HEADER, files, row)
    pages = listing.pager(request, f"{org_base(actor.org_slug)}/evidence", filters, len(files))
    return render_page(
        request,
        actor,
        "evidence.html",
        active="evidence",
        title="Evidence",
        org_name=accounts.get_organization(session, actor).name,
        files=listing.slice_rows(files, pages),
        cited=cited,
        cited_by=cited_by,
        pager=pages,
        filters=filters,
        base=f"{org_base(actor.org_slug)}/evidence",
        questionnaire=f"{org_base(actor.org_slug)}/questionnaire",
        api_base=f"/api/v1/orgs/{actor.org_slug}",
        job=job,
        refresh_seconds=2 if job is not None and job.status in ("queued", "running") else None,
        can_collect=actor.can(Permission.PUSH_MEASUREMENTS),
        collect_url=f"{org_base(actor.org_slug)}/evidence/collect",
    )


@router.post("/orgs/{org}/evidence/collect", dependencies=[Depends(require_csrf)])
def collect(request: Request, actor: CurrentActor) -> Response:
    """Run the collectors as a job; the evidence page shows its progress, then what it measured."""
    actor.require(Permission.PUSH_MEASUREMENTS)
    job = jobs.submit(
        app_database(request), request.app.state.job_queue, actor, collect_job.NAME, {"collectors": None, "at": None}
    )
    return RedirectResponse(f"{org_base(actor.org_slug)}/evidence?job={job.id}", status_code=303)
