"""Framework posture: the roll-up rule per relationship, its invariants, and the shipped mapping sets."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aisma.errors import InputError
from aisma.frameworks.builtin import SHIPPED, builtin_frameworks, shipped_mapping, shipped_mapping_path
from aisma.frameworks.mapping import RELATIONSHIPS, check_mapping_set, dump_mapping_set, parse_mapping_set
from aisma.frameworks.model import Framework, Requirement
from aisma.frameworks.posture import RANK, ObjectiveLink, children_status, requirement_status
from aisma.maturity.loader import resolve_model

STATUSES = ("met", "unmet", "unknown", "na")


def link(status: str, relationship: str = "subset", value: float | None = None) -> ObjectiveLink:
    shown = value if value is not None else (1.0 if status == "met" else 0.0)
    return ObjectiveLink(
        id="X-1",
        title="x",
        relationship=relationship,
        rationale="",
        status=status,
        applicable=status != "na",
        answer=None,
        value=shown,
        source="attested",
        measurement=None,
        evidence=(),
    )


links = st.lists(
    st.builds(
        link,
        st.sampled_from(STATUSES),
        st.sampled_from(RELATIONSHIPS),
        st.sampled_from((None, 0.0, 0.25, 0.75)),
    ),
    max_size=6,
)


def test_the_rule_per_relationship() -> None:
    assert requirement_status(()) == "unmapped"
    assert requirement_status((link("na"), link("na", "equal"))) == "n-a"
    assert requirement_status((link("met", "equal"), link("unmet"))) == "met"
    assert requirement_status((link("met", "superset"), link("unknown", "subset"))) == "met"
    assert requirement_status((link("met", "subset"), link("met", "subset"))) == "met"
    assert requirement_status((link("met", "subset"), link("unmet", "subset"))) == "partial"
    assert requirement_status((link("met", "intersects"), link("met", "intersects"))) == "partial"
    assert requirement_status((link("met", "subset"), link("met", "intersects"), link("na"))) == "met"
    assert requirement_status((link("unmet", "equal", 0.25),)) == "partial"
    assert requirement_status((link("unmet", "equal"), link("unknown"))) == "gap"


@given(links)
def test_never_met_without_a_met_objective(items: list[ObjectiveLink]) -> None:
    if requirement_status(tuple(items)) == "met":
        assert any(i.status == "met" for i in items)


@given(links)
def test_intersects_alone_is_never_met(items: list[ObjectiveLink]) -> None:
    only = tuple(replace(i, relationship="intersects") for i in items)
    assert requirement_status(only) != "met"


@given(links, st.data())
def test_more_met_objectives_never_lower_a_requirement(items: list[ObjectiveLink], data: st.DataObject) -> None:
    before = requirement_status(tuple(items))
    applicable = [n for n, i in enumerate(items) if i.status in ("unmet", "unknown")]
    if not applicable:
        return
    n = data.draw(st.sampled_from(applicable))
    better = list(items)
    better[n] = replace(items[n], status="met", value=1.0)
    after = requirement_status(tuple(better))
    if before in RANK:
        assert RANK[after] >= RANK[before], (before, after)
    else:
        assert after == before


@given(st.lists(st.sampled_from(("met", "partial", "gap", "n-a", "unmapped")), max_size=6))
def test_a_heading_is_met_only_when_every_counted_child_is(children: list[str]) -> None:
    status = children_status(children)  # type: ignore[arg-type]
    if status == "met":
        assert all(c in ("met", "n-a") for c in children) and "met" in children
    if "met" in children and "partial" not in children and "gap" not in children and "unmapped" not in children:
        assert status == "met"


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_shipped_mapping_sets_hold_every_citation_of_the_model(framework_id: str) -> None:
    model = resolve_model("aisma-core")
    framework = builtin_frameworks()[framework_id]
    mapping = shipped_mapping(model, framework)
    assert mapping is not None
    pairs = {(m.objective, m.requirement) for m in mapping.mappings}
    cited = {(o.id, r) for o in model.objectives() for r in o.references.get(framework_id, ())}
    assert cited and cited <= pairs


@pytest.mark.parametrize("framework_id", SHIPPED)
def test_a_mapping_set_round_trips(framework_id: str, tmp_path: Path) -> None:
    model = resolve_model("aisma-core")
    framework = builtin_frameworks()[framework_id]
    path = shipped_mapping_path("aisma-core", framework_id)
    assert path is not None
    mapping, _ = parse_mapping_set(path, origin="x")
    again = tmp_path / "again.yaml"
    again.write_text(dump_mapping_set(mapping))
    reread, raw = parse_mapping_set(again, origin="x")
    assert reread == mapping
    assert check_mapping_set(reread, raw, again, model, framework) == mapping
    assert again.read_text() == path.read_text()


def _framework() -> Framework:
    return Framework(
        id="fw",
        title="FW",
        source="s",
        license="l",
        requirements=(Requirement("A", "a"), Requirement("A.1", "a1", parent="A")),
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "  - {objective: NOPE-1, requirement: A.1, relationship: subset}\n",
            "m.yaml:9: mappings[0].objective: NOPE-1 is not an objective of aisma-core",
        ),
        (
            "  - {objective: GOV-1.1, requirement: Z.9, relationship: subset}\n",
            "m.yaml:9: mappings[0].requirement: Z.9 is not a requirement of fw",
        ),
        ("  - {objective: GOV-1.1, requirement: A.1, relationship: equals}\n", "m.yaml:9: mapping #1: relationship"),
        (
            "  - {objective: GOV-1.1, requirement: A.1, relationship: subset}\n"
            "  - {objective: GOV-1.1, requirement: A.1, relationship: equal}\n",
            "m.yaml:10: mappings[1]: GOV-1.1 -> A.1 is listed twice",
        ),
    ],
)
def test_bad_mapping_sets_name_file_line_and_field(tmp_path: Path, body: str, expected: str) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "schema: aisma.mapping/v1\nid: t\ntitle: t\nmodel: aisma-core\nframework: fw\nsource: s\nlicense: l\n"
        "mappings:\n" + body
    )
    with pytest.raises(InputError) as info:
        mapping, raw = parse_mapping_set(path)
        check_mapping_set(mapping, raw, path, resolve_model("aisma-core"), _framework())
    assert info.value.message.startswith(expected.replace("m.yaml", str(path))), info.value.message
