"""Trend of every KPI: points kept in the assessment's summary row, series per metric, in the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aisma.assurance.kpis import kpi_points, kpi_series
from aisma.server.auth import Role
from aisma.store.db import Database
from aisma.store.repositories import assessments as repo
from aisma.web.features.assessments import service as assessments
from aisma.web.features.measurements import service as measurements

from ..factories import OrgWithMembers

AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
METRIC = "inventory.systems.owner_ratio"


def _push(s, actor, numerator: int, observed: datetime) -> None:  # type: ignore[no-untyped-def]
    measurements.push(
        s,
        actor,
        [
            {
                "metric": METRIC,
                "observed_at": observed.isoformat(),
                "numerator": numerator,
                "denominator": 4,
                "provenance": {"tool": "edge", "file": "owners.json"},
            }
        ],
    )


def test_every_kpi_over_time(database: Database, org_a: OrgWithMembers) -> None:
    assessor, viewer = org_a.actors[Role.ASSESSOR], org_a.actors[Role.VIEWER]
    with database.transaction() as s:
        _push(s, assessor, 4, AT - timedelta(days=31))
        first = assessments.run_assessment(s, assessor, AT - timedelta(days=30))
    with database.transaction() as s:
        _push(s, assessor, 1, AT - timedelta(days=1))
        second = assessments.run_assessment(s, assessor, AT)
    with database.transaction(readonly=True) as s:
        series = assessments.kpi_trend(s, viewer)
        only = assessments.kpi_trend(s, viewer, metric=METRIC)
        last_one = assessments.kpi_trend(s, viewer, last=1, metric=METRIC)
        stored = repo.get(s, org_a.org_id, second.id)
        result = assessments.get_assessment(s, viewer, second.id).result
    owners = next(x for x in series if x.metric == METRIC)
    assert [p.assessment_id for p in owners.points] == [first.id, second.id]
    assert [p.value for p in owners.points] == [1.0, 0.25]
    assert owners.change == -0.75 and owners.worsened
    assert owners.title == "AI systems with a named accountable owner" and owners.unit == "ratio"
    assert owners.objectives and all(o.startswith("INV-") for o in owners.objectives)
    assert [x.metric for x in only] == [METRIC]
    assert [p.assessment_id for p in last_one[0].points] == [second.id]
    # the points live in the small summary row, equal to what the result blob says
    assert stored is not None and stored.summary is not None
    assert stored.summary["kpis"] == kpi_points(result)
    measured = {o["measurement"]["metric"] for c in result["categories"] for o in c["objectives"] if o["measurement"]}
    assert {x.metric for x in series} == measured


def test_an_assessment_stored_without_kpi_points_is_read_from_its_result(
    database: Database, org_a: OrgWithMembers
) -> None:
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        _push(s, assessor, 2, AT - timedelta(days=1))
        run = assessments.run_assessment(s, assessor, AT)
        row = repo.get(s, org_a.org_id, run.id)
        assert row is not None and row.summary is not None
        row.summary = {k: v for k, v in row.summary.items() if k != "kpis"}  # as stored by an older release
    with database.transaction(readonly=True) as s:
        series = assessments.kpi_trend(s, assessor, metric=METRIC)
    assert [p.value for p in series[0].points] == [0.5]


def test_series_direction_and_unknown_metrics() -> None:
    points = [
        (1, "2026-01-01", [{"metric": "redteam.attack_success_rate", "value": 0.1, "objectives": ["MON-3.1"]}]),
        (2, "2026-02-01", [{"metric": "redteam.attack_success_rate", "value": 0.3, "objectives": ["MON-3.1"]}]),
        (3, "2026-02-01", [{"metric": "x.unknown", "value": 5}]),
    ]
    series = {s.metric: s for s in kpi_series(points)}
    asr = series["redteam.attack_success_rate"]
    assert asr.direction == "lower_is_better" and asr.worsened  # attack success up is worse
    unknown = series["x.unknown"]
    assert unknown.title == "x.unknown" and unknown.change is None and not unknown.worsened
