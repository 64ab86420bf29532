"""OSCAL output: assessment results (with the assessment plan they import) from an aisma result.

Two formats of the ``aisma.reporters`` group: ``oscal`` (the assessment results, with the plan
embedded in their back matter) and ``oscal-plan`` (that plan on its own). Both need the optional
``oscal`` extra (compliance-trestle): every document is loaded through trestle's OSCAL models before
it is handed out, so what aisma writes is what GRC tools built on trestle can read.
"""

from __future__ import annotations

import json

from aisma.errors import AismaError
from aisma.reports.oscal.results import oscal_documents
from aisma.reports.registry import Need, ReportContext, Reporter
from aisma.scoring.results import AssessmentResult

__all__ = ["check_with_trestle", "oscal_documents", "plan_reporter", "reporter"]

EXTRA_HINT = "the oscal formats need the optional oscal extra: pip install 'aisma[oscal]'"
TRESTLE = Need("trestle", "compliance-trestle: pip install 'aisma[oscal]'")


def check_with_trestle(results_text: str, plan_text: str) -> None:
    """Load both documents with compliance-trestle's models; a failure is an aisma bug, said plainly."""
    try:
        from pydantic import ValidationError
        from trestle.oscal.assessment_plan import AssessmentPlan
        from trestle.oscal.assessment_results import AssessmentResults
    except ImportError:
        raise AismaError(EXTRA_HINT) from None
    try:
        AssessmentResults.model_validate(json.loads(results_text)["assessment-results"])
        AssessmentPlan.model_validate(json.loads(plan_text)["assessment-plan"])
    except ValidationError as exc:  # pragma: no cover - guarded by the schema tests
        raise AismaError(f"OSCAL output failed trestle's validation (please report it): {exc}") from None


def _documents(result: AssessmentResult, context: ReportContext) -> tuple[str, str]:
    results_text, plan_text = oscal_documents(result, context.model)
    check_with_trestle(results_text, plan_text)
    return results_text, plan_text


def reporter() -> Reporter:
    """The ``oscal`` entry point of ``aisma.reporters``."""

    def render(result: AssessmentResult, context: ReportContext) -> str:
        return _documents(result, context)[0]

    return Reporter(
        format="oscal",
        media_type="application/oscal.ar+json",
        suffix=".json",
        binary=False,
        description="OSCAL assessment results (plan embedded); needs aisma[oscal]",
        render=render,
        label="OSCAL",
        needs=(TRESTLE,),
        order=60,
    )


def plan_reporter() -> Reporter:
    """The ``oscal-plan`` entry point: the assessment plan the OSCAL results import."""

    def render(result: AssessmentResult, context: ReportContext) -> str:
        return _documents(result, context)[1]

    return Reporter(
        format="oscal-plan",
        media_type="application/oscal.ap+json",
        suffix=".json",
        binary=False,
        description="the OSCAL assessment plan that the oscal results import; needs aisma[oscal]",
        render=render,
        label="oscal-plan",
        needs=(TRESTLE,),
        order=70,
    )
