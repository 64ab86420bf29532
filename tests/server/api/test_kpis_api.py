"""GET /orgs/{org}/kpis: every KPI's series over the stored assessments."""

from __future__ import annotations

from datetime import timedelta

from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.web.features.assessments import service as assessments

from ..factories import OrgWithMembers
from ..store.test_kpi_trend import AT, METRIC, _push


def test_kpis_in_the_api(client, token_for, database: Database, org_a: OrgWithMembers) -> None:  # type: ignore[no-untyped-def]
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        _push(s, assessor, 4, AT - timedelta(days=31))
        assessments.run_assessment(s, assessor, AT - timedelta(days=30))
        _push(s, assessor, 3, AT - timedelta(days=1))
        assessments.run_assessment(s, assessor, AT)
    headers = token_for(org_a, Role.VIEWER, ("read",))
    answer = client.get(f"/api/v1/orgs/{org_a.slug}/kpis", params={"metric": METRIC}, headers=headers)
    assert answer.status_code == 200, answer.text
    [owners] = answer.json()
    assert [p["value"] for p in owners["points"]] == [1.0, 0.75]
    assert owners["worsened"] is True and owners["direction"] == "higher_is_better"
    assert client.get(f"/api/v1/orgs/{org_a.slug}/kpis", params={"assessments": 0}, headers=headers).status_code == 422
    paged = client.get(f"/api/v1/orgs/{org_a.slug}/kpis", params={"limit": 1}, headers=headers)
    assert paged.status_code == 200 and len(paged.json()) == 1
