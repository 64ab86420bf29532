"""Lists, error pages, titles and the favicon in a real browser: page through 60 submitted answers on the
Reviews page, filter them, download the CSV the page offers, open the questionnaire's objective list and
the audit trail, and land on a missing page. Screenshots land in the test's tmp_path."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Role
from aisma.server.models import model_by_id
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.repositories import organizations, users
from aisma.web.features.answers import service as answers
from aisma.web.features.assessments import service as assessments
from aisma.web.features.reviews import service as reviews

from .conftest import LiveServer, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server


@contextmanager
def as_someone_else(server: LiveServer) -> Iterator[tuple[Session, Actor]]:
    """A transaction on the live server's database, acting as an owner other than the signed-in one."""
    database = Database(ServerSettings(data_dir=server.data_dir).database_url)
    try:
        with database.transaction() as session:
            org, admin = organizations.get_by_slug(session, "default"), users.get_by_email(session, server.email)
            assert org is not None and admin is not None
            yield session, Actor(admin.id, org.id, org.slug, Role.OWNER, "session", (), "ana@example.test")
    finally:
        database.dispose()


def sixty_submitted(server: LiveServer) -> list[str]:
    """Answers given and submitted by someone else (so the signed-in owner may review them)."""
    ids = [o.id for o in model_by_id("aisma-core").objectives()][:60]
    with as_someone_else(server) as (session, someone):
        for objective_id in ids:
            version = answers.save_answer(session, someone, objective_id, "partially", note="draft").version
            reviews.submit_answer(session, someone, objective_id, version)
    return ids


def test_lists_page_filter_and_export_in_the_browser(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    ids = sixty_submitted(live_server)
    icons: list[int] = []
    page.on("response", lambda r: icons.append(r.status) if r.url.endswith(("/favicon.ico", "favicon.svg")) else None)
    dashboard = sign_in(page, live_server)
    page.goto(f"{dashboard}/reviews")
    assert page.title().startswith("Reviews · ") and page.title().endswith(" · aisma")  # the organization between
    submitted = page.get_by_test_id("submitted")
    assert submitted.locator("tbody tr").count() == 50
    page.get_by_role("navigation", name="Pages of submitted answers").get_by_role("link", name="Page 2").click()
    page.wait_for_url(re.compile(r".*submitted_page=2"))
    assert page.get_by_test_id("submitted").locator("tbody tr").count() == 10
    page.screenshot(path=str(tmp_path / "reviews-page-2.png"), full_page=True)

    page.get_by_label("Category").select_option("GOV")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url(re.compile(r".*category=GOV"))
    gov = [i for i in ids if i.startswith("GOV-")]
    assert page.get_by_test_id("submitted").locator("tbody tr").count() == len(gov)
    with page.expect_download() as download_info:
        page.get_by_test_id("export-csv").click()
    download = download_info.value
    assert re.fullmatch(r"default-reviews-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename)
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8"))))
    assert [r[0] for r in rows[1:]] == gov
    page.screenshot(path=str(tmp_path / "reviews-gov.png"), full_page=True)

    page.goto(f"{dashboard}/questionnaire?show=unanswered&level=1")
    assert page.title().startswith("Questionnaire · ")
    table = page.get_by_test_id("objectives")
    assert table.locator("tbody tr").count() > 0
    page.screenshot(path=str(tmp_path / "questionnaire-list.png"), full_page=True)

    page.get_by_role("search", name="Search this organization").get_by_label("Search").fill("board")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/search\?q=board"))
    assert "match" in page.get_by_test_id("search-summary").inner_text()
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)

    page.goto(f"{dashboard}/audit?action=answer.submit")
    assert "60 entries match" in page.locator("#s-audit").inner_text()
    page.screenshot(path=str(tmp_path / "audit.png"), full_page=True)

    missing = page.goto(f"{dashboard}/no-such-page")
    assert missing is not None and missing.status == 404
    assert page.title() == "Page not found · aisma"
    assert page.get_by_role("heading", name="Page not found").is_visible()
    page.screenshot(path=str(tmp_path / "not-found.png"), full_page=True)
    assert icons and all(status == 200 for status in icons)


def test_findings_from_the_assessment_changed_and_exported_in_the_browser(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    with as_someone_else(live_server) as (session, someone):
        last = model_by_id("aisma-core").objectives()[-1].id  # not among the reviews test's sixty
        answers.save_answer(session, someone, last, "not", note="not yet")
        assessments.run_assessment(session, someone)
    dashboard = sign_in(page, live_server)
    page.goto(f"{dashboard}/findings")
    assert page.title().startswith("Findings · ")
    page.get_by_role("button", name="Record findings from the latest assessment").click()
    page.get_by_text(re.compile(r"\d+ new findings? from assessment \d+")).wait_for()
    rows = page.get_by_test_id("findings").locator("tbody tr")
    assert rows.count() > 0
    first = page.get_by_role("form", name=re.compile(r"Change finding \d+")).first
    first.get_by_label("Status").select_option("in_progress")
    first.get_by_label("Owner").select_option(live_server.email)
    first.get_by_label("Due").fill("2020-01-31")
    first.get_by_role("button", name="Save").click()
    page.wait_for_url(re.compile(r".*msg=finding-changed"))
    page.goto(f"{dashboard}/findings?overdue=yes")
    late = page.get_by_test_id("findings").locator("tbody tr")
    assert late.count() == 1 and "overdue" in late.first.inner_text()
    page.screenshot(path=str(tmp_path / "findings.png"), full_page=True)
    with page.expect_download() as download_info:
        page.get_by_test_id("export-jira").click()
    exported = Path(download_info.value.path()).read_text(encoding="utf-8")
    header, row = list(csv.reader(io.StringIO(exported)))[:2]
    assert header[:4] == ["Summary", "Description", "Issue Type", "Priority"]
    assert row[header.index("Assignee")] == live_server.email and row[header.index("Status")] == "In Progress"
