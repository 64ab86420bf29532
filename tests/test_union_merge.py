"""Shares of entities measured by two tools merge as a union of entities, other ratios by summing.

garak and promptfoo both measure which systems were red-teamed recently; mcp-scan and Cisco's
scanner both measure which MCP servers were scanned. Summing their numerators and denominators
averages the two shares and counts a system twice; the union counts each system once.
"""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from aisma.collectors.mcp_scan.coverage import SCANNED, ServerScan, coverage
from aisma.scoring.inputs import MAX_ENTITIES, Source, entity_ratio, ratio
from aisma.scoring.objectives import merge

WHEN = datetime(2026, 11, 10, tzinfo=UTC)
GARAK = Source(tool="garak", file="evidence/garak/a.report.jsonl")
PROMPTFOO = Source(tool="promptfoo", file="evidence/promptfoo/b.json")
RECENT = "redteam.systems.recent_ratio"
SYSTEMS = ["ask-northbridge", "compass-assistant", "fraud-triage-agent", "genai-gateway", "kyc-doc-extraction"]


def missing(covered: list[str], population: list[str]) -> list[str]:
    return [f"{s}: no red-team run in the last 90 days" for s in population if s not in covered]


def test_two_tools_covering_overlapping_systems_count_each_system_once() -> None:
    garak_covered = ["ask-northbridge", "compass-assistant", "fraud-triage-agent"]
    promptfoo_covered = ["compass-assistant", "genai-gateway"]
    parts = [
        entity_ratio(RECENT, garak_covered, SYSTEMS, WHEN, GARAK, missing(garak_covered, SYSTEMS)),
        entity_ratio(RECENT, promptfoo_covered, SYSTEMS, WHEN, PROMPTFOO, missing(promptfoo_covered, SYSTEMS)),
    ]
    merged = merge(parts)
    assert merged is not None
    # Summing would say (3 + 2) / (5 + 5) = 0.5; four of the five systems were red-teamed.
    assert (merged.numerator, merged.denominator, merged.value) == (4.0, 5.0, 0.8)
    # Only the system no tool covered is still named as failing.
    assert merged.details == ("kyc-doc-extraction: no red-team run in the last 90 days",)


def test_union_of_populations_when_the_tools_see_different_systems() -> None:
    """Multi-turn coverage: each tool's population is the systems it tested."""
    parts = [
        entity_ratio("redteam.multiturn.coverage_ratio", ["a"], ["a", "b"], WHEN, GARAK),
        entity_ratio("redteam.multiturn.coverage_ratio", ["c"], ["b", "c"], WHEN, PROMPTFOO),
    ]
    merged = merge(parts)
    assert merged is not None
    assert (merged.numerator, merged.denominator) == (2.0, 3.0)


def test_parts_without_entity_ids_merge_by_summing() -> None:
    with_ids = entity_ratio(RECENT, ["a"], ["a", "b"], WHEN, GARAK)
    without = ratio(RECENT, 1, 2, WHEN, PROMPTFOO)
    merged = merge([with_ids, without])
    assert merged is not None
    assert (merged.numerator, merged.denominator) == (2.0, 4.0)
    assert merge([ratio("m", 1, 4, WHEN, GARAK), ratio("m", 3, 4, WHEN, PROMPTFOO)]).numerator == 4.0  # type: ignore[union-attr]


def test_a_population_too_large_keeps_no_ids() -> None:
    population = [f"s{i}" for i in range(MAX_ENTITIES + 1)]
    measured = entity_ratio(RECENT, population[:10], population, WHEN, GARAK)
    assert (measured.population, measured.covered) == (None, None)
    assert (measured.numerator, measured.denominator) == (10.0, MAX_ENTITIES + 1)


def test_two_mcp_scanners_merge_as_one_union_of_servers() -> None:
    """The scanners name servers in their own case; ids are case-folded names."""
    known = {"github": "github", "jira": "jira", "postgres-readonly": "postgres-readonly"}
    mcp_scan = {"github": ServerScan("GitHub", scanned=True), "jira": ServerScan("jira", why_not="timeout")}
    cisco = {"jira": ServerScan("Jira", scanned=True)}
    parts = [
        coverage(results, known, WHEN, Source(tool=tool))[0][0] for results, tool in ((mcp_scan, "a"), (cisco, "b"))
    ]
    assert [(p.metric, p.numerator, p.denominator) for p in parts] == [(SCANNED, 1.0, 3.0), (SCANNED, 1.0, 3.0)]
    merged = merge(parts)
    assert merged is not None
    assert (merged.numerator, merged.denominator) == (2.0, 3.0)
    assert merged.details == ("postgres-readonly: not in the scanner output",)


ids = st.lists(st.sampled_from("abcdefgh"), max_size=8, unique=True)


@given(st.lists(st.tuples(ids, ids), min_size=2, max_size=4))
def test_union_merge_counts_the_union(parts: list[tuple[list[str], list[str]]]) -> None:
    measurements = [
        entity_ratio(RECENT, covered, population, WHEN, GARAK) for covered, population in parts if population
    ]
    merged = merge(measurements)
    if len(measurements) < 2:
        return
    population = set().union(*(set(p) for _, p in parts))
    covered = set().union(*(set(c) & set(p) for c, p in parts))
    assert merged is not None
    assert (merged.numerator, merged.denominator) == (len(covered), len(population))
    # Never below the best single tool's coverage of the union, never above 1.
    assert merged.numerator >= max(m.numerator or 0 for m in measurements)
    assert merged.value <= 1
