"""Report rendering as a background job (``reports.render``): a PDF or workbook of thousands of systems
takes seconds, so the request only records the job (202 and its URL) and a worker renders.

The rendered file is kept in the evidence store (content-addressed under ``<org id>/reports/``, like
evidence: written completely, then named), so any server process or worker machine can hand it out
at ``GET /orgs/{org}/jobs/{id}/file`` once the job has succeeded. Arguments: ``assessment_id`` and
``format`` (a registered report format).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aisma.server import jobs
from aisma.server.auth import Actor
from aisma.server.errors import Invalid
from aisma.server.jobs import JobContext
from aisma.server.settings import ServerSettings
from aisma.server.storage import EvidenceStore, store_for
from aisma.store.db import Database
from aisma.web.features.assessments import service as assessments
from aisma.web.features.jobs import service as jobs_service
from aisma.web.features.jobs.schemas import JobOut
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reports import service as reports

NAME = "reports.render"


def submit(database: Database, queue: Any, actor: Actor, assessment_id: int, fmt: str) -> JobOut:
    """Check the assessment and the format now (404/422 rather than a failed job later), then record the job."""
    with database.transaction(readonly=True) as session:
        assessments.get_assessment(session, actor, assessment_id)
    chosen = reports.report_format(fmt)
    if not chosen.available:
        raise Invalid("format", f"{fmt} is unavailable: {chosen.reason}")
    return jobs_service.submit(database, queue, actor, NAME, {"assessment_id": assessment_id, "format": fmt})


def report_object(org_id: int, sha256: str) -> str:
    return f"{org_id}/reports/{sha256[:2]}/{sha256}"


def run(store: EvidenceStore, context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    fmt = str(args.get("format", "html"))
    assessment_id = int(args["assessment_id"])
    context.progress(10, f"rendering {fmt}")
    with context.database.transaction(readonly=True) as session:
        actor = accounts.job_actor(session, context.user_id, context.organization_id, args.get("by"))
        report = reports.render_report(session, actor, assessment_id, fmt)
    data = report.content.encode() if isinstance(report.content, str) else report.content
    digest = hashlib.sha256(data).hexdigest()
    key = report_object(context.organization_id, digest)
    context.progress(80, "storing the file")
    if not store.exists(key):
        handle, spooled = tempfile.mkstemp(dir=store.temp_dir(), prefix="report-")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            store.put(Path(spooled), key)
        finally:
            Path(spooled).unlink(missing_ok=True)
    return {
        "assessment_id": assessment_id,
        "format": fmt,
        "filename": report.filename,
        "media_type": report.media_type,
        "size": len(data),
        "sha256": digest,
    }


def handler(settings: ServerSettings) -> Callable[[JobContext, dict[str, Any]], dict[str, Any]]:
    store = store_for(settings.evidence_path, settings.evidence_url)
    return lambda context, args: run(store, context, args)


def register(settings: ServerSettings) -> None:
    jobs.register(NAME, handler(settings), max_attempts=3)
