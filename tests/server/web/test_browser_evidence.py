"""The evidence review in a real browser: a cited link reads "Cited, unverified" until an assessor accepts it.

The answer is given by someone else (the admin may not accept evidence of an answer the admin
gave), straight through the answers service on the live server's database; the admin then signs
in and presses "Accept evidence". Screenshots of both states land in the test's tmp_path.
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

from .conftest import LiveServer, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server

URL = "https://lms.example.test/reports/ai-literacy-2026"


def _answer_by_someone_else(server: LiveServer) -> None:
    database = Database(ServerSettings(data_dir=server.data_dir).database_url)
    try:
        with database.transaction() as session:
            org = organizations.get_by_slug(session, "default")
            assert org is not None
            admin = users.get_by_email(session, server.email)
            assert admin is not None
            actor = Actor(admin.id, org.id, org.slug, Role.OWNER, "session", (), admin.email)
            answers.save_answer(
                session, actor, "GOV-2.3", "largely", note="LMS report", evidence=[URL], answered_by="ana@example.test"
            )
    finally:
        database.dispose()


def test_accept_button_turns_a_cited_link_into_evidence(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    _answer_by_someone_else(live_server)
    dashboard = sign_in(page, live_server)
    page.goto(f"{dashboard}/questionnaire/GOV")
    article = page.locator("#obj-GOV-2\\.3")
    status = article.locator(".evidence-status")
    assert "Cited, unverified" in status.inner_text()
    article.scroll_into_view_if_needed()
    article.screenshot(path=str(tmp_path / "evidence-unverified.png"))

    article.get_by_label("Review note").fill("Opened the LMS report: 94% completion, dated 2026-10-18")
    article.get_by_role("button", name="Accept evidence").click()
    page.wait_for_url(re.compile(r".*msg=evidence-accepted"))
    assert "Evidence accepted: the answer now counts as evidenced." in page.content()
    article = page.locator("#obj-GOV-2\\.3")
    accepted = article.locator(".evidence-status").inner_text()
    assert "Evidence accepted" in accepted and live_server.email in accepted
    article.scroll_into_view_if_needed()
    article.screenshot(path=str(tmp_path / "evidence-accepted.png"))

    database = Database(ServerSettings(data_dir=live_server.data_dir).database_url)
    try:
        with database.transaction(readonly=True) as session:
            org = organizations.get_by_slug(session, "default")
            assert org is not None
            viewer = Actor(0, org.id, org.slug, Role.VIEWER)
            review = answers.get_answer(session, viewer, "GOV-2.3").evidence_review
    finally:
        database.dispose()
    assert review is not None and review.decision == "accepted" and review.by == live_server.email
    assert review.note.startswith("Opened the LMS report")
