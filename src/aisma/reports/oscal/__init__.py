"""OSCAL output: assessment results (with the assessment plan they import) from an aisma result.

Three formats of the ``aisma.reporters`` group: ``oscal`` (the assessment results, with the plan
embedded in their back matter), ``oscal-xml`` (the same results in OSCAL's XML notation, the XML plan
embedded) and ``oscal-plan`` (the plan on its own, JSON). All need the optional
``oscal`` extra (compliance-trestle): every document is loaded through trestle's OSCAL models before
it is handed out, so what aisma writes is what GRC tools built on trestle can read.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from aisma.errors import AismaError
from aisma.reports.oscal.results import oscal_documents
from aisma.reports.oscal.xml import MEDIA_AR_XML, results_xml
from aisma.reports.registry import Need, ReportContext, Reporter
from aisma.scoring.results import AssessmentResult

__all__ = ["check_with_trestle", "oscal_documents", "plan_reporter", "reporter", "xml_reporter"]

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


def _reporter(
    fmt: str, media_type: str, suffix: str, description: str, label: str, order: int, pick: Callable[[str, str], str]
) -> Reporter:
    """One OSCAL format: ``pick`` chooses the text from the checked (results, plan) JSON documents."""

    def render(result: AssessmentResult, context: ReportContext) -> str:
        return pick(*_documents(result, context))

    return Reporter(
        format=fmt,
        media_type=media_type,
        suffix=suffix,
        binary=False,
        description=description,
        render=render,
        label=label,
        needs=(TRESTLE,),
        order=order,
    )


def reporter() -> Reporter:
    """The ``oscal`` entry point of ``aisma.reporters``."""
    return _reporter(
        "oscal",
        "application/oscal.ar+json",
        ".json",
        "OSCAL assessment results (plan embedded); needs aisma[oscal]",
        "OSCAL",
        60,
        lambda results, _plan: results,
    )


def xml_reporter() -> Reporter:
    """The ``oscal-xml`` entry point: the results of ``oscal`` in OSCAL's XML notation."""
    return _reporter(
        "oscal-xml",
        MEDIA_AR_XML,
        ".xml",
        "OSCAL assessment results as XML (plan embedded); needs aisma[oscal]",
        "OSCAL XML",
        65,
        lambda results, plan: results_xml(results, plan)[0],
    )


def plan_reporter() -> Reporter:
    """The ``oscal-plan`` entry point: the assessment plan the OSCAL results import."""
    return _reporter(
        "oscal-plan",
        "application/oscal.ap+json",
        ".json",
        "the OSCAL assessment plan that the oscal results import; needs aisma[oscal]",
        "oscal-plan",
        70,
        lambda _results, plan: plan,
    )
