"""The main flows in a real browser against a real server: sign in, answer with evidence, see the
dashboard change, a concurrent edit shown as a conflict, the Autonomy Test wizard, report download,
keyboard use and the phone layout."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import LiveServer, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server

# A report is rendered when it is downloaded (the PDF by WeasyPrint): on a loaded machine that takes
# far longer than the pages' 15 s default. Generous, so only a server that never answers fails.
DOWNLOAD_TIMEOUT_MS = 180_000


def _category_row(tab: Any, category: str) -> dict[str, str]:
    """The dashboard's row for one category: claimed and evidenced 'level (score)'."""
    row = tab.locator("#s-categories ~ .table-wrap tr", has=tab.get_by_role("link", name=category, exact=True))
    cells = row.locator("td")
    return {"claimed": cells.nth(1).inner_text().strip(), "evidenced": cells.nth(2).inner_text().strip()}


def _assess(tab: Any) -> None:
    tab.get_by_role("button", name=re.compile(r"(Run an assessment now|Re-assess now)")).first.click()
    tab.wait_for_url(re.compile(r".*msg=assessed"))


def test_answer_with_evidence_changes_the_dashboard(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    dashboard = sign_in(page, live_server)
    _assess(page)
    before = _category_row(page, "GOV")
    assert before["claimed"].startswith("0") and before["evidenced"].startswith("0")

    page.goto(f"{dashboard}/questionnaire/GOV")
    policy = tmp_path / "ai-security-policy.md"
    policy.write_text("# AI security policy\nApproved by the executive committee.\n")
    level_one = page.locator("article.objective").filter(has=page.locator("h3", has_text=re.compile(r"^GOV-1\.")))
    assert level_one.count() >= 1
    for i in range(level_one.count()):
        article = level_one.nth(i)
        article.get_by_label("Fully").check()
        expect_saved(article, 1)
        article.get_by_label("Attach evidence").set_input_files(str(policy))
        expect_saved(article, 2)
        assert "ai-security-policy.md" in article.locator(".evidence-list").inner_text()

    page.goto(dashboard)
    _assess(page)
    after = _category_row(page, "GOV")
    assert after["claimed"].startswith("1 "), after
    assert after["evidenced"].startswith("1 "), "answers with evidence count as evidenced"

    # the answers survive a reload: the page shows what the server stored, with its version
    page.goto(f"{dashboard}/questionnaire/GOV")
    first = level_one.first
    assert first.get_by_label("Fully").is_checked()
    assert first.locator("form").get_attribute("data-version") == "2"


def expect_saved(article: Any, version: int) -> None:
    status = article.locator(".save-status")
    status.filter(has_text=f"Saved (version {version})").wait_for()


def test_a_concurrent_edit_is_shown_as_a_conflict(browser: Any, live_server: LiveServer) -> None:
    first = browser.new_context(viewport={"width": 1280, "height": 900})
    second = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        alice, bob = first.new_page(), second.new_page()
        dashboard = sign_in(alice, live_server)
        sign_in(bob, live_server)
        for tab in (alice, bob):
            tab.goto(f"{dashboard}/questionnaire/MCP")
        selector = "#obj-MCP-1\\.1"
        a, b = alice.locator(selector), bob.locator(selector)
        a.get_by_label("Partially").check()
        a.locator(".save-status").filter(has_text="Saved (version").wait_for()
        version = a.locator("form").get_attribute("data-version")
        b.get_by_label("Fully").check()  # Bob still holds the page he loaded before Alice saved
        conflict = b.locator(".save-status.conflict")
        conflict.wait_for()
        assert "someone else changed this answer" in conflict.inner_text()
        assert "partially" in conflict.inner_text()
        # nothing was overwritten: Alice's answer is what the server holds
        alice.reload()
        assert a.get_by_label("Partially").is_checked()
        assert a.locator("form").get_attribute("data-version") == version
        # Bob chooses to replace it, knowingly: the save carries the version he was shown
        b.get_by_role("button", name="Save mine anyway").click()
        b.locator(".save-status.saved").wait_for()
        alice.reload()
        assert a.get_by_label("Fully").is_checked()
    finally:
        first.close()
        second.close()


def test_autonomy_test_wizard(page: Any, live_server: LiveServer) -> None:
    dashboard = sign_in(page, live_server)
    page.goto(f"{dashboard}/inventory")
    page.get_by_label("Id (lowercase, digits, . _ -)").fill("claims-agent")
    page.get_by_label("Name", exact=True).fill("Claims triage agent")
    page.get_by_label("Owner (email)").fill(live_server.email)
    page.get_by_label("Track", exact=True).select_option("build")
    page.get_by_label("Deployment type", exact=True).select_option("paas")
    page.get_by_role("button", name="Add system").click()
    page.wait_for_url(re.compile(r".*/inventory/claims-agent\?msg=system-added"))
    page.get_by_role("link", name=re.compile("Autonomy Test")).click()

    progress = page.locator(".wizard-progress")
    assert progress.inner_text() == "Question 1 of 6"
    assert page.locator(".wizard-step:visible").count() == 1, "one question at a time"
    page.get_by_role("button", name="Next").click()
    assert "Choose yes or no" in progress.inner_text(), "an unanswered question blocks Next"
    answers = ["Yes", "Yes", "Yes", "Yes", "No", "No"]
    for i, answer in enumerate(answers):
        step = page.locator(".wizard-step:visible")
        step.get_by_label(answer).check()
        if i < len(answers) - 1:
            page.get_by_role("button", name="Next").click()
            assert progress.inner_text() == f"Question {i + 2} of 6"
    page.get_by_role("button", name="Back").click()
    assert progress.inner_text() == "Question 5 of 6"
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Record the result").click()
    page.wait_for_url(re.compile(r".*/inventory/claims-agent\?msg=autonomy"))
    result = page.get_by_test_id("autonomy-result").inner_text()
    assert "Agentic" in result and "autonomous" in result


def test_download_the_report(page: Any, live_server: LiveServer) -> None:
    dashboard = sign_in(page, live_server)
    _assess(page)
    page.goto(f"{dashboard}/reports")
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as html_download:
        page.get_by_role("link", name="HTML").first.click()
    html = Path(html_download.value.path()).read_text()
    assert "<svg" in html and "AI security maturity" in html
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as json_download:
        page.get_by_role("link", name="JSON").first.click()
    result = json.loads(Path(json_download.value.path()).read_text())
    assert result["schema"] == "aisma.result/v1" and result["categories"]


def test_workbook_download_edit_and_import(page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    from ..api.test_report_formats_and_workbook import cells, edited

    dashboard = sign_in(page, live_server)
    _assess(page)
    page.goto(f"{dashboard}/reports")
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as pdf_download:
        page.get_by_role("link", name="PDF", exact=True).first.click()
    assert Path(pdf_download.value.path()).read_bytes().startswith(b"%PDF")
    with page.expect_download(timeout=DOWNLOAD_TIMEOUT_MS) as xlsx_download:
        page.get_by_role("link", name="Workbook (XLSX)").first.click()
    exported = Path(xlsx_download.value.path()).read_bytes()
    assert xlsx_download.value.suggested_filename.endswith(".xlsx") and "GOV-1.1" in cells(exported)
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(edited(exported, {"GOV-1.1": {"answer": "largely", "note": "from the owner"}}))
    page.goto(f"{dashboard}/questionnaire")
    page.get_by_role("link", name="Import a filled-in workbook (XLSX)").click()
    page.set_input_files("#workbook-file", str(filled))
    page.get_by_role("button", name="Preview").click()
    # the form posts and the page is replaced: wait for the new page's text, not for a moment to pass
    # (reading page.content() right after the click raced the navigation on a busy machine)
    page.get_by_text("changes 1 answer(s)").first.wait_for(timeout=DOWNLOAD_TIMEOUT_MS)
    assert "from the owner" in page.locator("#workbook-changes").inner_text()
    page.set_input_files("#workbook-file", str(filled))
    page.get_by_role("button", name="Import").click()
    page.get_by_text("Imported: 1 answer(s) changed.").first.wait_for(timeout=DOWNLOAD_TIMEOUT_MS)
    page.goto(f"{dashboard}/questionnaire/GOV")
    assert "from the owner" in page.content()


def test_keyboard_skip_link_and_focus(page: Any, live_server: LiveServer) -> None:
    dashboard = sign_in(page, live_server)
    page.goto(f"{dashboard}/questionnaire/GOV")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to content"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused element is visibly marked"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # every form control has an accessible label
    unlabeled = page.evaluate(
        """() => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
              .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).length"""
    )
    assert unlabeled == 0


@pytest.mark.parametrize("path", ["", "/questionnaire/AGT", "/inventory", "/reports", "/admin", "/monitoring"])
def test_phone_width_has_no_horizontal_scrolling(browser: Any, live_server: LiveServer, path: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    try:
        tab = context.new_page()
        dashboard = sign_in(tab, live_server)
        tab.goto(f"{dashboard}{path}")
        width = tab.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{path or '/'} is {width} px wide on a 390 px phone"
        nav = tab.get_by_role("navigation", name="Main")
        assert nav.is_visible()
    finally:
        context.close()
