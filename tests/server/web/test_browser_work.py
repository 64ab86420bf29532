"""Assignments, My work and comments in a real browser, with a local SMTP server: the owner assigns an
objective (due in the past) to Bob, who is emailed; a comment with an @mention (and a script in it,
shown as text) emails him again; Bob signs in and finds the objective on My work, highlighted overdue,
with both emails in his log. Screenshots land in the test's tmp_path."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.repositories import organizations
from aisma.web.features.organizations import service as accounts

from ..mail_fixtures import Mailbox, closed_port
from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD, PATIENCE_SECONDS, LiveServer, sign_in, start_server, stop_server

pytestmark = pytest.mark.slow  # real chromium against a live server

BOB, BOB_PASSWORD = "bob@example.test", "bob's long password 42"


@pytest.fixture(scope="module")
def mail_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Mailbox]]:
    mailbox = Mailbox()
    port = closed_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    data_dir = tmp_path_factory.mktemp("aisma-work")
    env = {"AISMA_SMTP_HOST": "127.0.0.1", "AISMA_SMTP_PORT": str(port), "AISMA_SMTP_STARTTLS": "false",
           "AISMA_SMTP_FROM": "aisma@example.test"}  # fmt: skip
    process, url = start_server(data_dir, extra_env=env)
    try:
        database = Database(ServerSettings(data_dir=data_dir).database_url)
        try:
            with database.transaction() as session:
                org = organizations.get_by_slug(session, "default")
                assert org is not None
                bob = accounts.create_user(session, BOB, BOB_PASSWORD, "Bob")
                accounts.add_member_unchecked(session, org, bob, Role.CONTRIBUTOR)
        finally:
            database.dispose()
        yield LiveServer(url=url, data_dir=data_dir, email=ADMIN_EMAIL, password=ADMIN_PASSWORD), mailbox
    finally:
        stop_server(process)
        controller.stop()


def _mail_to(mailbox: Mailbox, count: int) -> list[str]:
    """The subjects of the emails to Bob, once ``count`` emails arrived."""
    deadline = time.monotonic() + PATIENCE_SECONDS
    while len(mailbox.messages) < count:
        assert time.monotonic() < deadline, f"{len(mailbox.messages)} emails of {count}"
        time.sleep(0.05)
    parsed = [mailbox.parsed(i) for i in range(len(mailbox.messages))]
    return [subject for to, subject, _text in parsed if BOB in to]


def test_assign_comment_and_find_it_overdue_on_my_work(
    page: Any, mail_server: tuple[LiveServer, Mailbox], tmp_path: Path
) -> None:
    server, mailbox = mail_server
    dashboard = sign_in(page, server)
    page.goto(f"{dashboard}/questionnaire/GOV")
    objective = page.locator("#obj-GOV-1\\.1")
    assert "Not assigned" in objective.locator(".work-line").inner_text()
    objective.get_by_role("link", name="Assign and discuss").click()
    page.wait_for_url(re.compile(r".*/work/objective/GOV-1\.1$"))
    assert page.title().startswith("GOV-1.1 · Objective")
    form = page.get_by_role("form", name="Assign GOV-1.1")
    form.get_by_label("Assignee").select_option(BOB)
    form.get_by_label("Due date").fill("2001-02-03")
    form.get_by_role("button", name="Save the assignment").click()
    page.wait_for_url(re.compile(r".*msg=assigned"))
    assert BOB in page.get_by_test_id("assignment").inner_text()
    assert "overdue" in page.get_by_test_id("assignment").inner_text()
    assert "assigned you objective GOV-1.1" in _mail_to(mailbox, 1)[0]

    comment = page.get_by_role("form", name="Write a comment")
    comment.get_by_label("Write a comment").fill("@bob please attach the **charter** <script>window.hacked=1</script>")
    comment.get_by_role("button", name="Post the comment").click()
    page.wait_for_url(re.compile(r".*msg=comment-added"))
    posted = page.locator("article.comment").first
    assert posted.locator("strong", has_text="charter").count() == 1
    assert posted.locator("script").count() == 0 and "<script>window.hacked=1</script>" in posted.inner_text()
    assert page.evaluate("window.hacked") is None
    page.screenshot(path=str(tmp_path / "item.png"), full_page=True)
    mails = _mail_to(mailbox, 2)
    assert "mentioned you on objective GOV-1.1" in mails[1]

    page.goto(f"{dashboard}/questionnaire/GOV")
    assert BOB in page.locator("#obj-GOV-1\\.1 .work-line").inner_text()
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, server, BOB, BOB_PASSWORD)
    page.get_by_role("link", name="My work").click()
    page.wait_for_url(re.compile(r".*/my-work$"))
    row = page.locator('tr[data-item="objective:GOV-1.1"]')
    assert "overdue" in (row.get_attribute("class") or "") and "overdue" in row.inner_text()
    assert "1 item is overdue" in page.get_by_test_id("overdue-count").inner_text()
    log = page.get_by_test_id("notifications").inner_text()
    assert "mentioned you" in log and "assigned you" in log
    page.screenshot(path=str(tmp_path / "my-work.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_test_id("export-csv").click()
    assert "GOV-1.1" in Path(download.value.path()).read_text(encoding="utf-8")
    # the assigned contributor may now answer the objective (it concerns no system Bob owns)
    page.goto(page.url.replace("/my-work", "/questionnaire/GOV"))
    assert page.locator("#obj-GOV-1\\.1 input[name=answer]").first.is_enabled()
    assert page.locator("#obj-GOV-1\\.2 input[name=answer]").first.is_disabled()
