"""The result's unregistered AI: at most ``UNREGISTERED_LISTED`` assets, the most seen first, beside the exact
count; the same answer in any order of observations; ``aisma check`` and the reports on a cut-short list."""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aisma.assurance.gate import evaluate
from aisma.cli.assess_cmd import parse_at
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.inventory.matching import matches
from aisma.inventory.schema import AISystem
from aisma.inventory.shadow import UNREGISTERED_LISTED, listing_order, unregistered
from aisma.records import ObservedAsset
from aisma.reports import render
from aisma.reports.viewmodel import unlisted_text
from aisma.scoring.results import AssessmentResult
from aisma.workspace.config import CheckPolicy
from aisma.workspace.run import assess_workspace

KINDS = ("model", "agent", "endpoint", "mcp_server")
SYSTEMS = (
    AISystem(id="fraud", name="Fraud", track="build", deployment_type="paas", match=("gpt-*", "*:agent/a*")),
    AISystem(id="old", name="Old", track="build", deployment_type="paas", match=("legacy-*",), environment="retired"),
    AISystem(id="desk", name="Desk", track="build", deployment_type="paas", match=("service.name=desk",)),
)
observations = st.lists(
    st.builds(
        ObservedAsset,
        kind=st.sampled_from(KINDS),
        identifier=st.sampled_from(["gpt-4o", "legacy-1", "legacy-2", "rogue", "x", "arn:agent/b1", "arn:agent/a2"]),
        tool=st.sampled_from(["otel", "prowler"]),
        file=st.sampled_from(["evidence/a.json", "evidence/b.json"]),
        count=st.integers(1, 5),
        seen_with=st.sampled_from([(), ("service.name=desk",), ("legacy-9",)]),
    ),
    max_size=40,
)


def owned(asset: ObservedAsset, systems: tuple[AISystem, ...]) -> AISystem | None:
    """The naive rule: the first system matching the asset's identifier, else anything seen with it."""
    for identifier in (asset.identifier, *asset.seen_with):
        found = next((s for s in systems if matches(s, identifier)), None)
        if found is not None:
            return found
    return None


def reference(observed: list[ObservedAsset]) -> tuple[list[dict[str, Any]], int, dict[str, int]]:
    """Every unregistered asset, grouped without any bound, in the listing order."""
    active = tuple(s for s in SYSTEMS if s.active)
    retired = tuple(s for s in SYSTEMS if not s.active)
    groups: dict[tuple[str, str], list[ObservedAsset]] = {}
    for asset in sorted(observed, key=lambda a: (a.kind, a.identifier, a.tool, a.file, a.seen_with)):
        if owned(asset, active) is None:
            groups.setdefault((asset.kind, asset.identifier), []).append(asset)
    entries = []
    for (kind, identifier), assets in groups.items():
        old = next((s for a in assets if (s := owned(a, retired)) is not None), None)
        entries.append(
            {
                "kind": kind,
                "identifier": identifier,
                "seen": sum(a.count for a in assets),
                "tools": sorted({a.tool for a in assets}),
                "files": sorted({a.file for a in assets}),
                "matches_retired_system": old.id if old else None,
            }
        )
    return sorted(entries, key=listing_order), len(groups), dict(Counter(k for k, _ in groups))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(observed=observations, limit=st.integers(0, 8), seed=st.integers(0, 2**16))
def test_bounded_deterministic_and_counted(observed: list[ObservedAsset], limit: int, seed: int) -> None:
    everything, total, by_kind = reference(observed)
    found = unregistered(SYSTEMS, tuple(observed), limit=limit)
    assert len(found.listed) <= limit
    assert list(found.listed) == everything[:limit]  # the most seen, then by kind and identifier
    assert found.total == total == len({(u["kind"], u["identifier"]) for u in everything})
    assert dict(found.by_kind) == by_kind and [k for k, _ in found.by_kind] == sorted(by_kind)
    shuffled = list(observed)
    random.Random(seed).shuffle(shuffled)
    assert unregistered(SYSTEMS, tuple(shuffled), limit=limit) == found


def test_the_default_cap_lists_the_most_seen_and_counts_the_rest() -> None:
    n = UNREGISTERED_LISTED + 250
    observed = tuple(
        ObservedAsset(
            kind="endpoint", identifier=f"arn:endpoint/{k:05d}", tool="prowler", file="f.json", count=1 + k % 7
        )
        for k in range(n)
    )
    found = unregistered(SYSTEMS, observed)
    assert len(found.listed) == UNREGISTERED_LISTED and found.total == n and found.by_kind == (("endpoint", n),)
    assert [u["seen"] for u in found.listed[:3]] == [7, 7, 7]
    assert found.listed == tuple(sorted(found.listed, key=listing_order))


