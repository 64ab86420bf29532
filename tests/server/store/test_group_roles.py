"""``AISMA_OIDC_GROUP_ROLES`` parsing and the group -> role choice, as properties: any list of
well-formed entries reads back as written; anything else is a ValueError naming the entry; the role
a member gets in an organization is the highest any of their groups gives there."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisma.server.auth import Role
from aisma.server.settings import ROLES, GroupRole, parse_group_roles
from aisma.store.db import Database
from aisma.web.features.organizations import service as accounts

from ..factories import OrgWithMembers

NAME = st.text(
    st.characters(blacklist_characters=",:=", blacklist_categories=("Cs", "Cc", "Zs", "Zl", "Zp")),
    min_size=1,
    max_size=12,
)
ENTRY = st.builds(GroupRole, group=NAME, org=NAME, role=st.sampled_from(ROLES))


@given(st.lists(ENTRY, max_size=6))
def test_well_formed_mappings_read_back(entries: list[GroupRole]) -> None:
    text = ", ".join(f"{e.group}={e.org}:{e.role}" for e in entries)
    assert parse_group_roles(text) == entries


@given(st.text(max_size=40))
def test_anything_else_is_a_value_error_or_a_mapping(text: str) -> None:
    try:
        parsed = parse_group_roles(text)
    except ValueError as exc:
        assert str(exc).startswith("AISMA_OIDC_GROUP_ROLES entry ")
    else:
        assert all(e.role in ROLES and e.group and e.org for e in parsed)


@pytest.mark.parametrize(
    ("groups", "expected"),
    [
        ((), None),
        (("viewers",), Role.VIEWER),
        (("viewers", "assessors"), Role.ASSESSOR),
        (("contributors", "viewers", "owners"), Role.OWNER),
        (("unmapped",), None),
    ],
)
def test_the_highest_role_wins(
    database: Database, org_a: OrgWithMembers, groups: tuple[str, ...], expected: Role | None
) -> None:
    mapping = parse_group_roles(
        "viewers=org-a:viewer, owners=org-a:owner, assessors=org-a:assessor, contributors=org-a:contributor"
    )
    with database.transaction() as session:
        user = accounts.create_user(session, "sso@example.org", None)
        accounts.sync_oidc_memberships(session, user, groups, mapping)
        roles = {org.slug: role for org, role in accounts.organizations_of(session, user.id)}
    assert roles.get("org-a") == expected
