"""The assessment as a background job (``assessment.run``): inputs read, scored outside any
transaction, stored in one short write that also finishes the job (so a retried job stores once),
records the alerts the change since the previous assessment raises, and follows the derived findings
up (resolved when their cause is gone, reopened when it is back)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aisma.assessment import assess
from aisma.server import jobs
from aisma.server.jobs import JobContext
from aisma.server.settings import ServerSettings
from aisma.web.features.assessments import service as assessments
from aisma.web.features.findings import service as findings
from aisma.web.features.monitoring.jobs import alert_after_assessment
from aisma.web.features.organizations import service as accounts

NAME = "assessment.run"


def run(context: JobContext, args: dict[str, Any], kpi_threshold: float = 0.1) -> dict[str, Any]:
    at = datetime.fromisoformat(args["at"]) if args.get("at") else None
    with context.database.transaction(readonly=True) as session:
        actor = accounts.job_actor(session, context.user_id, context.organization_id, args.get("by"))
        assessed_at, inputs = assessments.read_inputs(session, actor, at)
    context.progress(10, f"scoring {len(inputs.inventory.systems)} systems")
    result = assess(inputs).to_dict()
    context.progress(90, "storing the result")
    with context.database.transaction() as session:
        summary = assessments.store(session, actor, assessed_at, result)
        alerts = alert_after_assessment(session, actor.org_id, actor.user_id, summary.id, result, kpi_threshold)
        followed = findings.follow_assessment(session, actor, summary.id, result)
        outcome = {
            "assessment_id": summary.id, "level": summary.level, "score": summary.score, "alerts": alerts,
            "findings_resolved": len(followed.resolved), "findings_reopened": len(followed.reopened),
        }  # fmt: skip
        context.finish(session, outcome)
    return outcome


def register(settings: ServerSettings) -> None:
    threshold = settings.kpi_drift_threshold
    jobs.register(NAME, lambda context, args: run(context, args, threshold), max_attempts=3)