def _doc(listed: list[str], total: int | None = None) -> dict[str, Any]:
    entries = [
        {
            "kind": "model",
            "identifier": i,
            "seen": 1,
            "tools": ["otel"],
            "files": ["e.json"],
            "matches_retired_system": None,
        }
        for i in listed
    ]
    doc: dict[str, Any] = {"organization": "o", "assessed_at": "2026-11-16T09:00:00+00:00", "unregistered_ai": entries}
    if total is not None:
        doc["unregistered_ai_total"] = total
    return doc


def _new(doc: dict[str, Any], baseline: dict[str, Any] | None) -> tuple[list[str], list[str], tuple[str, ...]]:
    report = evaluate(doc, CheckPolicy(fail_on=("unregistered_ai",)), baseline=baseline)
    found = report.by_rule("unregistered_ai")
    return [f.subject for f in found], [f.message for f in found], report.notes


def test_check_without_baseline_counts_the_unlisted_as_new() -> None:
    subjects, messages, _ = _new(_doc(["a", "b"], total=5), None)
    assert subjects == ["model:a", "model:b", "unregistered_ai:unlisted"]
    assert (
        messages[-1] == "3 more new unregistered AI asset(s), not listed in the result (it lists the 2 most seen of 5)"
    )


def test_check_against_a_complete_baseline_is_exact_for_the_listed() -> None:
    baseline = _doc(["a", "b", "c"])  # an older result: every asset listed, no total
    subjects, _, _ = _new(_doc(["a", "d"], total=2), baseline)
    assert subjects == ["model:d"]
    # 4 unlisted; the baseline's b and c can be two of them: at least 2 are new.
    subjects, messages, _ = _new(_doc(["a", "d"], total=6), baseline)
    assert subjects == ["model:d", "unregistered_ai:unlisted"] and messages[-1].startswith("at least 2 more new")
    subjects, _, notes = _new(_doc(["a", "d"], total=4), baseline)
    assert subjects == ["model:d"] and any("do not show whether any is new" in n for n in notes)


def test_check_against_a_cut_short_baseline_reports_only_what_the_counts_prove() -> None:
    baseline = _doc(["a", "b"], total=10)
    subjects, _, notes = _new(_doc(["a", "z"], total=10), baseline)
    assert subjects == [] and any("1 listed unregistered asset(s) are not in the baseline's list" in n for n in notes)
    subjects, messages, _ = _new(_doc(["a", "z"], total=14), baseline)
    assert subjects == ["unregistered_ai:unlisted"] and messages[0].startswith("at least 3 more new")


@pytest.fixture(scope="module")
def demo_doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    directory = tmp_path_factory.mktemp("shadow") / "demo"
    write_example(directory, overwrite_demo=True)
    return assess_workspace(directory, parse_at(DEMO_ASSESSED_AT)).to_dict()


def _stored(doc: dict[str, Any], listed: list[dict[str, Any]], **counts: Any) -> dict[str, Any]:
    """``doc`` with its unregistered AI replaced; without ``counts``, as a result from before the cap."""
    data = {k: v for k, v in doc.items() if k not in ("unregistered_ai_total", "unregistered_ai_by_kind")}
    data["unregistered_ai"] = listed
    data.update({f"unregistered_ai_{k}": v for k, v in counts.items()})
    return data


LISTED = [
    {"kind": k, "identifier": f"{k}-1", "seen": 2, "tools": ["otel"], "files": [], "matches_retired_system": None}
    for k in ("model", "agent")
]


def test_older_results_load_with_their_list_as_the_count(demo_doc: dict[str, Any]) -> None:
    old = AssessmentResult.from_dict(_stored(demo_doc, LISTED))
    assert (old.unregistered_ai_total, old.unregistered_ai_by_kind, old.unregistered_ai_unlisted) == (
        2,
        (("agent", 1), ("model", 1)),
        0,
    )
    assert old.to_dict()["unregistered_ai_total"] == 2


def test_reports_say_how_many_more_are_not_listed(demo_doc: dict[str, Any]) -> None:
    cut = AssessmentResult.from_dict(_stored(demo_doc, LISTED, total=1207, by_kind={"model": 1205, "agent": 2}))
    assert cut.unregistered_ai_unlisted == 1205
    line = "1,205 more not listed: the list holds the 2 most seen of 1,207 (2 agents, 1,205 models)."
    assert unlisted_text(cut) == line
    markdown = render(cut, "md")
    assert "1,207 AI assets seen in tool output match no active system" in markdown and line in markdown
    html = render(cut, "html")
    assert "1,207 unregistered AI assets seen in tool output" in html and line in html
    assert AssessmentResult.from_dict(cut.to_dict()).to_dict() == cut.to_dict()
