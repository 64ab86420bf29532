"""Organizations and people in a real browser: the server admin creates an organization from the
organization list, switches between organizations in the header, invites someone (no mail server
here, so the link is shown once), and the invitee opens the link in a second browser context, signs
up and lands in the organization; the owner then sees the invitation accepted and revokes another.
Screenshots land in the test's tmp_path."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import PATIENCE_MS, LiveServer, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server


def test_create_switch_invite_and_accept(browser: Any, page: Any, live_server: LiveServer, tmp_path: Path) -> None:
    sign_in(page, live_server)
    page.get_by_role("link", name="Organizations").click()
    page.wait_for_url(f"{live_server.url}/orgs")
    assert page.title() == "Organizations · aisma"
    page.get_by_label("Name", exact=True).fill("Northbridge Bank")
    page.get_by_label("Short name (in links)").fill("bank")
    page.get_by_role("button", name="Create organization").click()
    page.wait_for_url(re.compile(r".*/orgs/bank\?msg=org-created"))
    assert "you are its owner" in page.content()
    assert page.title().endswith("Northbridge Bank · aisma")

    switcher = page.get_by_test_id("org-switcher")
    switcher.get_by_text("Switch organization").click()
    page.screenshot(path=str(tmp_path / "switcher.png"))
    switcher.get_by_role("link", name="My organization").click()
    page.wait_for_url(f"{live_server.url}/orgs/default")
    page.get_by_test_id("org-switcher").get_by_text("Switch organization").click()
    page.get_by_test_id("org-switcher").get_by_role("link", name="Northbridge Bank").click()
    page.wait_for_url(f"{live_server.url}/orgs/bank")

    page.get_by_role("link", name="Administration").click()
    invite = page.get_by_role("form", name="Invite someone")
    invite.get_by_label("Email to invite").fill("nora@example.test")
    invite.get_by_label("Role").select_option("assessor")
    invite.get_by_role("button", name="Invite").click()
    link = page.get_by_test_id("invitation-link").input_value()
    assert link.startswith(f"{live_server.url}/invite/")
    assert "pass this link on yourself" in page.get_by_test_id("new-invitation").inner_text()
    page.screenshot(path=str(tmp_path / "invited.png"), full_page=True)

    invitee = browser.new_context(viewport={"width": 1280, "height": 900})
    invitee.set_default_timeout(PATIENCE_MS)
    tab = invitee.new_page()
    try:
        tab.goto(link)
        assert (
            "invited nora@example.test to join Northbridge Bank as assessor"
            in tab.get_by_test_id("invitation-summary").inner_text()
        )
        tab.get_by_label("Your name (optional)").fill("Nora")
        tab.get_by_label("Password (at least 12 characters)").fill("nora's long password 1")
        tab.get_by_label("Password again").fill("nora's long password 1")
        tab.screenshot(path=str(tmp_path / "signup.png"), full_page=True)
        tab.get_by_role("button", name="Create account and join").click()
        tab.wait_for_url(re.compile(r".*/orgs/bank\?msg=joined"))
        assert "you are a member of this organization now" in tab.content()
        assert "nora@example.test · assessor" in tab.locator(".user-box").inner_text()
        tab.screenshot(path=str(tmp_path / "joined.png"), full_page=True)
        tab.goto(link)  # a second use is refused
        assert "This invitation is accepted" in tab.content()
    finally:
        invitee.close()

    page.get_by_role("link", name="Administration").click()  # not a reload: that posts the form again
    rows = page.get_by_test_id("invitations")
    assert "accepted" in rows.inner_text()
    assert "nora@example.test" in page.locator("#s-members").locator("xpath=..").inner_text()

    invite = page.get_by_role("form", name="Invite someone")
    invite.get_by_label("Email to invite").fill("late@example.test")
    invite.get_by_role("button", name="Invite").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Revoke the invitation of late@example.test").click()
    page.wait_for_url(re.compile(r".*msg=invitation-revoked"))
    assert "revoked" in page.get_by_test_id("invitations").inner_text()
    page.screenshot(path=str(tmp_path / "invitations.png"), full_page=True)
