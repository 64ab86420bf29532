"""Measurements keep their entity ids (a union merge after reload); observed AI assets reach discovery."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from aisma.client import wire
from aisma.scoring.inputs import Source, entity_ratio
from aisma.server.auth import Role
from aisma.server.errors import Forbidden, Invalid
from aisma.store.db import Database
from aisma.web.features.assessments import service as assessments
from aisma.web.features.audit import service as audit
from aisma.web.features.inventory import service as inventory
from aisma.web.features.measurements import observed
from aisma.web.features.measurements import service as measurements

from ..factories import OrgWithMembers

AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
METRIC = "redteam.multi_turn.coverage"
SYSTEMS = ("bot-a", "bot-b", "bot-c", "bot-d")


def _share(tool: str, covered: tuple[str, ...]) -> dict[str, Any]:
    source = Source(tool=tool, file=f"evidence/{tool}/run.json")
    return wire.measurement_to_dict(entity_ratio(METRIC, covered, SYSTEMS, AT, source))


def _asset(identifier: str, **overrides: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"kind": "model", "identifier": identifier, "tool": "otel", "file": "evidence/otel/t.json"}
    item.update(overrides)
    return item


def test_two_tools_shares_merge_as_a_union_after_reload(database: Database, org_a: OrgWithMembers) -> None:
    """garak covers a, b; promptfoo covers b, c: 3 of 4 systems, not (2 + 2) / (4 + 4)."""
    from aisma.scoring.objectives import merge

    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        measurements.push(s, assessor, [_share("garak", ("bot-a", "bot-b")), _share("promptfoo", ("bot-c", "bot-b"))])
    with database.transaction(readonly=True) as s:
        current = measurements.current_measurements(s, org_a.org_id)
        listed = measurements.list_measurements(s, assessor)
    assert {m.source.tool: m.covered for m in current} == {"garak": ("bot-a", "bot-b"), "promptfoo": ("bot-b", "bot-c")}
    assert all(m.population == SYSTEMS for m in current)
    merged = merge(current)
    assert merged is not None and (merged.numerator, merged.denominator) == (3.0, 4.0)
    assert {row.provenance["tool"]: row.covered for row in listed}["garak"] == ["bot-a", "bot-b"]


def test_measurements_without_ids_still_sum(database: Database, org_a: OrgWithMembers) -> None:
    from aisma.scoring.objectives import merge

    assessor = org_a.actors[Role.ASSESSOR]
    plain = {**_share("garak", ("bot-a", "bot-b")), "population": None, "covered": None}
    with database.transaction() as s:
        measurements.push(s, assessor, [plain, _share("promptfoo", ("bot-c", "bot-b"))])
        current = measurements.current_measurements(s, org_a.org_id)
    merged = merge(current)
    assert merged is not None and (merged.numerator, merged.denominator) == (4.0, 8.0)


@pytest.mark.parametrize(
    ("overrides", "match"),
    [
        ({"covered": None}, "population and covered come together"),
        ({"covered": ["bot-z"], "numerator": 1.0}, "subset of population"),
        ({"numerator": 2.0}, "count covered and population"),
        ({"population": ["x"] * 5001}, "population"),
    ],
)
def test_entity_ids_are_checked(
    database: Database, org_a: OrgWithMembers, overrides: dict[str, Any], match: str
) -> None:
    with database.transaction() as s, pytest.raises(Invalid, match=match):
        measurements.push(s, org_a.actors[Role.ASSESSOR], [{**_share("garak", ("bot-a",)), **overrides}])


def test_observed_assets_are_replaced_per_source_and_found_as_shadow_ai(
    database: Database, org_a: OrgWithMembers
) -> None:
    owner, assessor = org_a.actors[Role.OWNER], org_a.actors[Role.ASSESSOR]
    system = {"id": "bot", "name": "Bot", "track": "copilot", "deployment_type": "api_saas", "owner": "a@b.example"}
    seen = datetime(2026, 11, 15, tzinfo=UTC).isoformat()
    with database.transaction() as s:
        inventory.create_system(s, owner, system)
        observed.replace_observed(s, assessor, [_asset("gpt-old", last_seen=seen)], "ci")
        observed.replace_observed(s, assessor, [_asset("shadow-llm", last_seen=seen, count=7)], "ci")
        observed.replace_observed(s, assessor, [_asset("other-llm", tool="mcp-scan", last_seen=seen)])
    with database.transaction() as s:
        stored = observed.current_observed(s, org_a.org_id)
        rows = observed.list_observed(s, org_a.actors[Role.VIEWER])
        run = assessments.run_assessment(s, assessor, AT)
        result = assessments.get_assessment(s, assessor, run.id).result
        entries = [e for e in audit.recent(s, owner) if e.action == "observed.replace"]
    assert sorted(a.identifier for a in stored) == ["other-llm", "shadow-llm"]  # "ci" replaced gpt-old
    assert {r.source for r in rows} == {"ci", assessor.label} and {r.pushed_by for r in rows} == {assessor.label}
    assert next(a for a in stored if a.identifier == "shadow-llm").count == 7
    flagged = str(result["unregistered_ai"])
    assert "shadow-llm" in flagged and "other-llm" in flagged and "gpt-old" not in flagged
    assert len(entries) == 3 and entries[0].after == {"count": 1, "tools": ["mcp-scan"]}


def test_observed_push_is_validated_all_or_nothing(database: Database, org_a: OrgWithMembers) -> None:
    assessor = org_a.actors[Role.ASSESSOR]
    with database.transaction() as s:
        observed.replace_observed(s, assessor, [_asset("kept")], "ci")
    bad = [
        ([_asset("x"), _asset("y", kind="database")], r"observed\[1\].kind"),
        ([_asset("x", last_seen="2026-11-15T00:00:00")], "time ?zone"),
        ([_asset("")], r"observed\[0\].identifier"),
        ([_asset("x", count=0)], "count"),
        ([_asset(str(i)) for i in range(observed.MAX_ASSETS + 1)], "at most"),
    ]
    for items, match in bad:
        with database.transaction() as s, pytest.raises(Invalid, match=match):
            observed.replace_observed(s, assessor, items, "ci")
    with database.transaction(readonly=True) as s:
        assert [a.identifier for a in observed.current_observed(s, org_a.org_id)] == ["kept"]


def test_observed_needs_push_rights_and_stays_in_its_organization(
    database: Database, org_a: OrgWithMembers, org_b: OrgWithMembers
) -> None:
    with database.transaction() as s:
        observed.replace_observed(s, org_a.actors[Role.ASSESSOR], [_asset("a-only")], "ci")
        measurements.push(s, org_a.actors[Role.ASSESSOR], [_share("garak", ("bot-a",))])
        # B pushing under the same source name replaces only B's assets.
        observed.replace_observed(s, org_b.actors[Role.ASSESSOR], [], "ci")
        for role in (Role.VIEWER, Role.CONTRIBUTOR):
            with pytest.raises(Forbidden):
                observed.replace_observed(s, org_a.actors[role], [_asset("x")], "ci")
    with database.transaction(readonly=True) as s:
        assert observed.list_observed(s, org_b.actors[Role.OWNER]) == []
        assert observed.current_observed(s, org_b.org_id) == ()
        assert measurements.current_measurements(s, org_b.org_id) == ()
        assert [a.identifier for a in observed.current_observed(s, org_a.org_id)] == ["a-only"]
