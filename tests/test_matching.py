"""The inventory's system index gives exactly the answers of the naive rule (every system's globs tried in
inventory order with ``fnmatchcase``), on generated globs and identifiers, and offers few candidates."""

from __future__ import annotations

from fnmatch import fnmatchcase

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisma.inventory.matching import SystemIndex, find_system, index_for, literal_runs, matches
from aisma.inventory.schema import AISystem

# Pieces chosen so globs and identifiers often meet: runs longer and shorter than the index's pieces,
# every fnmatch wildcard (sets, negated sets, a "[" with no "]"), and letters whose casefold changes
# (the Kelvin sign folds to "k", "ß" to "ss").
GLOB_PIECES = [
    "a",
    "b",
    "ab",
    "abcabc",
    "arn:aws:bedrock:",
    ":agent/",
    "ss",
    "ß",
    "K",
    "\u212a",
    "*",
    "*",
    "?",
    "[ab]",
    "[!a]",
    "[]a]",
    "[",
    "]",
    "-",
]
TEXT_PIECES = ["a", "b", "ab", "abcabc", "arn:aws:bedrock:", ":agent/", "ss", "ß", "SS", "k", "K", "[", "]", "-", "x"]


def naive_first(systems: list[AISystem], identifier: str) -> AISystem | None:
    """The reference: the rule as first written, without the index."""
    value = identifier.casefold()
    for system in systems:
        if value == system.id.casefold() or any(fnmatchcase(value, p.casefold()) for p in system.match):
            return system
    return None


def system(position: int, patterns: list[str], servers: list[str] = ()) -> AISystem:  # type: ignore[assignment]
    return AISystem(
        id=f"s{position}",
        name=f"System {position}",
        track="build",
        deployment_type="paas",
        match=tuple(patterns),
        mcp_servers=tuple(servers),
        environment="retired" if position % 4 == 3 else "production",
    )


globs = st.lists(st.sampled_from(GLOB_PIECES), min_size=1, max_size=6).map("".join)
texts = st.lists(st.sampled_from(TEXT_PIECES), min_size=0, max_size=7).map("".join)


@st.composite
def inventories(draw: st.DrawFn) -> tuple[list[AISystem], list[str]]:
    patterns = draw(st.lists(st.lists(globs, max_size=3), min_size=1, max_size=12))
    systems = [system(i, p) for i, p in enumerate(patterns)]
    identifiers = draw(st.lists(texts, min_size=1, max_size=15))
    # Identifiers that a glob surely matches (its wildcards filled in), and system ids in another case.
    for pattern in [p for ps in patterns for p in ps][:10]:
        filling = draw(texts)
        identifiers.append(pattern.replace("*", filling).replace("?", "a").replace("[ab]", "b").replace("[!a]", "x"))
    identifiers += [s.id.upper() for s in systems[:3]]
    return systems, identifiers


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inventories())
def test_the_index_answers_as_the_naive_rule(case: tuple[list[AISystem], list[str]]) -> None:
    systems, identifiers = case
    index = SystemIndex(systems)
    for identifier in identifiers:
        expected = naive_first(systems, identifier)
        assert index.first(identifier) is expected, identifier
        assert index.first(identifier) is expected  # the cached answer too
        assert index.every(identifier) == tuple(s for s in systems if matches(s, identifier)), identifier
        active = [s for s in systems if s.active]
        assert index.active.first(identifier) is naive_first(active, identifier)
        assert index.retired.first(identifier) is naive_first([s for s in systems if not s.active], identifier)


@given(globs, texts)
def test_every_literal_run_of_a_glob_is_in_what_it_matches(pattern: str, text: str) -> None:
    starts, runs, ends = literal_runs(pattern)
    filled = pattern.replace("*", text).replace("?", "a").replace("[ab]", "b").replace("[!a]", "x")
    if fnmatchcase(filled, pattern):
        position = 0
        for run in runs:
            found = filled.find(run, position)
            assert found >= 0, (pattern, filled, run)
            position = found + len(run)
        assert not starts or filled.startswith(runs[0])
        assert not ends or filled.endswith(runs[-1])


def test_the_first_system_in_inventory_order_wins() -> None:
    systems = [
        system(0, ["arn:aws:bedrock:*:111122223333:agent/*"]),
        system(1, ["arn:aws:bedrock:eu-west-1:111122223333:agent/AGENT1"]),
        system(2, ["*"]),
    ]
    index = SystemIndex(systems)
    arn = "arn:aws:bedrock:eu-west-1:111122223333:agent/agent1"
    assert index.first(arn) is systems[0]
    assert index.every(arn) == tuple(systems)
    assert index.first("S1") is systems[1]  # a system's own id, in any case
    assert index.first("anything") is systems[2]
    assert SystemIndex(systems[1:]).first(arn.upper()) is systems[1]
    assert SystemIndex([]).first(arn) is None


def test_mcp_servers_are_listed_by_name() -> None:
    systems = [system(0, [], ["GitHub"]), system(1, [], ["github", "jira"])]
    index = SystemIndex(systems)
    assert index.listing("github") == tuple(systems)
    assert index.listing("JIRA") == (systems[1],)
    assert index.listing("slack") == ()


def test_an_inventory_is_indexed_once() -> None:
    systems = tuple(system(i, [f"svc-{i}-*"]) for i in range(5))
    index = index_for(systems)
    assert index_for(systems) is index
    assert index_for(index) is index
    assert find_system(systems, "svc-3-prod") is systems[3]
    assert index_for(list(systems)) is not index  # a list may change: not remembered


def test_candidates_grow_with_the_matches_not_with_the_inventory() -> None:
    """2,000 systems, each with ARN globs of its own account and a service glob: an identifier is held
    against a handful of globs, not 4,000 (the cost is identifiers + systems, not their product)."""
    systems = [
        system(
            i,
            [f"arn:aws:bedrock:*:{100000000000 + i}:agent/*", f"service.name=svc-{i:04d}*", f"model-{i % 50}-*"],
        )
        for i in range(2000)
    ]
    index = SystemIndex(systems)
    arn = "arn:aws:bedrock:eu-west-1:100000000777:agent/AGENT0001"
    assert index.first(arn) is systems[777]
    assert len(index._candidates(arn.casefold())) <= 20
    assert index.first("service.name=svc-1234-worker") is systems[1234]
    assert len(index._candidates("service.name=svc-1234-worker")) <= 20
    assert index.first("model-7-large") is systems[7]  # the first of the 40 systems with that glob
