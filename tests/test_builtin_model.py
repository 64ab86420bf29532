"""The built-in model (aisma-core): structure, crosswalk coverage, metrics and its generated docs."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

from aisma.collectors.producers import metric_statuses
from aisma.maturity.catalogs import metric_catalog, reference_catalogs
from aisma.maturity.coverage import coverage
from aisma.maturity.docs import model_reference
from aisma.maturity.loader import available_models, resolve_model
from aisma.maturity.schema import MaturityModel

ROOT = Path(__file__).parent.parent
CATEGORIES = {
    "FND": ["GOV", "INV", "RSK", "DAT"],
    "PRT": ["MDL", "INF", "APP", "AGT", "MCP", "DEV"],
    "OPS": ["MON", "IRR"],
}


@cache
def model() -> MaturityModel:
    return resolve_model("aisma-core")


def test_registered_through_the_entry_point_group() -> None:
    sources = {s.id: s for s in available_models()}
    assert sources["aisma-core"].origin.startswith("entry point")


def test_twelve_categories_in_three_domains() -> None:
    assert {d.id: [c.id for c in d.categories] for d in model().domains} == CATEGORIES
    assert [lv.level for lv in model().levels] == [0, 1, 2, 3, 4, 5]


def test_objective_counts_per_category_and_level() -> None:
    total = len(model().objectives())
    assert 120 <= total <= 180
    for category in model().categories():
        assert 10 <= len(category.objectives) <= 15, category.id
        per_level = Counter(o.level for o in category.objectives)
        assert sorted(per_level) == [1, 2, 3, 4, 5], category.id
        assert all(1 <= n <= 3 for n in per_level.values()), (category.id, per_level)


def test_every_field_filled() -> None:
    for o in model().objectives():
        assert o.statement and o.rationale and o.evidence and o.scope_notes, o.id
        assert o.kpi.name and o.kpi.compute and o.kpi.target, o.id
        assert len(o.title.split()) <= 8, o.id


def test_gates_written_in_the_model() -> None:
    gates = {g.id: g for g in model().gates}
    data = gates["data-management"]
    assert (data.when.category, data.when.below, data.cap.level) == ("DAT", 3, 2)
    assert set(data.cap.categories) == {"MDL", "APP", "AGT"}
    assert gates["inventory-visibility"].when.category == "INV"
    assert all(g.reason.strip() for g in gates.values())


def test_deployment_classes_follow_airs() -> None:
    minimum = {d.id: d.minimum_level for d in model().deployment_classes}
    assert minimum == {"copilot": 3, "platform-hosted": 3, "custom-model": 3, "agentic": 4, "multi-agent": 5}
    agentic = next(d for d in model().deployment_classes if d.id == "agentic")
    assert set(agentic.categories) == {"AGT", "MCP", "MON", "IRR"}


def test_crosswalk_coverage_is_complete() -> None:
    report = coverage(model())
    assert report.objectives_without == ()
    assert [f"{r.framework} {r.item}" for r in report.missing()] == []
    # Every framework item the coverage promises, by framework:
    frameworks = Counter(r.framework for r in report.rows)
    assert frameworks["eu-ai-act"] == 11
    assert frameworks["iso-iec-42001-2023"] == 9
    assert frameworks["owasp-llm-top10-2025"] == 10
    assert frameworks["owasp-agentic-top10-2026"] == 10
    assert frameworks["csa-aicm"] == len(reference_catalogs()["csa-aicm"].items)


def test_at_least_half_the_objectives_are_measured() -> None:
    report = coverage(model())
    assert report.measured * 2 >= report.total, (report.measured, report.total)


def test_every_metric_used_is_in_the_catalog_with_a_producer() -> None:
    catalog = metric_catalog()
    for o in model().objectives():
        if o.measurement.metric:
            spec = catalog[o.measurement.metric]
            assert spec.unit == "ratio" and spec.producers, o.id
            assert spec.direction == o.measurement.direction, o.id


def test_inventory_metrics_are_produced_today() -> None:
    """The inventory producer exists: every catalog metric that only it produces must be available."""
    pending = [s.spec.id for s in metric_statuses() if s.spec.producers == ("inventory",) and not s.available]
    assert pending == []


def test_no_duplicate_titles_or_statements() -> None:
    titles = Counter(o.title.lower() for o in model().objectives())
    statements = Counter(o.statement.lower() for o in model().objectives())
    assert [t for t, n in titles.items() if n > 1] == []
    assert [s for s, n in statements.items() if n > 1] == []


def test_model_reference_docs_are_current() -> None:
    """docs/model.md is generated from the YAML; regenerate with `make docs`."""
    assert (ROOT / "docs" / "model.md").read_text() == model_reference(model()), "run: make docs"


def test_every_metric_the_model_uses_has_an_installed_producer() -> None:
    """Issue 5: no objective may wait on a producer that does not exist."""
    used = {o.measurement.metric for o in model().objectives() if o.measurement.metric}
    statuses = {s.spec.id: s for s in metric_statuses()}
    waiting = sorted(m for m in used if not statuses[m].available)
    assert waiting == []
