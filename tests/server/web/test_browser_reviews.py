"""The answer life cycle in a real browser: turn review on, return an answer with a reason, accept
another, submit one's own draft. The answers are given by someone else (four eyes) straight through
the services on the live server's database. A screenshot of the page lands in the test's tmp_path.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from aisma.server.auth import Actor, Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.repositories import organizations, users
from aisma.web.features.answers import service as answers
from aisma.web.features.reviews import service as reviews

from .conftest import LiveServer, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server


def _submitted_by_someone_else(server: LiveServer) -> None:
    database = Database(ServerSettings(data_dir=server.data_dir).database_url)
    try:
        with database.transaction() as session:
            org = organizations.get_by_slug(session, "default")
            admin = users.get_by_email(session, server.email)
            assert org is not None and admin is not None
            ana = Actor(admin.id, org.id, org.slug, Role.OWNER, "session", (), "ana@example.test")
            for objective_id in ("GOV-3.1", "GOV-3.2"):
                saved = answers.save_answer(session, ana, objective_id, "largely", note="board minutes")
                reviews.submit_answer(session, ana, objective_id, saved.version)
    finally:
        database.dispose()


def test_return_accept_and_submit_on_the_reviews_page(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    _submitted_by_someone_else(live_server)
    dashboard = sign_in(page, live_server)
    page.goto(f"{dashboard}/reviews")
    assert page.title().startswith("Reviews")
    page.get_by_role("button", name="Require review").click()
    page.wait_for_url(re.compile(r".*msg=review-setting"))
    assert "Only accepted answers count as evidenced" in page.get_by_test_id("review-setting").inner_text()

    returned = page.get_by_role("form", name="Review GOV-3.1")
    returned.get_by_label("Reason").fill("Minutes are from 2024; attach this year's")
    returned.get_by_role("button", name="Return").click()
    page.wait_for_url(re.compile(r".*msg=answer-returned"))
    assert "Minutes are from 2024" in page.get_by_test_id("returned").inner_text()

    page.get_by_role("form", name="Review GOV-3.2").get_by_role("button", name="Accept").click()
    page.wait_for_url(re.compile(r".*msg=answer-accepted"))
    assert "Nothing waits for review." in page.content()

    page.goto(f"{dashboard}/questionnaire/GOV")
    article = page.locator("#obj-GOV-1\\.1")
    article.get_by_label("Fully").check()
    article.locator(".save-status").filter(has_text="Saved (version 1)").wait_for()
    page.goto(f"{dashboard}/reviews")
    page.get_by_role("form", name="Submit GOV-1.1").get_by_role("button", name="Submit for review").click()
    page.wait_for_url(re.compile(r".*msg=answer-submit"))
    assert "You gave or submitted this answer" in page.get_by_test_id("submitted").inner_text()
    page.screenshot(path=str(tmp_path / "reviews.png"), full_page=True)
    page.goto(f"{dashboard}/questionnaire/GOV")
    assert page.locator("#obj-GOV-3\\.1 .answer-status").get_attribute("data-status") == "returned"
