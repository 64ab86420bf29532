"""The evidence pages: every stored file with its provenance, revision, expiry and which answers cite
it; one file's page with its revisions, dates and everything that uses it; uploads (a new file, or a
new revision of one) and the dates of the current revision. A form that fails comes back with its
one-line message and what was typed."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from aisma.server.auth import Permission
from aisma.server.errors import Invalid, StaleWrite, TooLarge
from aisma.store.types import utcnow
from aisma.web import listing
from aisma.web.features.answers import service as answers
from aisma.web.features.evidence import citations
from aisma.web.features.evidence import jobs as collect_job
from aisma.web.features.evidence import service as evidence
from aisma.web.features.evidence.schemas import EvidenceDates, EvidenceOut
from aisma.web.features.jobs import service as jobs
from aisma.web.features.organizations import service as accounts
from aisma.web.render import form_error, org_base, redirect, render_page
from aisma.web.security import CurrentActor, DbSession, app_database, app_settings, require_csrf


def citations_of(answers: Iterable[Any]) -> dict[str, list[str]]:
    """Evidence reference (``evidence/<file>`` or ``sha256:<hex>``) -> ids of the objectives citing it."""
    cited: dict[str, list[str]] = {}
    for answer in answers:
        for ref in answer.evidence:
            cited.setdefault(ref, []).append(answer.objective_id)
    return cited


router = APIRouter()


EXPORT_HEADER = (
    "file", "size", "sha256", "revision", "effective_on", "expires_on", "expired", "uploaded_by", "uploaded_at",
    "cited_by",
)  # fmt: skip
EXPIRY_CHOICES = ("expired", "expiring", "in force", "no expiry date")


def cited_by(cited: dict[str, list[str]], file: EvidenceOut) -> list[str]:
    """The objectives citing a file by its path or by its hash, each once."""
    return list(dict.fromkeys(cited.get(file.ref, []) + cited.get(f"sha256:{file.sha256}", [])))


def expiry_state(file: EvidenceOut, today: date, lead_days: int) -> str:
    """One of ``EXPIRY_CHOICES``: what the list's expiry filter and pill say."""
    if file.expires_on is None:
        return "no expiry date"
    if file.expired:
        return "expired"
    return "expiring" if (file.expires_on - today).days <= lead_days else "in force"


