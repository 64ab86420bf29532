"""The collector framework: registry consistency checks, failure handling, workspace integration."""

from __future__ import annotations

import json
import shutil
import sys
import textwrap
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.collectors import registry
from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta
from aisma.collectors.run import check_settings, collect_workspace, run_collector
from aisma.errors import AismaError
from aisma.inventory.schema import Inventory

AT = datetime(2026, 11, 16, tzinfo=UTC)
META = textwrap.dedent(
    """\
    id: {id}
    tool: Fake
    description: A test collector.
    formats: [JSON]
    versions: any
    metrics: [{metric}]
    evidence_dir: fake
    patterns: ["*.json"]
    """
)


@pytest.fixture
def plugin_dir(tmp_path: Path) -> Iterator[Path]:
    sys.path.insert(0, str(tmp_path))
    yield tmp_path
    sys.path.remove(str(tmp_path))
    for name in [m for m in sys.modules if m.startswith("fakecollectors")]:
        del sys.modules[name]


def make_package(root: Path, folder: str, collector_id: str, metric: str = "sarif.findings.count") -> str:
    package = root / "fakecollectors" / folder
    package.mkdir(parents=True)
    (root / "fakecollectors" / "__init__.py").write_text("")
    (package / "__init__.py").write_text("")
    (package / "collector.yaml").write_text(META.format(id=collector_id, metric=metric))
    return f"fakecollectors.{folder}"


def test_meta_is_read_and_checked(plugin_dir: Path) -> None:
    meta = registry.read_meta(make_package(plugin_dir, "good_one", "good-one"))
    assert (meta.id, meta.metrics, meta.evidence_dir) == ("good-one", ("sarif.findings.count",), "fake")


def test_id_must_match_the_folder(plugin_dir: Path) -> None:
    package = make_package(plugin_dir, "folder_a", "other-id")
    with pytest.raises(AismaError, match="id 'other-id' does not match its folder 'folder-a'"):
        registry.read_meta(package)


def test_metrics_must_be_in_the_catalog(plugin_dir: Path) -> None:
    package = make_package(plugin_dir, "bad_metric", "bad-metric", metric="made.up_ratio")
    with pytest.raises(AismaError, match=r"metrics not in the metric catalog: made\.up_ratio"):
        registry.read_meta(package)


def test_builtin_collectors_pass_the_checks() -> None:
    collectors = registry.installed()
    assert "sarif" in collectors
    for cid, collector in collectors.items():
        assert collector.meta.id == cid


class Exploding:
    meta = CollectorMeta("boom", "Boom", "", ("Boom JSON",), "1", (), "boom", ("*.json",))

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        raise KeyError("findings")


def test_unexpected_failures_become_one_line(tmp_path: Path) -> None:
    f = tmp_path / "x.json"
    f.write_text("{}")
    with pytest.raises(AismaError) as caught:
        run_collector(Exploding(), [f], CollectContext(assessed_at=AT, root=tmp_path))
    assert str(caught.value) == "collector boom could not read x.json: KeyError: 'findings'; expected Boom JSON"
    with pytest.raises(AismaError, match="no such file"):
        run_collector(Exploding(), [tmp_path / "missing.json"], CollectContext(assessed_at=AT))


def test_unknown_collector_in_settings() -> None:
    with pytest.raises(AismaError, match=r"collectors\.nope is not an installed collector"):
        check_settings({"nope": {}})
    check_settings({"inventory": {}, "sarif": {"enabled": False}})


SARIF = {
    "version": "2.1.0",
    "runs": [
        {
            "tool": {"driver": {"name": "Semgrep", "version": "1.90.0"}},
            "invocations": [{"endTimeUtc": "2026-11-10T08:00:00Z"}],
            "results": [{"ruleId": "a"}, {"ruleId": "b"}],
        }
    ],
}


def test_workspace_collection_uses_the_evidence_folder_and_settings(tmp_path: Path) -> None:
    (tmp_path / "evidence" / "sarif").mkdir(parents=True)
    (tmp_path / "evidence" / "sarif" / "scan.sarif").write_text(json.dumps(SARIF))
    result = collect_workspace(tmp_path, {}, Inventory(), AT)
    (m,) = result.measurements
    assert (m.metric, m.value, m.source.file, m.source.tool) == (
        "sarif.findings.count",
        2.0,
        "evidence/sarif/scan.sarif",
        "Semgrep",
    )
    assert m.observed_at == datetime(2026, 11, 10, 8, tzinfo=UTC)
    assert collect_workspace(tmp_path, {"sarif": {"enabled": False}}, Inventory(), AT).measurements == ()
    (tmp_path / "other.sarif").write_text(json.dumps(SARIF))
    chosen = collect_workspace(tmp_path, {"sarif": {"paths": ["other.sarif"]}}, Inventory(), AT)
    assert [x.source.file for x in chosen.measurements] == ["other.sarif"]
    with pytest.raises(AismaError, match="paths must be a list"):
        collect_workspace(tmp_path, {"sarif": {"paths": "other.sarif"}}, Inventory(), AT)


