"""axe-core over every page of the web app in a real chromium: no serious or critical violation.

axe-core (tests/server/web/axe/, MPL-2.0, vendored from the npm registry with its license; see SOURCE
there) is served to the browser from the live server's own origin by Playwright's request routing,
so the pages' Content-Security-Policy (``script-src 'self'``) holds as for any user and no CDN is
reached. The organization is the bundled example bank, imported as ``aisma server import`` does,
assessed, with findings derived and evidence dates set, so every page shows real content: lists,
forms, pills, tables, the error pages and the login form.

``test_every_page_route_is_checked`` enumerates the app's page routes and fails on one that is
neither visited below nor listed as not a page (a download, a redirect): a new page gets an entry.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from aisma.examples import write_example
from aisma.server.auth import Role
from aisma.server.settings import ServerSettings
from aisma.store.db import Database
from aisma.store.repositories import evidence as evidence_repo
from aisma.store.repositories import systems as systems_repo
from aisma.store.repositories import users
from aisma.store.types import utcnow
from aisma.web.app import create_app
from aisma.web.features.assessments import service as assessments
from aisma.web.features.evidence import service as evidence
from aisma.web.features.evidence.schemas import EvidenceDates
from aisma.web.features.findings import service as findings
from aisma.web.features.invitations import service as invitations
from aisma.web.features.organizations import service as accounts
from aisma.web.features.transfer.service import import_workspace

from ..api.test_tenant_isolation import all_routes
from .conftest import LiveServer, start_server, stop_server

pytestmark = pytest.mark.slow  # real chromium against a live server, the example imported and assessed

AXE = Path(__file__).parent / "axe" / "axe.min.js"
AXE_PATH = "/__axe__/axe.min.js"  # answered by the test's route, never by the server
ORG = "bank"
FAILING_IMPACTS = ("serious", "critical")

# Page routes that render no page of their own: files, redirects, the identity provider's round trip.
NOT_PAGES = {
    "/favicon.ico",
    "/auth/oidc/login",
    "/auth/oidc/callback",
    "/orgs/{org}/reports/jobs/{job_id}/file",
    "/orgs/{org}/reports/{assessment_id}/report.{fmt}",
}
# Every page route and the path the test opens for it ({...} filled from the seeded organization).
PAGES = {
    "/": "/",
    "/login": "/login",
    "/account/password": "/account/password",
    "/orgs/{org}": "/orgs/bank",
    "/orgs/{org}/questionnaire": "/orgs/bank/questionnaire",
    "/orgs/{org}/questionnaire/{category}": "/orgs/bank/questionnaire/GOV",
    "/orgs/{org}/reviews": "/orgs/bank/reviews",
    "/orgs/{org}/inventory": "/orgs/bank/inventory",
    "/orgs/{org}/inventory/{system_id}": "/orgs/bank/inventory/{system_id}",
    "/orgs/{org}/inventory/{system_id}/autonomy": "/orgs/bank/inventory/{system_id}/autonomy",
    "/orgs/{org}/measurements": "/orgs/bank/measurements",
    "/orgs/{org}/evidence": "/orgs/bank/evidence",
    "/orgs/{org}/evidence/{evidence_id:int}": "/orgs/bank/evidence/{evidence_id}",
    "/orgs/{org}/findings": "/orgs/bank/findings",
    "/orgs/{org}/roadmap": "/orgs/bank/roadmap",
    "/orgs/{org}/frameworks": "/orgs/bank/frameworks",
    "/orgs/{org}/frameworks/{framework}/requirement": "{requirement}",
    "/orgs/{org}/reports": "/orgs/bank/reports",
    "/orgs/{org}/monitoring": "/orgs/bank/monitoring",
    "/orgs/{org}/audit": "/orgs/bank/audit",
    "/orgs/{org}/admin": "/orgs/bank/admin",
    "/orgs/{org}/search": "/orgs/bank/search?q=model",
    "/orgs/{org}/workbook": "/orgs/bank/workbook",
    "/orgs": "/orgs",
    "/my-work": "/my-work",
    "/orgs/{org}/my-work": "/orgs/bank/my-work",
    "/orgs/{org}/work/{subject}/{item_id}": "/orgs/bank/work/objective/GOV-1.1",
    "/invite/{token}": "/invite/{invite_token}",
}
# The error pages, in the site's layout.
ERRORS = {"404": "/orgs/bank/no-such-page", "422": "/orgs/bank/findings?status=maybe"}


def page_routes() -> set[str]:
    app = create_app(ServerSettings(data_dir=Path("/nonexistent-aisma-data"), secret_key="x" * 32))
    return {
        path for methods, path, _ in all_routes(app) if "GET" in methods and not path.startswith(("/api/", "/static"))
    }


def test_every_page_route_is_checked() -> None:
    unlisted = page_routes() - set(PAGES) - NOT_PAGES
    assert unlisted == set(), f"pages without an accessibility check: add them to PAGES in {__name__}"
    assert set(PAGES) - page_routes() == set(), "PAGES names routes the app no longer has"


def _seed(server: LiveServer, tmp: Path) -> dict[str, str]:
    """The example bank imported and owned by the admin, assessed, findings derived, evidence dated."""
    workspace = tmp / "bank"
    write_example(workspace, overwrite_demo=False)
    settings = ServerSettings(data_dir=server.data_dir)
    database = Database(settings.database_url)
    try:
        with database.transaction() as session:
            admin = users.get_by_email(session, server.email)
            assert admin is not None
            import_workspace(session, workspace, ORG, settings.evidence_path, by=server.email, owner=admin)
        with database.transaction() as session:
            admin = users.get_by_email(session, server.email)
            assert admin is not None
            actor = accounts.actor_for(session, admin, ORG)
            assessments.run_assessment(session, actor)
        with database.transaction() as session:
            findings.derive(session, actor)
            files = evidence_repo.list_for_org(session, actor.org_id)
            today = utcnow().date()
            for row, days in zip(files[:2], (-3, 10), strict=True):  # one expired, one expiring
                dates = EvidenceDates(expires_on=today + timedelta(days=days), revision=row.revision)
                evidence.set_dates(session, actor, row.id, dates)
            system_id = systems_repo.list_for_org(session, actor.org_id)[0].system_id
            invited = invitations.invite(session, actor, "new.member@example.test", Role.VIEWER, 72, by_email=False)
            return {"system_id": system_id, "evidence_id": str(files[0].id), "invite_token": invited.token}
    finally:
        database.dispose()


@pytest.fixture(scope="module")
def bank_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, dict[str, str]]]:
    from .conftest import ADMIN_EMAIL, ADMIN_PASSWORD

    data_dir = tmp_path_factory.mktemp("aisma-a11y")
    process, url = start_server(data_dir)
    try:
        server = LiveServer(url=url, data_dir=data_dir, email=ADMIN_EMAIL, password=ADMIN_PASSWORD)
        yield server, _seed(server, tmp_path_factory.mktemp("workspace"))
    finally:
        stop_server(process)


RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " :: " + (n.failureSummary || "").split("\\n").slice(1, 2).join(""))}));
}"""


