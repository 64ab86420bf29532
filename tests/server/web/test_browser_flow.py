"""The whole assessment workflow in a real browser, as two people do it, with a local SMTP server:
the owner invites Alice by email; Alice follows the link and creates her account; the owner requires
review and assigns her an objective with a due date; Alice finds it on My work, answers and submits
it; the owner returns it with a reason (Alice is emailed); Alice answers again and resubmits; the
owner accepts it; the owner records an auditor's remark as a finding owned by Alice; Alice marks it
resolved; the owner exports the findings for Jira and sees it there. Screenshots land in tmp_path."""

from __future__ import annotations

import csv
import io
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from ..mail_fixtures import Mailbox, closed_port
from .conftest import (
    ADMIN_EMAIL,
    ADMIN_PASSWORD,
    PATIENCE_MS,
    PATIENCE_SECONDS,
    LiveServer,
    sign_in,
    start_server,
    stop_server,
)

pytestmark = pytest.mark.slow  # real chromium against a live server

ALICE, ALICE_PASSWORD = "alice@example.test", "alice's long password 42"
OBJECTIVE = "GOV-1.1"
ARTICLE = "#obj-GOV-1\\.1"


@pytest.fixture(scope="module")
def server_and_mail(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Mailbox]]:
    mailbox = Mailbox()
    port = closed_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    env = {"AISMA_SMTP_HOST": "127.0.0.1", "AISMA_SMTP_PORT": str(port), "AISMA_SMTP_STARTTLS": "false",
           "AISMA_SMTP_FROM": "aisma@example.test"}  # fmt: skip
    data_dir = tmp_path_factory.mktemp("aisma-flow")
    process, url = start_server(data_dir, extra_env=env)
    try:
        yield LiveServer(url=url, data_dir=data_dir, email=ADMIN_EMAIL, password=ADMIN_PASSWORD), mailbox
    finally:
        stop_server(process)
        controller.stop()


