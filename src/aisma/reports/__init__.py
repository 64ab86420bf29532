"""Reports: one module per format, all rendered from the same frozen result.

Formats are found through the ``aisma.reporters`` entry-point group (see ``registry``).
"""

from __future__ import annotations

from aisma.errors import AismaError
from aisma.scoring.results import AssessmentResult


def render(result: AssessmentResult, fmt: str) -> str:
    """Render a text format (json, md, html, ...); binary formats go through ``registry.render``."""
    from aisma.reports.registry import get
    from aisma.reports.registry import render as render_any

    if get(fmt).binary:
        raise AismaError(f"report format {fmt!r} is binary; write it to a file")
    text = render_any(result, fmt)
    assert isinstance(text, str)
    return text
