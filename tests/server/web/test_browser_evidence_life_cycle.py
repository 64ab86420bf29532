"""The evidence life cycle in a real browser: upload a file with an expiry date that has passed, see it
flagged on its page and where an answer cites it, upload a new revision in force, set its dates, and
read the revision history and "cited by". Screenshots land in the test's tmp_path."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from aisma.store.types import utcnow
from aisma.web.features.answers import service as answers

from .conftest import LiveServer, as_admin, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server


def _cite(server: LiveServer, ref: str) -> None:
    with as_admin(server) as (session, actor):
        answers.save_answer(session, actor, "GOV-1.1", "fully", note="charter", evidence=[ref])


def test_upload_revise_date_and_trace_an_evidence_file(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    dashboard = sign_in(page, live_server)
    today = utcnow().date()
    page.goto(f"{dashboard}/evidence")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "ai-charter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 charter v1"}
    )
    page.get_by_label("Expires after").first.fill((today - timedelta(days=2)).isoformat())
    page.get_by_role("button", name="Upload", exact=True).click()
    page.wait_for_url(re.compile(r".*/evidence/\d+\?msg=evidence-uploaded"))
    file_url = page.url.split("?")[0]
    assert "Expired" in page.get_by_test_id("expiry-state").inner_text()
    page.screenshot(path=str(tmp_path / "evidence-expired.png"), full_page=True)

    _cite(live_server, "evidence/ai-charter.pdf")
    page.goto(f"{dashboard}/questionnaire/GOV")
    cited = page.locator("#obj-GOV-1\\.1 .evidence-list")
    assert "expired" in cited.inner_text()
    cited.scroll_into_view_if_needed()
    page.locator("#obj-GOV-1\\.1").screenshot(path=str(tmp_path / "questionnaire-expired-evidence.png"))
    cited.get_by_role("link", name="evidence/ai-charter.pdf").click()
    page.wait_for_url(file_url)
    assert "GOV-1.1" in page.get_by_test_id("citing-answers").inner_text()

    page.get_by_label("File", exact=True).set_input_files(
        {"name": "ai-charter.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 charter v2, signed"}
    )
    page.locator("#nr-expires").fill((today + timedelta(days=365)).isoformat())
    page.get_by_role("button", name="Upload revision 2").click()
    page.wait_for_url(re.compile(r".*msg=evidence-uploaded"))
    assert "In force" in page.get_by_test_id("expiry-state").inner_text()
    rows = page.get_by_test_id("revisions").locator("tbody tr")
    assert rows.count() == 2 and "current" in rows.nth(0).inner_text()

    page.locator("#d-expires").fill((today + timedelta(days=5)).isoformat())
    page.get_by_role("button", name="Save the dates").click()
    page.wait_for_url(re.compile(r".*msg=evidence-dates"))
    assert "Expiring" in page.get_by_test_id("expiry-state").inner_text()
    page.screenshot(path=str(tmp_path / "evidence-file.png"), full_page=True)

    href = rows.nth(1).get_by_role("link", name="Download revision 1").get_attribute("href")
    old = page.request.get(f"{live_server.url}{href}")
    assert old.ok and old.body() == b"%PDF-1.4 charter v1"

    page.goto(f"{dashboard}/evidence?expiry=expiring")
    listed = page.locator("table.stack tbody").inner_text()
    assert "ai-charter.pdf" in listed and "expiring" in listed
    page.screenshot(path=str(tmp_path / "evidence-list.png"), full_page=True)
