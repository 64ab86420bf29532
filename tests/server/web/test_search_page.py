"""The global search box in-process, on SQLite and PostgreSQL: one query finds objectives, answers,
systems, evidence, findings and metrics of the member's organization, and nothing of another's."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from aisma.server.auth import Role
from aisma.server.storage import store_for
from aisma.store.db import Database
from aisma.web.features.answers import service as answers
from aisma.web.features.evidence import service as evidence
from aisma.web.features.findings import service as findings
from aisma.web.features.findings.schemas import RemarkIn
from aisma.web.features.inventory import service as inventory

from ..factories import OrgWithMembers
from .page_helpers import page_client, sign_in_form, title_of


@pytest.fixture
def client(tmp_path: Path, database_url: str) -> Iterator[TestClient]:
    with page_client(tmp_path, database_url) as test_client:
        yield test_client


def seed(database: Database, org: OrgWithMembers, word: str, store_dir: Path) -> None:
    with database.transaction() as session:
        owner = org.actors[Role.OWNER]
        answers.save_answer(session, owner, "GOV-1.1", "largely", note=f"{word} board minutes")
        system = {"id": f"{word}-bot", "name": f"{word.title()} bot", "track": "build", "deployment_type": "paas"}
        inventory.create_system(session, owner, system)
        evidence.store_evidence(session, owner, store_for(store_dir, None), f"{word}-policy.md", io.BytesIO(b"x"), 10)
        findings.create_remark(session, owner, RemarkIn(title=f"{word} remark from the auditor"))


def test_one_query_finds_everything_of_the_organization_and_nothing_else(
    client: TestClient, database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers, tmp_path: Path
) -> None:
    seed(database, org_a, "zephyr", tmp_path / "ev")
    seed(database, org_b, "zephyrine", tmp_path / "ev")  # B's words contain A's: a leak would show
    sign_in_form(client, org_a.emails[Role.VIEWER])
    page = client.get(f"/orgs/{org_a.slug}/search", params={"q": "ZEPHYR"})
    assert page.status_code == 200 and title_of(page.text) == "Search: ZEPHYR · Org-A · aisma"
    text = page.text
    for expected in ("Answers (1)", "AI systems (1)", "Evidence (1)", "Findings (1)", "zephyr-policy.md", "Zephyr bot"):
        assert expected in text, expected
    assert "zephyrine" not in text.casefold()
    assert 'href="/orgs/org-a/questionnaire/GOV#obj-GOV-1.1"' in text
    objectives = client.get(f"/orgs/{org_a.slug}/search", params={"q": "GOV-1."}).text
    assert "Objectives (" in objectives and "GOV-1.1 " in objectives
    header = client.get(f"/orgs/{org_a.slug}/reviews").text
    assert 'action="/orgs/org-a/search"' in header  # the box on every page of the organization
    assert client.get(f"/orgs/{org_b.slug}/search", params={"q": "zephyr"}).status_code == 404
    empty = client.get(f"/orgs/{org_a.slug}/search").text
    assert "Type what you look for" in empty
