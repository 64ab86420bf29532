"""The monitoring page in-process, on SQLite and PostgreSQL: schedules, freshness, alert channels and
deliveries; what each role sees and may do; form errors re-render with the message and nothing
written; a webhook's secret shown once; CSRF and tenant isolation on every form."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.server.models import model_by_id
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.web.app import create_app
from aisma.web.features.measurements import service as measurements
from aisma.web.features.monitoring import service as monitoring
from aisma.web.features.monitoring.schemas import ScheduleIn

from ..factories import OrgWithMembers
from .test_pages import sign_in


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    settings = ServerSettings(data_dir=tmp_path / "data", database_url=database_url, secret_key="k" * 32)
    with TestClient(create_app(settings)) as test_client:
        yield test_client


def page_of(org: OrgWithMembers) -> str:
    return f"/orgs/{org.slug}/monitoring"


def test_owner_schedules_a_job_and_sees_it_with_its_next_run(
    client: TestClient, database: Database, org_a: OrgWithMembers
) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    page = client.get(page_of(org_a))
    assert page.status_code == 200
    assert "<title>" in page.text and "Monitoring" in page.text
    assert 'aria-current="page"' in page.text and "Nothing is scheduled" in page.text
    added = client.post(
        f"{page_of(org_a)}/schedules",
        data={"csrf_token": csrf, "kind": "assess", "cron": "0 6 * * 1", "collectors": ""},
        follow_redirects=True,
    )
    assert added.status_code == 200
    assert "Schedule added" in added.text
    table = re.search(r'data-testid="schedules".*?</table>', added.text, re.S)
    assert table and "<code>0 6 * * 1</code>" in table.group(0) and "not yet" in table.group(0)
    with database.transaction(readonly=True) as s:
        (stored,) = monitoring.list_schedules(s, org_a.actors[Role.VIEWER])
    assert stored.kind == "assess" and stored.next_run_at.weekday() == 0 and stored.next_run_at.hour == 6


def test_a_bad_cron_is_refused_on_the_page_with_what_was_typed_and_nothing_stored(
    client: TestClient, database: Database, org_a: OrgWithMembers
) -> None:
    csrf = sign_in(client, org_a.emails[Role.ASSESSOR])
    for cron, says in (("61 * * * *", "cron"), ("every day", "cron")):
        refused = client.post(f"{page_of(org_a)}/schedules", data={"csrf_token": csrf, "kind": "assess", "cron": cron})
        assert refused.status_code == 422
        banner = re.search(r'<div class="banner error" role="alert">(.*?)</div>', refused.text, re.S)
        assert banner and says in banner.group(1), refused.text[:800]
        assert f'value="{cron}"' in refused.text  # what was typed stays in the field
    unknown_kind = client.post(f"{page_of(org_a)}/schedules", data={"csrf_token": csrf, "kind": "reboot",
                                                                   "cron": "0 6 * * *"})  # fmt: skip
    assert unknown_kind.status_code == 422 and "kind" in unknown_kind.text
    with database.transaction(readonly=True) as s:
        assert monitoring.list_schedules(s, org_a.actors[Role.VIEWER]) == []


def test_viewers_read_schedules_and_freshness_but_not_channels_and_cannot_schedule(
    client: TestClient, database: Database, org_a: OrgWithMembers
) -> None:
    with database.transaction() as s:
        monitoring.create_schedule(s, org_a.actors[Role.OWNER], ScheduleIn(kind="assess", cron="0 6 * * *"))
    csrf = sign_in(client, org_a.emails[Role.VIEWER])
    page = client.get(page_of(org_a))
    assert page.status_code == 200
    assert "<code>0 6 * * *</code>" in page.text and "Evidence freshness" in page.text
    assert "Alert channels" not in page.text and "Deliveries" not in page.text
    assert "Add a schedule" not in page.text and "Delete" not in page.text
    refused = client.post(f"{page_of(org_a)}/schedules", data={"csrf_token": csrf, "kind": "assess",
                                                              "cron": "0 7 * * *"})  # fmt: skip
    assert refused.status_code == 403
    channel = client.post(f"{page_of(org_a)}/channels", data={"csrf_token": csrf, "kind": "email",
                                                             "target": "x@example.org"})  # fmt: skip
    assert channel.status_code == 403
    with database.transaction(readonly=True) as s:
        assert len(monitoring.list_schedules(s, org_a.actors[Role.VIEWER])) == 1
        assert monitoring.list_channels(s, org_a.actors[Role.OWNER]) == []


def test_a_webhook_secret_is_shown_once_and_channels_can_be_deleted(
    client: TestClient, database: Database, org_a: OrgWithMembers
) -> None:
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    added = client.post(
        f"{page_of(org_a)}/channels",
        data={"csrf_token": csrf, "kind": "webhook", "target": "https://hooks.example.org/a",
              "events": ["level_drop", "new_shadow_ai"]},
    )  # fmt: skip
    assert added.status_code == 200
    secret = re.search(r'data-testid="new-secret"', added.text) and re.search(
        r'id="new-secret-value" type="text" readonly value="([^"]+)"', added.text
    )
    assert secret
    with database.transaction(readonly=True) as s:
        (row,) = monitoring.list_channels(s, org_a.actors[Role.OWNER])
    assert row.events == ["level_drop", "new_shadow_ai"]
    again = client.get(page_of(org_a))
    assert secret.group(1) not in again.text and "https://hooks.example.org/a" in again.text
    assert "level_drop, new_shadow_ai" in again.text
    bad = client.post(f"{page_of(org_a)}/channels", data={"csrf_token": csrf, "kind": "email",
                                                         "target": "not an address"})  # fmt: skip
    assert bad.status_code == 422 and "target" in bad.text and "one address" in bad.text
    deleted = client.post(
        f"{page_of(org_a)}/channels/delete", data={"csrf_token": csrf, "channel_id": str(row.id)},
        follow_redirects=True,
    )  # fmt: skip
    assert deleted.status_code == 200 and "Alert channel deleted" in deleted.text
    with database.transaction(readonly=True) as s:
        assert monitoring.list_channels(s, org_a.actors[Role.OWNER]) == []


def test_stale_and_expiring_evidence_is_listed(client: TestClient, database: Database, org_a: OrgWithMembers) -> None:
    model = model_by_id("aisma-core")
    aged = next(o for o in model.objectives() if o.measurement.metric and o.measurement.max_age_days)
    metric, max_age = aged.measurement.metric, aged.measurement.max_age_days
    assert metric is not None and max_age is not None
    now = datetime.now(UTC)
    with database.transaction() as s:
        for days, file in ((max_age + 3, "old.json"), (1, "new.json")):
            measurements.push(
                s,
                org_a.actors[Role.ASSESSOR],
                [{"metric": metric, "observed_at": (now - timedelta(days=days)).isoformat(), "numerator": 1,
                  "denominator": 1, "provenance": {"tool": "edge", "file": file}}],
            )  # fmt: skip
    sign_in(client, org_a.emails[Role.VIEWER])
    table = re.search(r'data-testid="freshness".*?</table>', client.get(page_of(org_a)).text, re.S)
    assert table
    row = next(r for r in table.group(0).split("<tr>") if "old.json" in r and aged.id in r)
    assert 'class="pill unmet">stale' in row
    assert "new.json" not in table.group(0)


def test_forms_need_csrf_and_other_organizations_objects_are_not_found(
    client: TestClient, database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    with database.transaction() as s:
        theirs = monitoring.create_schedule(s, org_b.actors[Role.OWNER], ScheduleIn(kind="assess", cron="0 6 * * *"))
    csrf = sign_in(client, org_a.emails[Role.OWNER])
    no_token = client.post(f"{page_of(org_a)}/schedules", data={"kind": "assess", "cron": "0 6 * * *"})
    assert no_token.status_code == 403
    assert client.get(page_of(org_b)).status_code == 404
    cross = client.post(f"{page_of(org_a)}/schedules/delete", data={"csrf_token": csrf,
                                                                   "schedule_id": str(theirs.id)})  # fmt: skip
    assert cross.status_code == 404
    not_a_number = client.post(f"{page_of(org_a)}/schedules/delete", data={"csrf_token": csrf,
                                                                          "schedule_id": "1; drop"})  # fmt: skip
    assert not_a_number.status_code == 422
    with database.transaction(readonly=True) as s:
        assert len(monitoring.list_schedules(s, org_b.actors[Role.VIEWER])) == 1
