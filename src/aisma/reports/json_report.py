"""The JSON result (``aisma.result/v1``): stable key order and rounding, so bytes are reproducible."""

from __future__ import annotations

import json

from aisma.scoring.results import AssessmentResult


def render_json(result: AssessmentResult) -> str:
    return json.dumps(result.to_dict(), indent=2, ensure_ascii=False, allow_nan=False) + "\n"
