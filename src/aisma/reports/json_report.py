"""The JSON result (``aisma.result/v1``): stable key order and rounding, so bytes are reproducible."""

from __future__ import annotations

import io
import json

from aisma.reports.registry import ReportContext, Reporter
from aisma.scoring.results import AssessmentResult


def render_json(result: AssessmentResult) -> str:
    """The same text as ``json.dumps(..., indent=2)``, written piece by piece: with an indent, ``dumps``
    joins a list of every piece (millions for a scan with 100,000s of unregistered assets)."""
    text = io.StringIO()
    encoder = json.JSONEncoder(indent=2, ensure_ascii=False, allow_nan=False)
    for piece in encoder.iterencode(result.to_dict()):
        text.write(piece)
    text.write("\n")
    return text.getvalue()


def reporter() -> Reporter:
    """The ``json`` entry point of ``aisma.reporters``."""

    def render(result: AssessmentResult, context: ReportContext) -> str:
        return render_json(result)

    return Reporter(
        format="json",
        media_type="application/json",
        suffix=".json",
        binary=False,
        description="the aisma.result/v1 JSON result (a public contract)",
        render=render,
        label="JSON",
        order=50,
    )
