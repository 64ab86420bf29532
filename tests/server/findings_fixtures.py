"""A finding-rich organization for the findings tests: answered, measured and assessed."""

from __future__ import annotations

from datetime import timedelta

from aisma.server.auth import Role
from aisma.server.models import model_by_id
from aisma.store.db import Database
from aisma.store.types import utcnow
from aisma.web.features.answers import service as answers
from aisma.web.features.assessments import service as assessments
from aisma.web.features.measurements import service as measurements

from .factories import OrgWithMembers


def assessed_with_findings(database: Database, org: OrgWithMembers) -> tuple[str, str]:
    """GOV-1.1 answered 'not' (a level-1 gap); a measured objective answered 'fully' whose measurement
    scores 'not' (a conflict and a failed measurement). Returns both objective ids."""
    measured = next(
        o for o in model_by_id("aisma-core").objectives()
        if o.measurement.metric and not o.measurement.metric.startswith("inventory") and o.level == 1
    )  # fmt: skip
    with database.transaction() as session:
        owner = org.actors[Role.OWNER]
        answers.save_answer(session, owner, "GOV-1.1", "not", note="no charter")
        answers.save_answer(session, owner, measured.id, "fully", note="we think so")
        measurements.push(
            session,
            owner,
            [
                {
                    "metric": measured.measurement.metric,
                    "observed_at": (utcnow() - timedelta(days=2)).isoformat(),
                    "value": 0.0,
                    "provenance": {"tool": "garak", "file": "evidence/garak/x.jsonl"},
                }
            ],
        )
        assessments.run_assessment(session, owner)
    return "GOV-1.1", measured.id
