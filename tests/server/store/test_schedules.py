"""Schedules: cron checked, a due schedule fires once however many workers tick, missed fire times
coalesce into one run, and the freshness monitor finds measurements near their max age."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest

from aisma.errors import AismaError
from aisma.server import jobs, schedules
from aisma.server.auth import Role
from aisma.server.errors import Invalid
from aisma.store.db import Database
from aisma.store.repositories import schedules as repo
from aisma.store.tables import JobRow
from aisma.web.features.measurements import service as measurements
from aisma.web.features.monitoring import service as monitoring
from aisma.web.features.monitoring.schemas import ScheduleIn

from ..factories import OrgWithMembers

NOW = datetime(2026, 12, 7, 6, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _handlers(monkeypatch: pytest.MonkeyPatch) -> None:
    """A schedule records its job by name: the name must be registered (restored after the test)."""
    monkeypatch.setitem(jobs._REGISTRY, "assessment.run", jobs.JobSpec("assessment.run", lambda c, a: {}, 1))


def test_cron_is_checked() -> None:
    assert schedules.check_cron("0  6 * * *") == "0 6 * * *"
    for bad in ("", "* * * *", "0 6 * * * *", "61 * * * *", "every day"):
        with pytest.raises(AismaError, match="five fields"):
            schedules.check_cron(bad)
    assert schedules.next_fire("0 6 * * *", NOW) == datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
    assert schedules.next_fire("*/15 * * * *", NOW) == datetime(2026, 12, 7, 6, 45, tzinfo=UTC)


def test_a_bad_cron_is_a_field_error(database: Database, org_a: OrgWithMembers) -> None:
    with database.transaction() as s, pytest.raises(Invalid, match="cron"):
        monitoring.create_schedule(s, org_a.actors[Role.ASSESSOR], ScheduleIn(kind="assess", cron="99 * * * *"))


def _jobs_of(database: Database, schedule_id: int) -> list[JobRow]:
    with database.transaction(readonly=True) as s:
        return [j for j in s.query(JobRow).all() if (j.args or {}).get("schedule") == schedule_id]


def _due_schedule(database: Database, org: OrgWithMembers, cron: str, due: datetime) -> int:
    with database.transaction() as s:
        made = monitoring.create_schedule(s, org.actors[Role.ASSESSOR], ScheduleIn(kind="assess", cron=cron))
        row = repo.schedule(s, org.org_id, made.id)
        assert row is not None
        row.next_run_at = due
    return made.id


def test_missed_fire_times_run_once(database: Database, org_a: OrgWithMembers) -> None:
    # due three days ago (no worker ran since): one run now, then the next fire time after now
    schedule_id = _due_schedule(database, org_a, "0 6 * * *", NOW - timedelta(days=3))
    fired = schedules.fire_due(database, NOW)
    assert len(fired) == 1
    assert schedules.fire_due(database, NOW) == []
    assert schedules.fire_due(database, NOW + timedelta(hours=1)) == []
    [job] = _jobs_of(database, schedule_id)
    assert job.id == fired[0] and job.name == "assessment.run" and job.organization_id == org_a.org_id
    assert job.user_id == org_a.user_ids[Role.ASSESSOR]
    with database.transaction(readonly=True) as s:
        row = repo.schedule(s, org_a.org_id, schedule_id)
        assert row is not None
        assert row.next_run_at == datetime(2026, 12, 8, 6, 0, tzinfo=UTC)
        assert row.last_run_at == NOW and row.last_job_id == job.id
    assert len(schedules.fire_due(database, datetime(2026, 12, 8, 6, 0, tzinfo=UTC))) == 1


def test_many_workers_ticking_at_once_fire_it_once(database: Database, org_a: OrgWithMembers) -> None:
    schedule_id = _due_schedule(database, org_a, "*/5 * * * *", NOW - timedelta(minutes=1))
    results: list[list[int]] = []
    start = threading.Barrier(6)

    def tick() -> None:
        start.wait()
        results.append(schedules.fire_due(database, NOW))

    threads = [threading.Thread(target=tick) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=600)
    assert sum(len(r) for r in results) == 1
    assert len(_jobs_of(database, schedule_id)) == 1


def test_disabled_and_deleted_schedules_do_not_fire(database: Database, org_a: OrgWithMembers) -> None:
    schedule_id = _due_schedule(database, org_a, "0 6 * * *", NOW - timedelta(days=1))
    with database.transaction() as s:
        row = repo.schedule(s, org_a.org_id, schedule_id)
        assert row is not None
        row.enabled = False
    assert schedules.fire_due(database, NOW) == []
    with database.transaction() as s:
        monitoring.delete_schedule(s, org_a.actors[Role.ASSESSOR], schedule_id)
        assert monitoring.list_schedules(s, org_a.actors[Role.VIEWER]) == []


def test_freshness_finds_measurements_near_and_past_their_max_age(database: Database, org_a: OrgWithMembers) -> None:
    from aisma.server.models import model_by_id

    with database.transaction(readonly=True) as s:
        from aisma.store.repositories import organizations as orgs_repo

        org = orgs_repo.get(s, org_a.org_id)
        assert org is not None
        model = model_by_id(org.model_id)
    aged = next(o for o in model.objectives() if o.measurement.metric and o.measurement.max_age_days)
    metric, max_age = aged.measurement.metric, aged.measurement.max_age_days
    assert metric is not None and max_age is not None
    now = datetime.now(UTC)
    with database.transaction() as s:
        for days, file in ((max_age + 1, "old.json"), (max_age - 2, "soon.json"), (1, "new.json")):
            measurements.push(
                s,
                org_a.actors[Role.ASSESSOR],
                [
                    {
                        "metric": metric,
                        "observed_at": (now - timedelta(days=days)).isoformat(),
                        "numerator": 1,
                        "denominator": 1,
                        "provenance": {"tool": "edge", "file": file},
                    }
                ],
            )
        found = monitoring.freshness(s, org_a.org_id, warn_days=7, now=now)
    mine = {f.file: f for f in found if f.metric == metric and f.objective == aged.id}
    assert set(mine) == {"old.json", "soon.json"}
    assert mine["old.json"].state == "stale" and mine["old.json"].days_left < 0
    assert mine["soon.json"].state == "expiring" and 0 < mine["soon.json"].days_left <= 7
