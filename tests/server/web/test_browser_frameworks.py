"""Imported frameworks in a real browser: a bad file answered on the page in one line, NIST's SP 800-53
LOW catalog (OSCAL XML) imported without a mapping set, the mapping set uploaded from the table, the
posture and a requirement page shown beside the built-ins, then the import deleted through the
confirmation dialog."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from .conftest import LiveServer, sign_in

pytestmark = pytest.mark.slow  # real chromium against a live server

DATA = Path(__file__).parents[2] / "data" / "oscal-catalog"
CATALOG_XML = DATA / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.xml"
MAPPING_53 = DATA / "aisma-core--sp800-53-low-ac-ir.yaml"


def test_import_a_catalog_and_its_mapping_set_from_the_frameworks_page(
    page: Any, live_server: LiveServer, tmp_path: Path
) -> None:
    dashboard = sign_in(page, live_server)
    page.get_by_role("button", name=re.compile(r"(Run an assessment now|Re-assess now)")).first.click()
    page.wait_for_url(re.compile(r".*msg=assessed"))
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Frameworks").click()
    page.wait_for_url(re.compile(r".*/frameworks$"))
    assert "None yet: only the built-in frameworks are offered." in page.content()

    broken = tmp_path / "broken.xml"
    broken.write_text("<catalog xmlns='http://csrc.nist.gov/ns/oscal/1.0'>\n<group>\n</catalog>\n")
    form = page.get_by_test_id("import-framework")
    form.get_by_label("OSCAL catalog or profile").set_input_files(str(broken))
    form.get_by_role("button", name="Import").click()
    banner = page.locator(".banner.error")
    assert banner.inner_text().strip().startswith("Not imported: broken.xml:3: not well-formed XML")
    assert "/tmp" not in banner.inner_text() and "\n" not in banner.inner_text().strip()

    form = page.get_by_test_id("import-framework")
    form.get_by_label("OSCAL catalog or profile").set_input_files(str(CATALOG_XML))
    form.get_by_label("Framework id (optional)").fill("sp800-53-low")
    form.get_by_role("button", name="Import").click()
    page.wait_for_url(re.compile(r".*framework=sp800-53-low&msg=framework-imported"))
    assert "no mapping set uploaded for sp800-53-low yet" in page.get_by_test_id("no-posture").inner_text()
    table = page.get_by_test_id("imported-frameworks")
    assert "OSCAL catalog" in table.inner_text() and "none yet" in table.inner_text()

    table.get_by_label("Mapping set (.yaml)").set_input_files(str(MAPPING_53))
    table.get_by_role("button", name=re.compile(r"^Upload")).click()
    page.wait_for_url(re.compile(r".*msg=framework-mapping"))
    posture = page.get_by_test_id("framework-posture")
    assert "ac-2" in posture.inner_text() and "AC-02 Account Management" in posture.inner_text()
    assert page.get_by_label("Framework", exact=True).input_value() == "sp800-53-low"
    assert "aisma-core--sp800-53-low-ac-ir" in page.get_by_test_id("imported-frameworks").inner_text()
    page.screenshot(path=str(tmp_path / "frameworks-imported.png"), full_page=True)

    page.get_by_role("link", name="ac-3", exact=True).click()
    page.wait_for_url(re.compile(r".*/frameworks/sp800-53-low/requirement\?id=ac-3"))
    objectives = page.get_by_test_id("requirement-objectives").inner_text()
    assert "INF-1.1" in objectives and "INF-2.1" in objectives

    page.goto(f"{dashboard}/frameworks?framework=eu-ai-act")  # the built-ins are still offered
    assert "Art. 14" in page.get_by_test_id("framework-posture").inner_text()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("imported-frameworks").get_by_role("button", name=re.compile(r"^Delete")).click()
    page.wait_for_url(re.compile(r".*msg=framework-deleted"))
    assert "None yet: only the built-in frameworks are offered." in page.content()
    assert page.locator("option[value='sp800-53-low']").count() == 0
