"""History snapshots, trends, diffs between assessments, and model-version migration (mini workspace)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.maturity.loader import load_model_file
from aisma.roadmap.diff import diff_results
from aisma.workspace.history import find_snapshot, load_result, trend
from aisma.workspace.migrate import compare_models
from aisma.workspace.run import assess_workspace


def _two_snapshots(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["assess", str(mini), "--at", "2026-10-01", "--save", "--out", str(mini / "r.json")]) == 0
    answers = mini / "answers.yaml"
    answers.write_text(answers.read_text().replace("APP-2.1: largely", "APP-2.1: not"))
    inventory = mini / "inventory.yaml"
    inventory.write_text(inventory.read_text() + "    data_classification: public\n")
    assert run(["assess", str(mini), "--at", "2026-11-16T10:30:00Z", "--save", "--out", str(mini / "r.json")]) == 0
    capsys.readouterr()


def test_save_keeps_frozen_snapshots(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _two_snapshots(mini, capsys)
    names = sorted(p.name for p in (mini / "history").iterdir())
    assert names == ["2026-10-01T00-00-00Z.json", "2026-11-16T10-30-00Z.json"]
    first = (mini / "history" / names[0]).read_bytes()
    snapshot = json.loads(first)
    assert snapshot["schema"] == "aisma.result/v1" and snapshot["model"]["version"] == "0.1"
    assert {s["id"] for s in snapshot["inputs"]["inventory"]} == {"chat", "summarizer"}
    # Saving the same assessment again is a no-op; a different one at the same time is refused.
    assert run(["assess", str(mini), "--at", "2026-11-16T10:30:00Z", "--save", "-o", str(mini / "r.json")]) == 0
    assert "Already saved" in capsys.readouterr().err
    answers = mini / "answers.yaml"
    answers.write_text(answers.read_text().replace("APP-2.1: not", "APP-2.1: fully"))
    assert run(["assess", str(mini), "--at", "2026-10-01", "--save", "-o", str(mini / "r.json")]) == 1
    assert "history is never overwritten" in capsys.readouterr().err
    assert (mini / "history" / names[0]).read_bytes() == first


def test_history_trend_and_chart(mini: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    _two_snapshots(mini, capsys)
    points = trend(mini)
    assert [p.categories["DAT"] for p in points] == [(1, 1), (2, 2)]
    assert run(["history", str(mini), "--chart", str(tmp_path / "trend.svg")]) == 0
    out = capsys.readouterr().out
    assert out.count("| 2026-") == 2 and "| 1/1 |" in out
    svg = (tmp_path / "trend.svg").read_text()
    assert svg.startswith("<svg") and svg.count("<polyline") == 2 + 2 * 2  # overall x2, DAT and APP x2
    assert run(["history", str(mini), "--format", "json"]) == 0
    assert [p["categories"]["DAT"]["level"] for p in json.loads(capsys.readouterr().out)] == [1, 2]


def test_diff_says_what_changed_and_why(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _two_snapshots(mini, capsys)
    changes = diff_results(load_result(find_snapshot(mini, "previous")), load_result(find_snapshot(mini, "latest")))
    why = {o["id"]: o["why"] for o in changes["objectives"]}
    assert why["APP-2.1"] == ["answer: largely -> not"]
    assert why["DAT-2.1"] == [
        "measurement: inventory.systems.data_classification_ratio 0.5 -> 1.0 (partially -> fully)"
    ]
    assert changes["inventory"]["changed"] == [{"system": "summarizer", "fields": ["data_classification"]}]
    assert {c["id"]: c["level"] for c in changes["categories"]}["DAT"] == [1, 2]
    assert changes["roadmap"]["done"] == ["DAT-2.1"] and changes["roadmap"]["new"] == ["APP-2.1"]
    assert run(["diff", "2026-10", "latest", "--in", str(mini)]) == 0
    assert "| APP-2.1 | met -> unmet | answer: largely -> not |" in capsys.readouterr().out
    assert run(["diff", "2027", "latest", "--in", str(mini)]) == 1
    assert "no snapshot named 2027*" in capsys.readouterr().err
    (mini / "bad.json").write_text("{}")
    assert run(["diff", str(mini / "bad.json"), str(mini / "r.json")]) == 1
    assert "not an aisma result" in capsys.readouterr().err


def _model_v2(mini: Path) -> Path:
    """A copy of the mini model with one objective added, one removed and one changed."""
    raw = yaml.safe_load((mini.parent / "model.yaml").read_text())
    raw["version"] = "0.2"
    app = raw["domains"][1]["categories"][0]
    app["objectives"] = [o for o in app["objectives"] if o["id"] != "APP-2.1"]
    dat = raw["domains"][0]["categories"][0]
    dat["objectives"][2]["statement"] = "Prompts and outputs pass DLP with blocking enabled."
    new = dict(app["objectives"][0], id="APP-1.2", title="Prompt logging", statement="Prompts are logged.")
    app["objectives"].insert(1, new)
    path = mini.parent / "model-v2.yaml"
    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    return path


def test_model_migration_maps_answers_by_id(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _model_v2(mini)
    old, new = load_model_file(mini.parent / "model.yaml"), load_model_file(mini.parent / "model-v2.yaml")
    changes = compare_models(old, new)
    assert (changes.added, changes.removed, changes.changed) == (
        ("APP-1.2",),
        ("APP-2.1",),
        (("DAT-3.1", ("statement",)),),
    )
    before = assess_workspace(mini, parse_at("2026-11-16"))
    assert before.model_version == "0.1"

    answers_before = (mini / "answers.yaml").read_text()
    assert run(["model", "migrate", str(mini), "--to", "../model-v2.yaml", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Objectives added (1): APP-1.2" in out and "Objectives removed (1): APP-2.1" in out
    assert (
        "Objectives changed (1): DAT-3.1 (statement)" in out
        and "Answers dropped (objective removed or its meaning changed): APP-2.1" in out
    )
    assert (mini / "answers.yaml").read_text() == answers_before, "a dry run changes nothing"

    assert run(["model", "migrate", str(mini), "--to", "../model-v2.yaml", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["answers_dropped"] == {"APP-2.1": "largely"}
    assert sorted(report["answers_kept"]) == ["APP-1.1", "APP-3.1", "DAT-1.1", "DAT-2.1"]
    answers = yaml.safe_load((mini / "answers.yaml").read_text())["answers"]
    assert "APP-2.1" not in answers and answers["DAT-1.1"]["evidence"] == ["evidence/classification.md"]
    config = yaml.safe_load((mini / "aisma.yaml").read_text())
    assert (config["model"], config["model_version"]) == ("../model-v2.yaml", "0.2")
    assert json.loads(Path(report["record"]).read_text())["answers_dropped"] == {"APP-2.1": "largely"}
    after = assess_workspace(mini, parse_at("2026-11-16"))
    assert after.model_version == "0.2" and after.objective("APP-1.2").status == "unknown"
    assert after.objective("DAT-1.1").answer == "fully"


def test_pinned_model_version_warns_and_hints(mini: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = mini / "aisma.yaml"
    config.write_text(config.read_text() + "model_version: '0.0'\n")
    result = assess_workspace(mini, parse_at("2026-11-16"))
    assert any("written for mini 0.0" in w and "aisma model migrate" in w for w in result.warnings)
    _model_v2(mini)
    config.write_text(config.read_text().replace("../model.yaml", "../model-v2.yaml"))
    assert run(["assess", str(mini)]) == 1
    err = capsys.readouterr().err
    assert "APP-2.1 is not an objective of model mini 0.2" in err and "run: aisma model migrate" in err
