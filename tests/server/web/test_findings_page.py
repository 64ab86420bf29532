"""The findings page in-process, on SQLite and PostgreSQL: derive, filter (overdue too), record a remark
(a mistake comes back with what was typed), change a finding with its version, export."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.store.db import Database

from ..factories import OrgWithMembers
from ..findings_fixtures import assessed_with_findings
from .page_helpers import page_client, sign_in_form


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url) as test_client:
        yield test_client


def test_findings_page_derives_filters_changes_and_exports(
    client: TestClient, database: Database, org_a: OrgWithMembers
) -> None:
    gap_id, _measured_id = assessed_with_findings(database, org_a)
    csrf = sign_in_form(client, org_a.emails[Role.ASSESSOR])
    page = f"/orgs/{org_a.slug}/findings"
    assert "No findings yet" in client.get(page).text
    derived = client.post(f"{page}/derive", data={"csrf_token": csrf})
    assert derived.status_code == 200 and "new findings from assessment" in derived.text
    gaps = client.get(page, params={"kind": "gap"}).text
    assert f">{gap_id}</a>" in gaps and "nobody yet" in gaps
    remark = {"csrf_token": csrf, "title": "", "detail": "typed detail", "severity": "high"}
    rejected = client.post(page, data=remark)
    assert (
        rejected.status_code == 422
        and "Not recorded: title" in rejected.text
        and "typed detail</textarea>" in rejected.text
    )
    ok = client.post(page, data={**remark, "title": "Q3 minutes missing", "due": "2020-01-01"}, follow_redirects=False)
    assert ok.status_code == 303 and ok.headers["location"].endswith("msg=finding-added")
    late = client.get(page, params={"overdue": "yes"}).text
    assert "Q3 minutes missing" in late and "overdue</span>" in late and f">{gap_id}</a>" not in late
    finding_id = int(late.split('id="finding-')[1].split('"')[0])
    form = {"csrf_token": csrf, "version": "1", "status": "resolved", "severity": "high", "owner": "", "due": "",
            "back": "overdue=yes&evil=1"}  # fmt: skip
    changed = client.post(f"{page}/{finding_id}", data=form, follow_redirects=False)
    assert changed.headers["location"] == f"{page}?overdue=yes&msg=finding-changed"
    assert "Q3 minutes missing" not in client.get(page, params={"overdue": "yes"}).text  # resolved, due cleared
    assert client.post(f"{page}/{finding_id}", data=form).status_code == 409  # version 1 again
    exported = client.get(page, params={"format": "xlsx"})
    assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
    github = client.get(page, params={"format": "github", "status": "resolved"})
    assert next(csv.DictReader(io.StringIO(github.text)))["state"] == "closed"
    assert client.get(page, params={"severity": "urgent"}).status_code == 422
    sign_in_form(client, org_a.emails[Role.VIEWER])
    read_only = client.get(page).text
    assert "Record the remark" not in read_only and "Record findings from" not in read_only