@router.get("/orgs/{org}/evidence")
def evidence_page(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    return _list_page(request, session, actor)


def _list_page(
    request: Request, session: DbSession, actor: CurrentActor, *, flashes: list[tuple[str, str]] | None = None,
    status_code: int = 200, typed: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    job_text = request.query_params.get("job", "")
    job = jobs.get_job(session, actor, int(job_text)) if job_text.isdigit() and len(job_text) < 12 else None
    if job is not None and job.name != collect_job.NAME:
        job = None
    cited = citations_of(answers.list_answers(session, actor))
    filters = {
        "cited": listing.choice(request, "cited", ("cited", "not cited")),
        "expiry": listing.choice(request, "expiry", EXPIRY_CHOICES),
        "q": listing.text(request, "q"),
    }
    q = filters["q"].casefold()
    today, lead = utcnow().date(), app_settings(request).evidence_reminder_days
    files = [
        f
        for f in evidence.list_evidence(session, actor)
        if (not q or q in f.filename.casefold() or q in f.sha256)
        and filters["cited"] in ("", "cited" if cited_by(cited, f) else "not cited")
        and filters["expiry"] in ("", expiry_state(f, today, lead))
    ]
    fmt = listing.export_format(request)
    if fmt:

        def row(f: EvidenceOut) -> list[object]:
            return [
                f.filename, f.size, f.sha256, f.revision, f.effective_on, f.expires_on, "yes" if f.expired else "no",
                f.uploaded_by, f.uploaded_at, " ".join(cited_by(cited, f)),
            ]  # fmt: skip

        return listing.export(fmt, f"{actor.org_slug}-evidence", EXPORT_HEADER, files, row)
    pages = listing.pager(request, f"{org_base(actor.org_slug)}/evidence", filters, len(files))
    return render_page(
        request,
        actor,
        "evidence.html",
        active="evidence",
        title="Evidence",
        org_name=accounts.get_organization(session, actor).name,
        status_code=status_code,
        flashes=flashes,
        files=listing.slice_rows(files, pages),
        cited=cited,
        cited_by=cited_by,
        expiry_state=lambda f: expiry_state(f, today, lead),
        expiry_choices=EXPIRY_CHOICES,
        today=today,
        pager=pages,
        filters=filters,
        typed=typed or {},
        base=f"{org_base(actor.org_slug)}/evidence",
        questionnaire=f"{org_base(actor.org_slug)}/questionnaire",
        api_base=f"/api/v1/orgs/{actor.org_slug}",
        job=job,
        refresh_seconds=2 if job is not None and job.status in ("queued", "running") else None,
        can_collect=actor.can(Permission.PUSH_MEASUREMENTS),
        can_upload=actor.can(Permission.UPLOAD_EVIDENCE),
        max_upload_bytes=app_settings(request).max_upload_bytes,
        collect_url=f"{org_base(actor.org_slug)}/evidence/collect",
    )


@router.get("/orgs/{org}/evidence/{evidence_id:int}")
def file_page(request: Request, evidence_id: int, session: DbSession, actor: CurrentActor) -> Response:
    return _file_page(request, session, actor, evidence_id)


def _file_page(
    request: Request, session: DbSession, actor: CurrentActor, evidence_id: int, *,
    flashes: list[tuple[str, str]] | None = None, status_code: int = 200, typed: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    file = evidence.get_evidence(session, actor, evidence_id)
    today, lead = utcnow().date(), app_settings(request).evidence_reminder_days
    return render_page(
        request,
        actor,
        "evidence_file.html",
        active="evidence",
        title=f"{file.filename} · Evidence",
        org_name=accounts.get_organization(session, actor).name,
        status_code=status_code,
        flashes=flashes,
        file=file,
        state=expiry_state(file, today, lead),
        days_left=(file.expires_on - today).days if file.expires_on else None,
        lead_days=lead,
        revisions=evidence.list_revisions(session, actor, evidence_id),
        uses=citations.cited_by(session, actor, evidence_id),
        typed=typed or {},
        base=f"{org_base(actor.org_slug)}/evidence",
        questionnaire=f"{org_base(actor.org_slug)}/questionnaire",
        measurements=f"{org_base(actor.org_slug)}/measurements",
        api_base=f"/api/v1/orgs/{actor.org_slug}",
        can_upload=actor.can(Permission.UPLOAD_EVIDENCE),
        max_upload_bytes=app_settings(request).max_upload_bytes,
    )


def _day(value: object, field: str) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise Invalid(field, f"{text[:40]!r} is not a date (YYYY-MM-DD)") from None


@router.post("/orgs/{org}/evidence/upload", dependencies=[Depends(require_csrf)])
async def upload(request: Request, session: DbSession, actor: CurrentActor) -> Response:
    """A new file, or (same name) a new revision of one; back to the file's page."""
    form = await request.form()
    file = form.get("file")
    back = str(form.get("evidence_id", ""))
    typed = {k: str(form.get(k, ""))[:500] for k in ("path", "effective_on", "expires_on")}
    try:
        if not isinstance(file, UploadFile) or not file.filename:
            raise Invalid("file", "choose a file to upload")
        stored = evidence.store_evidence(
            session,
            actor,
            request.app.state.evidence_store,
            str(form.get("path", "")).strip() or file.filename,
            file.file,
            app_settings(request).max_upload_bytes,
            effective_on=_day(form.get("effective_on"), "effective_on"),
            expires_on=_day(form.get("expires_on"), "expires_on"),
        )
    except TooLarge:
        raise  # the 413 page: nothing of the file was kept
    except Invalid as exc:
        flashes = [("error", f"Nothing was uploaded: {exc.message}")]
        if back.isdigit() and len(back) < 12:
            return _file_page(request, session, actor, int(back), flashes=flashes, status_code=422, typed=typed)
        return _list_page(request, session, actor, flashes=flashes, status_code=422, typed=typed)
    return redirect(f"{org_base(actor.org_slug)}/evidence/{stored.id}", "evidence-uploaded")


@router.post("/orgs/{org}/evidence/{evidence_id:int}/dates", dependencies=[Depends(require_csrf)])
async def set_dates(request: Request, evidence_id: int, session: DbSession, actor: CurrentActor) -> Response:
    form = await request.form()
    typed = {k: str(form.get(k, ""))[:40] for k in ("effective_on", "expires_on")}
    revision = str(form.get("revision", ""))
    try:
        body = EvidenceDates(
            effective_on=_day(form.get("effective_on"), "effective_on"),
            expires_on=_day(form.get("expires_on"), "expires_on"),
            revision=int(revision) if revision.isdigit() and len(revision) < 10 else 0,
        )
        evidence.set_dates(session, actor, evidence_id, body)
    except Invalid as exc:
        flashes = [("error", f"The dates were not changed: {exc.message}")]
        return _file_page(request, session, actor, evidence_id, flashes=flashes, status_code=422, typed=typed)
    except StaleWrite:
        flashes = [("error", "The dates were not changed: a new revision was uploaded since you opened the page.")]
        return _file_page(request, session, actor, evidence_id, flashes=flashes, status_code=409, typed=typed)
    except ValidationError as exc:  # no revision named, or a date out of range
        flashes = [("error", f"The dates were not changed: {form_error(exc)}")]
        return _file_page(request, session, actor, evidence_id, flashes=flashes, status_code=422, typed=typed)
    return redirect(f"{org_base(actor.org_slug)}/evidence/{evidence_id}", "evidence-dates")


@router.post("/orgs/{org}/evidence/collect", dependencies=[Depends(require_csrf)])
def collect(request: Request, actor: CurrentActor) -> Response:
    """Run the collectors as a job; the evidence page shows its progress, then what it measured."""
    actor.require(Permission.PUSH_MEASUREMENTS)
    job = jobs.submit(
        app_database(request), request.app.state.job_queue, actor, collect_job.NAME, {"collectors": None, "at": None}
    )
    return RedirectResponse(f"{org_base(actor.org_slug)}/evidence?job={job.id}", status_code=303)
