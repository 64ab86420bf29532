"""Evidence uploads (size limit, sha256, safe names) and measurement pushes."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aisma.server.auth import Role
from aisma.server.errors import Forbidden, Invalid, NotFound, TooLarge
from aisma.store.db import Database
from aisma.web.features.evidence import service as evidence
from aisma.web.features.measurements import service as measurements

from ..factories import OrgWithMembers


def test_store_hashes_streams_and_replaces(database: Database, org_a: OrgWithMembers, tmp_path: Path) -> None:
    contributor = org_a.actors[Role.CONTRIBUTOR]
    data = b"x" * (3 * evidence.CHUNK + 17)
    with database.transaction() as s:
        first = evidence.store_evidence(s, contributor, tmp_path, "reviews/r.md", io.BytesIO(data), len(data))
    assert first.sha256 == hashlib.sha256(data).hexdigest() and first.size == len(data)
    with database.transaction() as s:
        second = evidence.store_evidence(s, contributor, tmp_path, "reviews/r.md", io.BytesIO(b"v2"), 100)
        record, path = evidence.evidence_path(s, org_a.actors[Role.VIEWER], tmp_path, second.id)
        assert [e.filename for e in evidence.list_evidence(s, org_a.actors[Role.VIEWER])] == ["reviews/r.md"]
    assert second.id == first.id and record.sha256 == hashlib.sha256(b"v2").hexdigest()
    assert path.read_bytes() == b"v2"
    assert (tmp_path / f"{org_a.org_id}/{first.sha256[:2]}/{first.sha256}").read_bytes() == data  # old bytes kept


def test_size_limit_keeps_nothing(database: Database, org_a: OrgWithMembers, tmp_path: Path) -> None:
    store = tmp_path / "store"
    with database.transaction() as s, pytest.raises(TooLarge):
        evidence.store_evidence(s, org_a.actors[Role.OWNER], store, "big.bin", io.BytesIO(b"y" * 101), 100)
    assert [p for p in store.rglob("*") if p.is_file()] == []
    with database.transaction(readonly=True) as s:
        assert evidence.list_evidence(s, org_a.actors[Role.OWNER]) == []


@pytest.mark.parametrize("name", ["../escape.md", "/etc/passwd", "a/../../b", "", "C:/x", "a\x00b", "a/./b"])
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(Invalid, match="filename"):
        evidence.clean_filename(name)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=60))
def test_clean_names_never_leave_the_folder(name: str) -> None:
    try:
        cleaned = evidence.clean_filename(name)
    except Invalid:
        return
    root = Path("/srv/evidence")
    assert (root / cleaned).resolve().is_relative_to(root)
    assert evidence.clean_filename(cleaned) == cleaned


def test_viewers_cannot_upload_and_orgs_are_isolated(
    database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers, tmp_path: Path
) -> None:
    with database.transaction() as s:
        with pytest.raises(Forbidden):
            evidence.store_evidence(s, org_a.actors[Role.VIEWER], tmp_path, "a.md", io.BytesIO(b"a"), 10)
        theirs = evidence.store_evidence(s, org_b.actors[Role.OWNER], tmp_path, "a.md", io.BytesIO(b"b"), 10)
    with database.transaction(readonly=True) as s:
        with pytest.raises(NotFound):
            evidence.get_evidence(s, org_a.actors[Role.OWNER], theirs.id)
        with pytest.raises(NotFound):
            evidence.evidence_path(s, org_a.actors[Role.OWNER], tmp_path, theirs.id)
        assert evidence.list_evidence(s, org_a.actors[Role.OWNER]) == []


def _item(**overrides: object) -> dict[str, object]:
    item: dict[str, object] = {
        "metric": "redteam.attack_success_rate",
        "observed_at": "2026-11-10T08:00:00+00:00",
        "numerator": 3,
        "denominator": 100,
        "provenance": {"tool": "garak", "version": "0.14.0", "file": "evidence/garak/r.jsonl", "sha256": "a" * 64},
        "details": ["probe x: 3/100"],
    }
    item.update(overrides)
    return item


def test_push_validates_and_keeps_the_latest_per_source(database: Database, org_a: OrgWithMembers) -> None:
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        assert measurements.push(s, assessor, [_item(), _item(observed_at="2026-11-12T08:00:00Z", numerator=1)]) == 2
        with pytest.raises(Invalid, match=r"measurements\[0\].observed_at"):
            measurements.push(s, assessor, [_item(observed_at="2026-11-10T08:00:00")])
        with pytest.raises(Invalid, match=r"measurements\[1\]"):
            measurements.push(s, assessor, [_item(), _item(numerator=None, value=None)])
        with pytest.raises(Invalid, match="sha256"):
            measurements.push(s, assessor, [_item(provenance={"tool": "x", "sha256": "nothex"})])
    with database.transaction(readonly=True) as s:
        assert len(measurements.list_measurements(s, org_a.actors[Role.VIEWER])) == 2
        current = measurements.current_measurements(s, org_a.org_id)
    assert len(current) == 1 and current[0].numerator == 1 and current[0].source.tool == "garak"


@pytest.mark.parametrize("role", [Role.CONTRIBUTOR, Role.VIEWER])
def test_push_needs_assessor(database: Database, org_a: OrgWithMembers, role: Role) -> None:
    with database.transaction() as s, pytest.raises(Forbidden):
        measurements.push(s, org_a.actors[role], [_item()])


def test_push_token_scope(database: Database, org_a: OrgWithMembers) -> None:
    from aisma.web.features.admin import service as tokens

    with database.transaction() as s:
        _, push_token = tokens.create_token(s, org_a.actors[Role.OWNER], "edge", ["push"], None)
        _, read_token = tokens.create_token(s, org_a.actors[Role.OWNER], "dash", ["read"], None)
    with database.transaction() as s:
        pusher, reader = tokens.resolve_token(s, push_token), tokens.resolve_token(s, read_token)
        assert pusher is not None and reader is not None
        assert measurements.push(s, pusher, [_item()]) == 1
        with pytest.raises(Forbidden, match="token scopes read"):
            measurements.push(s, reader, [_item()])
        with pytest.raises(Forbidden):
            measurements.list_measurements(s, pusher)  # push scope cannot read
