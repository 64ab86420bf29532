"""The role matrix and the tenant-isolation matrix over every service that takes an actor.

Each case is one service call. For every role it must either succeed or raise ``Forbidden`` as the
matrix says; called by an owner of another organization on this one's objects it must raise
``NotFound`` (or see nothing), never touch them.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from aisma.server.auth import Actor, Role
from aisma.server.errors import Forbidden, NotFound
from aisma.store.db import Database
from aisma.store.repositories import audit as audit_repo
from aisma.web.features.admin import service as tokens
from aisma.web.features.answers import service as answers
from aisma.web.features.assessments import service as assessments
from aisma.web.features.audit import service as audit
from aisma.web.features.evidence import service as evidence
from aisma.web.features.inventory import service as inventory
from aisma.web.features.measurements import service as measurements
from aisma.web.features.organizations import service as accounts
from aisma.web.features.reports import service as reports
from aisma.web.features.transfer import service as transfer

from ..factories import OrgWithMembers

ALL = set(Role)
WRITERS = {Role.OWNER, Role.ASSESSOR}
OWNERS = {Role.OWNER}
SYSTEM = {"id": "sys", "name": "S", "track": "build", "deployment_type": "self_hosted"}
AT = datetime(2026, 11, 16, tzinfo=UTC)
MEASUREMENT = {"metric": "m.x", "observed_at": "2026-11-01T00:00:00Z", "value": 1.0, "provenance": {"tool": "t"}}


@dataclass
class Seeded:
    """Objects that exist in the organization before each call."""

    assessment_id: int
    evidence_id: int
    token_id: int
    viewer_id: int
    store: Path


Call = Callable[[Session, Actor, Seeded], Any]

CASES: dict[str, tuple[set[Role], Call]] = {
    "get_organization": (ALL, lambda s, a, d: accounts.get_organization(s, a)),
    "list_members": (ALL, lambda s, a, d: accounts.list_members(s, a)),
    "set_role": (OWNERS, lambda s, a, d: accounts.set_role(s, a, d.viewer_id, Role.VIEWER)),
    "update_organization": (OWNERS, lambda s, a, d: accounts.update_organization(s, a, name="Renamed")),
    "list_tokens": (OWNERS, lambda s, a, d: tokens.list_tokens(s, a)),
    "revoke_token": (OWNERS, lambda s, a, d: tokens.revoke_token(s, a, d.token_id)),
    "list_answers": (ALL, lambda s, a, d: answers.list_answers(s, a)),
    "get_answer": (ALL, lambda s, a, d: answers.get_answer(s, a, "GOV-1.1")),
    "save_answer": (WRITERS, lambda s, a, d: answers.save_answer(s, a, "GOV-1.1", "fully", expected_version=1)),
    "list_systems": (ALL, lambda s, a, d: inventory.list_systems(s, a)),
    "get_system": (ALL, lambda s, a, d: inventory.get_system(s, a, "sys")),
    "update_system": (WRITERS, lambda s, a, d: inventory.update_system(s, a, "sys", SYSTEM, expected_version=1)),
    "delete_system": (WRITERS, lambda s, a, d: inventory.delete_system(s, a, "sys", expected_version=1)),
    "list_evidence": (ALL, lambda s, a, d: evidence.list_evidence(s, a)),
    "get_evidence": (ALL, lambda s, a, d: evidence.get_evidence(s, a, d.evidence_id)),
    "evidence_path": (ALL, lambda s, a, d: evidence.evidence_path(s, a, d.store, d.evidence_id)),
    "store_evidence": (
        {Role.OWNER, Role.ASSESSOR, Role.CONTRIBUTOR},
        lambda s, a, d: evidence.store_evidence(s, a, d.store, "n.md", io.BytesIO(b"n"), 10),
    ),
    "push": (WRITERS, lambda s, a, d: measurements.push(s, a, [MEASUREMENT])),
    "list_measurements": (ALL, lambda s, a, d: measurements.list_measurements(s, a)),
    "run_assessment": (WRITERS, lambda s, a, d: assessments.run_assessment(s, a, AT)),
    "list_assessments": (ALL, lambda s, a, d: assessments.list_assessments(s, a)),
    "get_assessment": (ALL, lambda s, a, d: assessments.get_assessment(s, a, d.assessment_id)),
    "latest_assessment": (ALL, lambda s, a, d: assessments.latest_assessment(s, a)),
    "trend": (ALL, lambda s, a, d: assessments.trend(s, a)),
    "render_report": (ALL, lambda s, a, d: reports.render_report(s, a, d.assessment_id, "md")),
    "audit_recent": (ALL, lambda s, a, d: audit.recent(s, a)),
    "export_workspace": (OWNERS, lambda s, a, d: transfer.export_workspace(s, a, d.store.parent / "export", d.store)),
}


def _seed(database: Database, org: OrgWithMembers, store: Path) -> Seeded:
    owner = org.actors[Role.OWNER]
    with database.transaction() as s:
        answers.save_answer(s, owner, "GOV-1.1", "partially")
        inventory.create_system(s, owner, SYSTEM)
        record = evidence.store_evidence(s, owner, store, "e.md", io.BytesIO(b"e"), 10)
        token, _ = tokens.create_token(s, owner, "t", ["read"], None)
        run = assessments.run_assessment(s, owner, AT)
    return Seeded(run.id, record.id, token.id, org.user_ids[Role.VIEWER], store)


def test_role_matrix(database: Database, org_a: OrgWithMembers, tmp_path: Path) -> None:
    """Every case for every role; each call is rolled back so every role meets the same objects."""
    seeded = _seed(database, org_a, tmp_path / "store")
    wrong: list[str] = []
    for case, (allowed, call) in sorted(CASES.items()):
        for role in Role:
            with database.transaction(readonly=True) as s:
                try:
                    call(s, org_a.actors[role], seeded)
                    outcome = "allowed"
                except Forbidden:
                    outcome = "forbidden"
            if (outcome == "allowed") != (role in allowed):
                wrong.append(f"{case} as {role.value}: {outcome}")
    assert wrong == []


EMPTY_FOR_OTHERS = {"list_members", "list_answers", "list_systems", "list_evidence", "list_measurements"}
EMPTY_FOR_OTHERS |= {"list_assessments", "latest_assessment", "trend", "audit_recent", "list_tokens"}
OWN_ORG_ONLY = {"get_organization", "update_organization", "push", "run_assessment", "store_evidence"}
OWN_ORG_ONLY |= {"export_workspace"}


def test_isolation_matrix(database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers, tmp_path: Path) -> None:
    """An owner of org A calling with B's ids gets NotFound, or sees only A (which is empty here)."""
    seeded_b = _seed(database, org_b, tmp_path / "store")
    owner_a = org_a.actors[Role.OWNER]
    for case, (_, call) in sorted(CASES.items()):
        with database.transaction(readonly=True) as s:  # rolled back: cases do not see each other
            if case in OWN_ORG_ONLY:
                call(s, owner_a, seeded_b)  # acts on A by construction: nothing of B is reachable
            elif case in EMPTY_FOR_OTHERS:
                seen = call(s, owner_a, seeded_b)
                if case == "list_members":
                    assert {m.email for m in seen} == set(org_a.emails.values()), case
                elif case == "audit_recent":
                    a_seqs = {e.seq for e in audit_repo.for_org(s, org_a.org_id, 10_000)}
                    assert seen and {entry.seq for entry in seen} <= a_seqs, case
                else:
                    assert not seen, case
            else:
                with pytest.raises(NotFound):
                    call(s, owner_a, seeded_b)
                    pytest.fail(f"{case} reached org B's object")
    b_viewer = org_b.actors[Role.VIEWER]
    with database.transaction(readonly=True) as s:  # B's objects are untouched
        assert answers.get_answer(s, b_viewer, "GOV-1.1").version == 1
        assert inventory.get_system(s, b_viewer, "sys").version == 1
        assert accounts.get_organization(s, b_viewer).name == "Org-B"
        assert [t.revoked for t in tokens.list_tokens(s, org_b.actors[Role.OWNER])] == [False]
        assert {m.role for m in accounts.list_members(s, b_viewer)} == set(Role)