def test_an_unreadable_file_is_skipped_with_a_warning_and_strict_fails(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ws = tmp_path / "ws"
    assert run(["init", str(ws)]) == 0
    (ws / "evidence" / "sarif").mkdir()
    (ws / "evidence" / "sarif" / "broken.sarif").write_text('{"version": "2.1.0", "runs": [')
    (ws / "evidence" / "sarif" / "good.sarif").write_text(json.dumps(SARIF))
    before = {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()}
    capsys.readouterr()
    line = (
        "sarif: evidence/sarif/broken.sarif: truncated or invalid JSON (premature EOF); "
        "expected a SARIF 2.1.0 log (an object with version 2.1.0 and runs) "
        "(file skipped: what it would measure is missing)"
    )
    assert run(["assess", str(ws)]) == 0
    captured = capsys.readouterr()
    assert captured.err == f"warning: {line}\n"
    result = json.loads(captured.out)
    assert line in result["warnings"]
    # the readable file still counts
    assert run(["collect", "sarif", str(ws / "evidence" / "sarif" / "good.sarif"), "--json"]) == 0
    capsys.readouterr()
    assert run(["assess", str(ws), "--strict", "--out", str(tmp_path / "result.json")]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"Wrote {tmp_path / 'result.json'}",
        f"error: {line}",
        "aisma: error: --strict: 1 evidence file(s) could not be read",
    ]
    assert line in json.loads((tmp_path / "result.json").read_text())["warnings"]
    assert {p: p.read_bytes() for p in ws.rglob("*") if p.is_file()} == before


def test_collect_names_the_unreadable_file_and_exits_1(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = tmp_path / "broken.sarif"
    broken.write_text('{"version": "2.1.0", "runs": [')
    assert run(["collect", "sarif", str(broken)]) == 1
    assert capsys.readouterr().err == (
        f"aisma: error: {broken}: truncated or invalid JSON (premature EOF); "
        "expected a SARIF 2.1.0 log (an object with version 2.1.0 and runs)\n"
    )


def test_collect_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "scan.sarif"
    f.write_text(json.dumps(SARIF))
    assert run(["collect", "sarif", str(f), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["measurements"][0]["details"] == ["a: 1", "b: 1"]
    assert run(["collect", "nope", str(f)]) == 1
    assert "no collector 'nope'" in capsys.readouterr().err
    assert run(["collect", "sarif"]) == 1
    assert "reads files: give at least one" in capsys.readouterr().err
    assert run(["collectors", "list"]) == 0
    assert "sarif" in capsys.readouterr().out


def test_collect_with_workspace_names_files_relative_to_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copytree(Path(__file__).parent / "data" / "mini", tmp_path / "mini")
    ws = tmp_path / "mini" / "ws"
    (ws / "evidence" / "scan.sarif").write_text(json.dumps(SARIF))
    assert run(["collect", "sarif", str(ws / "evidence" / "scan.sarif"), "--workspace", str(ws), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["measurements"][0]["source"]["file"] == "evidence/scan.sarif"


def test_assets_a_collector_reports_count_as_discovered(tmp_path: Path) -> None:
    """CollectionResult.observed feeds the shadow-AI list and the discovery metrics like discovery does."""
    from aisma.assessment import assess
    from aisma.scoring.inputs import ObservedAsset
    from aisma.workspace.loader import assessment_input, open_workspace

    ws = tmp_path / "ws"
    assert run(["init", str(ws)]) == 0
    seen = ObservedAsset("model", "rogue-model", "fake", "evidence/fake/x.json")
    inputs = assessment_input(open_workspace(ws), AT, CollectionResult(observed=(seen,)))
    assert seen in inputs.observed
    result = assess(inputs)
    assert [u.identifier for u in result.unregistered_ai] == ["rogue-model"]
    count = next(m for m in inputs.measurements if m.metric == "inventory.unregistered.count")
    assert count.value == 1
