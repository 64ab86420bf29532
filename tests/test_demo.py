"""The main job: `aisma demo` on the bundled example organization, checked against golden files.

Regenerate the golden files after an intended change with: AISMA_UPDATE_GOLDEN=1 pytest tests/test_demo.py
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from importlib import resources
from pathlib import Path

import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports import render
from aisma.workspace import clock
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_workspace

pytestmark = pytest.mark.slow  # the whole bank example, assessed and rendered

GOLDEN = Path(__file__).parent / "golden"


def _check_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("AISMA_UPDATE_GOLDEN"):
        path.write_text(text)
    assert path.exists(), f"missing golden file {path}; run with AISMA_UPDATE_GOLDEN=1"
    assert text == path.read_text(), f"{name} differs from the golden file; if intended, run with AISMA_UPDATE_GOLDEN=1"


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("demo") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return directory


def test_golden_result_and_markdown(demo_dir: Path) -> None:
    result = assess_workspace(demo_dir)  # as of the example's pinned as_of
    _check_golden("demo-result.json", render(result, "json"))
    _check_golden("demo-report.md", render(result, "md"))


def test_the_example_pins_the_demo_time() -> None:
    config = open_workspace(Path(str(resources.files("aisma.examples").joinpath("bank")))).config
    assert config.as_of == datetime.fromisoformat(DEMO_ASSESSED_AT)


@pytest.mark.parametrize(
    "today", ["2026-11-16T09:00:00+00:00", "2026-12-07T10:30:00+00:00", "2028-02-29T23:59:59+00:00"]
)
def test_the_demo_gives_the_same_bytes_on_any_day(
    today: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``aisma demo`` and ``aisma assess`` in every text format, under different wall clocks: same output."""
    monkeypatch.setattr(clock, "wall_clock", lambda: datetime.fromisoformat(today))
    target = tmp_path / "demo"
    capsys.readouterr()
    assert run(["demo", str(target)]) == 0
    # The files never change; the terminal says when evidence went stale since the pinned time.
    lapsed = "Evidence has gone stale since this assessment (as of 2026-11-16 09:00 UTC)"
    assert (lapsed in capsys.readouterr().err) == (today != DEMO_ASSESSED_AT)
    assert (target / "result.json").read_text() == (GOLDEN / "demo-result.json").read_text()
    assert (target / "report.md").read_text() == (GOLDEN / "demo-report.md").read_text()
    for fmt in ("json", "md", "html"):
        assert run(["assess", str(target), "--format", fmt, "--out", str(tmp_path / f"again.{fmt}")]) == 0
    assert (tmp_path / "again.json").read_text() == (GOLDEN / "demo-result.json").read_text()
    assert (tmp_path / "again.md").read_text() == (GOLDEN / "demo-report.md").read_text()
    assert (tmp_path / "again.html").read_text() == (target / "report.html").read_text()
    # Asking for the wall clock explicitly does follow it.
    assert run(["assess", str(target), "--at", "now", "--out", str(tmp_path / "now.json")]) == 0
    now = json.loads((tmp_path / "now.json").read_text())
    assert now["assessed_at"] == today and now["time_basis"] == "at"
    capsys.readouterr()


def test_demo_is_not_uniform(demo_dir: Path) -> None:
    result = json.loads(render(assess_workspace(demo_dir, parse_at(DEMO_ASSESSED_AT)), "json"))
    levels = {c["id"]: c["level"] for c in result["categories"]}
    assert len(levels) == 12
    assert max(levels.values()) - min(v for v in levels.values() if v is not None) >= 2
    objectives = [o for c in result["categories"] for o in c["objectives"]]
    assert any(o["status"] == "na" and o["justification"] for o in objectives)
    assert any(o["source"] == "attested" for o in objectives), "some answers carry no evidence"
    assert any(o["source"] == "measured" for o in objectives)
    assert any(o["conflict"] for o in objectives), "an attestation contradicted by a measurement"
    assert result["overall"]["evidenced_score"] < result["overall"]["score"]
    assert {t["id"] for t in result["tracks"]} == {"build", "platform", "copilot", "coding_tool"}
    assert set(result["views"]) == {"nist-csf-2.0", "nist-ai-rmf", "eu-ai-act", "maso"}
    verdicts = {g["system"]: g["verdict"] for g in result["gating"]}
    assert "do_not_proceed" in verdicts.values()


def test_demo_command_writes_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "demo"
    assert run(["demo", str(target)]) == 0
    flat = "".join(capsys.readouterr().out.split())  # the summary table wraps long paths at any width
    assert "report.html" in flat and "Overall:level" in flat
    # The summary names each agent above the MASO tier the program can govern, with what it can govern.
    assert "Autonomyabovewhattheprogramcangovern:FraudcasetriageagentrunsatTier3(autonomous)" in flat
    assert flat.count("Autonomyabovewhattheprogramcangovern:") == 3
    html = (target / "report.html").read_text()
    assert html.count("<svg") >= 3
    # Self-contained: no script and no external asset.
    assert "<script" not in html
    assert 'src="http' not in html and "<link" not in html
    for category in ("GOV", "INV", "RSK", "DAT", "MDL", "INF", "APP", "AGT", "MCP", "DEV", "MON", "IRR"):
        assert f'id="cat-{category}"' in html
    for view in (
        "NIST CSF 2.0 functions",
        "NIST AI RMF functions",
        "EU AI Act articles",
        "MASO control domains",
        "Tracks",
    ):
        assert view in html
    assert "Privileged Agent Governance" in html and "Autonomy tier" in html
    assert "above the autonomy tier the program can govern" in html
    assert json.loads((target / "result.json").read_text())["schema"] == "aisma.result/v1"
    # A second run over its own output is allowed; over a foreign workspace it is refused.
    assert run(["demo", str(target)]) == 0
    foreign = tmp_path / "mine"
    assert run(["init", str(foreign)]) == 0
    capsys.readouterr()
    assert run(["demo", str(foreign)]) == 1
    assert "holds a workspace that is not the example" in capsys.readouterr().err


def test_report_escapes_user_text(mini: Path) -> None:
    config = mini / "aisma.yaml"
    config.write_text(config.read_text().replace("Mini Corp", '"<script>alert(1)</script>"'))
    html = render(assess_workspace(mini, parse_at("2026-11-16")), "html")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
