"""``aisma.plugin`` is the whole plugin API, the built-ins are made of it, and a package written
against it alone stands where a built-in stands (the CLI's ``--format``, the server's report list).

The third-party packages are real: tests/data/plugin holds a report format and a collector, each with
its ``.dist-info`` and entry points, found by importlib.metadata once the folder is on ``sys.path``.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

import aisma.plugin as plugin
from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.collectors import registry as collectors
from aisma.errors import AismaError
from aisma.maturity.catalogs import metric_catalog
from aisma.reports import registry as reporters
from aisma.workspace.run import assess_workspace

PLUGIN_SITE = Path(__file__).parent / "data" / "plugin"

API = {
    "COLLECTORS_GROUP",
    "MODELS_GROUP",
    "REPORTERS_GROUP",
    "AISystem",
    "AismaError",
    "Answer",
    "AssessmentResult",
    "CollectContext",
    "CollectionResult",
    "Collector",
    "CollectorMeta",
    "EvidenceRef",
    "FileReads",
    "InputError",
    "Inventory",
    "Measurement",
    "Need",
    "ObservedAsset",
    "ReportContext",
    "Reporter",
    "Source",
    "entity_ratio",
    "file_source",
    "file_time",
    "parse_time",
    "ratio",
    "read_meta",
}


@pytest.fixture
def acme_installed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The acme-csv-report distribution on sys.path, as pip would leave it in site-packages."""
    monkeypatch.syspath_prepend(str(PLUGIN_SITE))
    importlib.invalidate_caches()
    _clear()
    yield
    _clear()


def _clear() -> None:
    reporters.installed.cache_clear()
    collectors.installed.cache_clear()
    metric_catalog.cache_clear()


def test_the_api_is_what_it_declares() -> None:
    assert set(plugin.__all__) == API, "a change to the plugin API is deliberate: update docs/reports.md too"
    for name in plugin.__all__:
        assert getattr(plugin, name) is not None
    assert plugin.COLLECTORS_GROUP == "aisma.collectors"
    assert plugin.REPORTERS_GROUP == "aisma.reporters"
    assert plugin.MODELS_GROUP == "aisma.models"


def test_the_built_ins_are_made_of_the_api() -> None:
    built_in = reporters.installed()
    assert {"html", "json", "md", "pdf", "xlsx", "oscal", "oscal-plan"} <= set(built_in)
    assert all(isinstance(r, plugin.Reporter) for r in built_in.values())
    assert all(r.label for r in built_in.values()), "every built-in format declares how lists name it"
    for collector in collectors.installed().values():
        assert isinstance(collector.meta, plugin.CollectorMeta)


def test_needs_make_a_format_unavailable_with_the_hint() -> None:
    pdf = reporters.get("pdf")
    assert pdf.unavailable() == ""  # the dev extra installs WeasyPrint
    missing = plugin.Reporter(
        format="x",
        media_type="text/plain",
        suffix=".txt",
        binary=False,
        description="",
        render=pdf.render,
        needs=(plugin.Need("aisma_no_such_module", "X: pip install x"),),
    )
    assert missing.unavailable() == "needs X: pip install x"
    assert missing.title == "X"


def test_a_third_party_format_is_offered_like_a_built_in(
    acme_installed: None, mini: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    listed = [r.format for r in reporters.listed()]
    assert listed.index("html") < listed.index("acme-csv") < listed.index("pdf")  # its declared order, 15
    assert run(["assess", str(mini), "--format", "acme-csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "category,level,target" and len(lines) > 1


def test_the_server_lists_a_third_party_format_from_the_registry(acme_installed: None) -> None:
    from aisma.web.features.reports import service

    formats = service.report_formats()
    ids = [f.id for f in formats]
    assert ids[:3] == ["html", "acme-csv", "pdf"]
    acme = formats[1]
    assert acme.label == "ACME dashboard (CSV)" and acme.available and acme.media_type == "text/csv; charset=utf-8"


ACME_OBJECTIVE = """            measurement:
              mode: either
              metric: acme.findings.triaged_ratio
              thresholds: {fully: 0.9, largely: 0.75, partially: 0.3}
              max_age_days: 30
"""


def _acme_workspace(mini: Path) -> Path:
    """The mini workspace whose model measures APP-1.1 by the plugin's metric, with one scan file."""
    model = mini.parent / "model.yaml"
    text = model.read_text(encoding="utf-8")
    anchor = "            rationale: Prompt injection.\n"
    assert anchor in text
    model.write_text(text.replace(anchor, ACME_OBJECTIVE + anchor), encoding="utf-8")
    scans = mini / "evidence" / "acme"
    scans.mkdir(parents=True)
    findings = [{"id": f"F{i}", "triaged": i < 19} for i in range(20)]  # 19 of 20: 0.95, "fully"
    (scans / "week.acme.json").write_text(
        json.dumps({"scanned_at": "2026-11-10T08:00:00Z", "findings": findings}), encoding="utf-8"
    )
    return mini


def test_a_third_party_collector_adds_a_metric_a_custom_model_can_use(acme_installed: None, mini: Path) -> None:
    spec = metric_catalog()["acme.findings.triaged_ratio"]
    assert (spec.unit, spec.producers) == ("ratio", ("acme-scanner",))
    assert collectors.get("acme-scanner").meta.metrics == ("acme.findings.triaged_ratio",)
    result = assess_workspace(_acme_workspace(mini), parse_at("2026-11-16"))
    app = result.objective("APP-1.1")
    assert app.source == "measured" and app.answer == "fully"
    assert app.measurement is not None and app.measurement.metric == "acme.findings.triaged_ratio"
    assert (app.measurement.numerator, app.measurement.denominator) == (19, 20)
    assert app.measurement.sources[0]["tool"] == "acme-scanner"


def test_without_the_collector_its_metric_is_unknown(mini: Path) -> None:
    _clear()
    with pytest.raises(AismaError, match=r"acme\.findings\.triaged_ratio"):
        assess_workspace(_acme_workspace(mini), parse_at("2026-11-16"))