def _violations(tab: Any, origin: str) -> list[dict[str, Any]]:
    tab.add_script_tag(url=origin + AXE_PATH)
    found: list[dict[str, Any]] = tab.evaluate(RUN_AXE)
    return [v for v in found if v["impact"] in FAILING_IMPACTS]


def _requirement_url(tab: Any, server: LiveServer) -> str:
    """A requirement page reached as a user does: from the Frameworks page to a framework's posture."""
    tab.goto(f"{server.url}/orgs/{ORG}/frameworks")
    link = tab.locator("a[href*='/requirement?id=']").first
    if link.count() == 0:
        tab.locator("main a[href*='/frameworks?']").first.click()
        tab.wait_for_load_state()
        link = tab.locator("a[href*='/requirement?id=']").first
    return str(link.get_attribute("href"))


def test_no_serious_violation_on_any_page(
    page: Any, bank_server: tuple[LiveServer, dict[str, str]], tmp_path: Path
) -> None:
    server, ids = bank_server
    page.context.route(
        f"{server.url}{AXE_PATH}", lambda route: route.fulfill(path=str(AXE), content_type="text/javascript")
    )
    failures: list[str] = []
    checked: list[str] = []

    def check(name: str, path: str, status: int | None = None) -> None:
        response = page.goto(f"{server.url}{path}" if path.startswith("/") else path)
        assert response is not None
        if status is not None:
            assert response.status == status, f"{path}: {response.status}"
        else:
            assert response.ok, f"{path}: {response.status}"
        shot = re.sub(r"[^A-Za-z0-9-]+", "_", name).strip("_") or "home"
        page.screenshot(path=str(tmp_path / f"{shot}.png"), full_page=True)
        for v in _violations(page, server.url):
            failures.append(f"{path}: {v['impact']} {v['id']} ({v['help']}): {json.dumps(v['nodes'])}")
        checked.append(path)

    check("login", "/login")  # signed out
    page.get_by_label("Email").fill(server.email)
    page.get_by_label("Password").fill(server.password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)  # the admin has two organizations: the start page
    values = {**ids, "requirement": _requirement_url(page, server)}
    for width, height in ((1280, 900), (390, 844)):  # a desktop, then a phone (tables stack into cards)
        page.set_viewport_size({"width": width, "height": height})
        for route, path in PAGES.items():
            if route != "/login":
                check(f"{width}{route}", path.format(**values))
        for code, path in ERRORS.items():
            check(f"{width}-error-{code}", path, int(code))
    assert len(checked) == 1 + 2 * (len(PAGES) - 1 + len(ERRORS))
    assert failures == [], "\n".join(failures)
