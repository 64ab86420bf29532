"""MASO's seven control domains as a view: the catalog says where they come from, objectives cite them."""

from __future__ import annotations

from functools import cache

from aisma.maturity.catalogs import reference_catalogs
from aisma.maturity.loader import resolve_model
from aisma.maturity.schema import MaturityModel
from aisma.scoring.views import framework_views
from test_no_vacuous_levels import objective as objective_result

DOMAINS = [
    ("PG", "Prompt, Goal & Epistemic Integrity"),
    ("IA", "Identity & Access"),
    ("DP", "Data Protection"),
    ("EC", "Execution Control"),
    ("OB", "Observability"),
    ("SC", "Supply Chain"),
    ("PA", "Privileged Agent Governance"),
]


@cache
def model() -> MaturityModel:
    return resolve_model("aisma-core")


def test_the_catalog_holds_the_seven_domains_and_cites_them() -> None:
    catalog = reference_catalogs()["maso"]
    assert [(i.id, i.title) for i in catalog.items] == DOMAINS
    assert "JonathanCGill/ai-security-blueprint" in catalog.source and "902c0cf" in catalog.source
    assert catalog.license.startswith("MIT")


def test_every_domain_is_addressed_by_agent_relevant_objectives() -> None:
    cited: dict[str, list[str]] = {d: [] for d, _ in DOMAINS}
    for objective in model().objectives():
        for domain in objective.references.get("maso", ()):
            cited[domain].append(objective.id)
    assert all(cited.values()), {d: ids for d, ids in cited.items() if not ids}
    # The agent and MCP categories are MASO's home ground: every one of their objectives names a domain.
    for objective in model().objectives():
        if objective.id.split("-")[0] in ("AGT", "MCP"):
            assert objective.references.get("maso"), objective.id
    assert "AGT-2.1" in cited["IA"] and "MCP-3.4" in cited["SC"] and "AGT-5.4" in cited["EC"]
    assert "AGT-3.4" in cited["IA"] and "AGT-3.4" in cited["PA"]


def test_the_view_scores_each_domain_from_the_objectives_that_cite_it() -> None:
    identity = {o.id for o in model().objectives() if "IA" in o.references.get("maso", ())}
    results = {
        o.id: objective_result(o.level, "met" if o.id in identity else "unmet", o.id) for o in model().objectives()
    }
    views = dict(framework_views(model(), results))
    buckets = {b.id: b for b in views["maso"]}
    assert [b.id for b in views["maso"]] == [d for d, _ in DOMAINS]
    assert set(buckets["IA"].objectives) == identity
    assert dict(buckets["IA"].counts)["met"] == len(identity) and buckets["IA"].coverage == 1.0
    assert dict(buckets["IA"].counts)["unmet"] == 0
    execution = {o.id for o in model().objectives() if "EC" in o.references.get("maso", ())}
    assert set(buckets["EC"].objectives) == execution
    assert dict(buckets["EC"].counts)["met"] == len(execution & identity)
