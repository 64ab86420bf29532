"""Reports of a stored assessment (json, md, html), rendered from its snapshot with ``aisma.reports``."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy.orm import Session

from aisma.reports import render
from aisma.scoring.snapshot import result_from_dict
from aisma.server.auth import Actor
from aisma.server.errors import Invalid
from aisma.server.services.assessments import get_assessment
from aisma.server.services.models import model_by_id

FORMATS: dict[str, tuple[str, str]] = {
    "json": ("application/json", "json"),
    "md": ("text/markdown; charset=utf-8", "md"),
    "html": ("text/html; charset=utf-8", "html"),
}


@dataclass(frozen=True)
class Report:
    content: str
    media_type: str
    filename: str


def render_report(session: Session, actor: Actor, assessment_id: int, fmt: str) -> Report:
    """The report of one stored assessment; JSON is the snapshot itself, byte for byte as ``aisma assess``."""
    if fmt not in FORMATS:
        raise Invalid("format", f"choose one of {', '.join(FORMATS)}")
    stored = get_assessment(session, actor, assessment_id)
    media_type, extension = FORMATS[fmt]
    day = stored.summary.assessed_at.date().isoformat()
    filename = f"aisma-{actor.org_slug}-{day}-{assessment_id}.{extension}"
    if fmt == "json":
        content = json.dumps(stored.result, indent=2, ensure_ascii=False, allow_nan=False) + "\n"
        return Report(content, media_type, filename)
    try:
        weights = {c.id: c.weight for c in model_by_id(stored.summary.model_id).categories()}
    except Invalid:
        weights = {}  # the model was uninstalled since: weights only order nothing in the reports
    return Report(render(result_from_dict(stored.result, weights), fmt), media_type, filename)