def _mail_to_alice(mailbox: Mailbox, subject_part: str) -> str:
    """The text of the first email to Alice whose subject contains ``subject_part`` (waits for it)."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while True:
        for index in range(len(mailbox.messages)):
            to, subject, text = mailbox.parsed(index)
            if ALICE in to and subject_part in subject:
                return text
        subjects = [mailbox.parsed(i)[1] for i in range(len(mailbox.messages))]
        assert time.monotonic() < deadline, f"no email to {ALICE} about {subject_part!r}; got {subjects}"
        time.sleep(0.05)


def _answer(tab: Any, dashboard: str, label: str) -> None:
    tab.goto(f"{dashboard}/questionnaire/GOV")
    tab.locator(ARTICLE).get_by_label(label).check()
    tab.locator(f"{ARTICLE} .save-status").filter(has_text="Saved").wait_for()


def _submit(tab: Any, dashboard: str) -> None:
    tab.goto(f"{dashboard}/reviews")
    tab.get_by_role("form", name=f"Submit {OBJECTIVE}").get_by_role("button", name="Submit for review").click()
    tab.wait_for_url(re.compile(r".*msg=answer-submit"))


def test_invite_assign_answer_return_accept_finding_done_export(
    browser: Any, server_and_mail: tuple[LiveServer, Mailbox], tmp_path: Path
) -> None:
    server, mailbox = server_and_mail
    owner_context, alice_context = browser.new_context(accept_downloads=True), browser.new_context()
    owner, alice = owner_context.new_page(), alice_context.new_page()
    for tab in (owner, alice):
        tab.set_default_timeout(PATIENCE_MS)
    try:
        dashboard = sign_in(owner, server)

        # invite: the link travels by email
        owner.goto(f"{dashboard}/admin")
        invite = owner.get_by_role("form", name="Invite someone")
        invite.get_by_label("Email to invite").fill(ALICE)
        invite.get_by_label("Role").select_option("contributor")
        invite.get_by_role("button").click()
        owner.wait_for_load_state()
        link = re.search(r"https?://\S+/invite/[A-Za-z0-9_\-]+", _mail_to_alice(mailbox, "invit"))
        assert link, "the invitation email carries the link"

        # Alice creates her account from the link and lands in the organization
        alice.goto(link.group(0))
        alice.get_by_label("Password (at least 12 characters)").fill(ALICE_PASSWORD)
        alice.get_by_label("Password again").fill(ALICE_PASSWORD)
        alice.get_by_role("button", name="Create account and join").click()
        alice.wait_for_url(re.compile(r".*/orgs/default.*msg=joined"))
        assert ALICE in alice.content()

        # the owner requires review and assigns Alice the objective
        owner.goto(f"{dashboard}/reviews")
        owner.get_by_role("button", name="Require review").click()
        owner.wait_for_url(re.compile(r".*msg=review-setting"))
        owner.goto(f"{dashboard}/work/objective/{OBJECTIVE}")
        assign = owner.get_by_role("form", name=f"Assign {OBJECTIVE}")
        assign.get_by_label("Assignee").select_option(ALICE)
        assign.get_by_label("Due date").fill("2099-12-31")
        assign.get_by_role("button", name="Save the assignment").click()
        owner.wait_for_url(re.compile(r".*msg=assigned"))
        _mail_to_alice(mailbox, f"assigned you objective {OBJECTIVE}")

        # Alice finds it on My work, answers and submits it
        alice.get_by_role("link", name="My work").click()
        alice.wait_for_url(re.compile(r".*/my-work$"))
        row = alice.locator(f'tr[data-item="objective:{OBJECTIVE}"]')
        assert "2099-12-31" in row.inner_text() and "overdue" not in (row.get_attribute("class") or "")
        _answer(alice, dashboard, "Fully")
        _submit(alice, dashboard)

        # the owner returns it with a reason; Alice is told why
        owner.goto(f"{dashboard}/reviews")
        review = owner.get_by_role("form", name=f"Review {OBJECTIVE}")
        review.get_by_label("Reason").fill("The charter does not name AI systems yet")
        review.get_by_role("button", name="Return").click()
        owner.wait_for_url(re.compile(r".*msg=answer-returned"))
        assert "does not name AI systems" in _mail_to_alice(mailbox, "returned")
        alice.goto(f"{dashboard}/questionnaire/GOV")
        assert alice.locator(f"{ARTICLE} .answer-status").get_attribute("data-status") == "returned"

        # Alice answers again and resubmits; the owner accepts
        _answer(alice, dashboard, "Largely")
        _submit(alice, dashboard)
        owner.goto(f"{dashboard}/reviews")
        owner.get_by_role("form", name=f"Review {OBJECTIVE}").get_by_role("button", name="Accept").click()
        owner.wait_for_url(re.compile(r".*msg=answer-accepted"))
        alice.goto(f"{dashboard}/questionnaire/GOV")
        assert alice.locator(f"{ARTICLE} .answer-status").get_attribute("data-status") == "accepted"

        # an auditor's remark becomes a finding owned by Alice
        owner.goto(f"{dashboard}/findings")
        owner.get_by_label("Title").fill("Charter approved without an AI inventory annex")
        owner.get_by_label("Objective it blocks (e.g. GOV-1.1)").fill(OBJECTIVE)
        owner.locator("#r-owner").select_option(ALICE)
        owner.locator("#r-due").fill("2099-06-30")
        owner.get_by_role("button", name="Record the remark").click()
        owner.wait_for_load_state()
        assert "Charter approved without an AI inventory annex" in owner.content()

        # Alice, its owner, marks it resolved
        alice.goto(f"{dashboard}/findings")
        change = alice.locator("form.change-finding").first
        change.get_by_label("Status").select_option("resolved")
        change.get_by_role("button", name="Save").click()
        alice.wait_for_load_state()
        alice.screenshot(path=str(tmp_path / "alice-findings.png"), full_page=True)
        assert "resolved" in alice.locator("table").first.inner_text()

        # the owner exports the findings for Jira: the remark is there, resolved, owned by Alice
        owner.goto(f"{dashboard}/findings")
        with owner.expect_download() as download:
            owner.get_by_test_id("export-jira").click()
        rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8-sig"))))
        header, body = rows[0], rows[1:]
        ours = [r for r in body if any("Charter approved without an AI inventory annex" in cell for cell in r)]
        assert len(ours) == 1, (header, body)
        assert any(ALICE in cell for cell in ours[0]) and any("resolved" in cell.lower() for cell in ours[0])
        owner.screenshot(path=str(tmp_path / "owner-findings.png"), full_page=True)
    finally:
        owner_context.close()
        alice_context.close()
