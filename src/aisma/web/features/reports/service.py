"""Reports of a stored assessment in every registered format, rendered from its snapshot.

The formats are those of the ``aisma.reporters`` entry-point group, the same the CLI's ``--format``
offers, listed with the label and in the order each reporter declares. A format whose optional
dependency is missing (its ``needs``: WeasyPrint for pdf, compliance-trestle for the OSCAL formats)
is still listed, as unavailable with the reason, so the server never answers a download with a 500.
The ``ReportContext`` is built from the organization's data in the database (model, inventory,
current answers) so the workbook and the OSCAL output are as complete as the CLI's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from aisma.errors import AismaError
from aisma.reports.registry import ReportContext, installed, listed
from aisma.scoring.results import AssessmentResult
from aisma.server.auth import Actor
from aisma.server.errors import Invalid, NotFound
from aisma.server.models import model_by_id
from aisma.web.features.answers.service import answer_versions
from aisma.web.features.assessments.service import get_assessment, stored_answers
from aisma.web.features.frameworks import service as frameworks
from aisma.web.features.inventory.service import inventory_of

TEXT_TYPES = {"text/markdown", "text/html"}


@dataclass(frozen=True)
class ReportFormat:
    id: str
    label: str
    media_type: str
    suffix: str
    description: str
    available: bool
    reason: str  # why it is unavailable; empty when available


@dataclass(frozen=True)
class Report:
    content: str | bytes
    media_type: str
    filename: str


def report_formats() -> list[ReportFormat]:
    """Every registered format in the registry's order; unavailable ones say why (``Reporter.needs``)."""
    out = []
    for reporter in listed():
        reason = reporter.unavailable()
        media = reporter.media_type
        if media.split(";")[0] in TEXT_TYPES and "charset" not in media:
            media += "; charset=utf-8"
        out.append(
            ReportFormat(
                id=reporter.format,
                label=reporter.title,
                media_type=media,
                suffix=reporter.suffix,
                description=reporter.description,
                available=not reason,
                reason=reason,
            )
        )
    return out


def report_format(fmt: str) -> ReportFormat:
    for candidate in report_formats():
        if candidate.id == fmt:
            return candidate
    raise NotFound(f"no report format {fmt!r}; expected one of {', '.join(f.id for f in report_formats())}")


def render_report(session: Session, actor: Actor, assessment_id: int, fmt: str) -> Report:
    """The report of one stored assessment; JSON is the snapshot itself, byte for byte as ``aisma assess``."""
    chosen = report_format(fmt)
    stored = get_assessment(session, actor, assessment_id)
    if not chosen.available:
        raise Invalid("format", f"{fmt} is unavailable: {chosen.reason}")
    day = stored.assessed_at.date().isoformat()
    kind = "-plan" if fmt == "oscal-plan" else "-oscal" if fmt in ("oscal", "oscal-xml") else ""
    filename = f"aisma-{actor.org_slug}-{day}-{assessment_id}{kind}{chosen.suffix}"
    if fmt == "json":
        content = json.dumps(stored.result, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        return Report(content, chosen.media_type, filename)
    try:
        model = model_by_id(stored.model_id)
    except Invalid:
        model = None  # the model was uninstalled since: reports render without its texts
    weights = {c.id: c.weight for c in model.categories()} if model is not None else {}
    if model is not None and model.version != stored.model_version:
        model = None  # another version now: its objective texts would not match the snapshot
    result = AssessmentResult.from_dict(stored.result, weights)
    context = ReportContext(
        model=model,
        inventory=inventory_of(session, actor.org_id),
        answers=stored_answers(session, actor.org_id),
        frameworks=frameworks.report_postures(session, actor, result),
        extra={"answer_versions": answer_versions(session, actor.org_id)},  # the workbook records them
    )
    try:
        rendered = installed()[fmt].render(result, context)
    except AismaError as exc:
        raise Invalid("format", f"{fmt}: {exc}") from None
    return Report(rendered, chosen.media_type, filename)
