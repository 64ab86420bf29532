"""The assessment as a background job (``assessment.run``): inputs read, scored outside any
transaction, stored in one short write that also finishes the job (so a retried job stores once)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aisma.assessment import assess
from aisma.server import jobs
from aisma.server.jobs import JobContext
from aisma.web.features.assessments import service as assessments
from aisma.web.features.organizations import service as accounts

NAME = "assessment.run"


def run(context: JobContext, args: dict[str, Any]) -> dict[str, Any]:
    at = datetime.fromisoformat(args["at"]) if args.get("at") else None
    with context.database.transaction(readonly=True) as session:
        actor = accounts.job_actor(session, context.user_id, context.organization_id, args.get("by"))
        assessed_at, inputs = assessments.read_inputs(session, actor, at)
    context.progress(10, f"scoring {len(inputs.inventory.systems)} systems")
    result = assess(inputs).to_dict()
    context.progress(90, "storing the result")
    with context.database.transaction() as session:
        summary = assessments.store(session, actor, assessed_at, result)
        outcome = {"assessment_id": summary.id, "level": summary.level, "score": summary.score}
        context.finish(session, outcome)
    return outcome


def register() -> None:
    jobs.register(NAME, run, max_attempts=3)
