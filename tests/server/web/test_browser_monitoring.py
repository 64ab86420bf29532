"""The monitoring page in a real browser: reached from the navigation, a schedule added and deleted
(through the confirmation dialog), a bad cron answered on the page, a webhook's secret shown once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import LiveServer, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server


def test_schedules_and_alert_channels_from_the_monitoring_page(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    sign_in(page, live_server)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Monitoring").click()
    page.wait_for_url(re.compile(r".*/monitoring$"))
    monitoring = page.url
    assert page.title().startswith("Monitoring")

    page.get_by_label("Cron, five fields in UTC").fill("0 6 * * * *")
    page.get_by_role("button", name="Add schedule").click()
    banner = page.locator(".banner.error")
    assert "cron" in banner.inner_text()
    assert page.get_by_label("Cron, five fields in UTC").input_value() == "0 6 * * * *"

    page.get_by_label("Job").select_option("assess")
    page.get_by_label("Cron, five fields in UTC").fill("30 5 * * 1-5")
    page.get_by_role("button", name="Add schedule").click()
    page.wait_for_url(re.compile(r".*msg=schedule-added"))
    schedules = page.get_by_test_id("schedules")
    assert "30 5 * * 1-5" in schedules.inner_text() and "not yet" in schedules.inner_text()

    page.get_by_label("Kind").select_option("webhook")
    page.get_by_label("URL or email address").fill("https://hooks.example.org/aisma")
    page.get_by_label("level drop").check()
    page.get_by_role("button", name="Add channel").click()
    secret = page.get_by_test_id("new-secret").input_value()
    assert len(secret) >= 32
    assert "level_drop" in page.get_by_test_id("channels").inner_text()
    page.screenshot(path=str(tmp_path / "monitoring.png"), full_page=True)

    page.goto(monitoring)
    assert "hooks.example.org/aisma" in page.get_by_test_id("channels").inner_text()
    assert secret not in page.content()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("schedules").get_by_role("button", name=re.compile(r"^Delete")).click()
    page.wait_for_url(re.compile(r".*msg=schedule-deleted"))
    assert page.get_by_test_id("schedules").count() == 0
    assert "Nothing is scheduled" in page.content()
