"""The PDF report: cover, executive summary, detail; offline and deterministic."""

from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest

from aisma.cli.assess_cmd import parse_at
from aisma.cli.main import run
from aisma.examples import DEMO_ASSESSED_AT, write_example
from aisma.reports.viewmodel import fmt_score
from aisma.roadmap.whatif import snapshot
from aisma.scoring.results import AssessmentResult, RoadmapPhase
from aisma.workspace.run import assess_workspace
from prerequisites import missing

pytestmark = pytest.mark.slow  # WeasyPrint renders whole reports


def _weasyprint_or_skip() -> None:
    try:
        import weasyprint  # noqa: F401
    except (ImportError, OSError) as exc:
        missing(f"WeasyPrint not usable here: {exc}")


_weasyprint_or_skip()

from pypdf import PdfReader  # noqa: E402

from aisma.reports.pdf import html_to_pdf, render_pdf  # noqa: E402


def _pages(pdf: bytes) -> list[str]:
    reader = PdfReader(io.BytesIO(pdf))
    return [" ".join((page.extract_text() or "").split()) for page in reader.pages]


@pytest.fixture(scope="module")
def demo_result(tmp_path_factory: pytest.TempPathFactory) -> AssessmentResult:
    directory = tmp_path_factory.mktemp("pdf") / "northbridge"
    write_example(directory, overwrite_demo=True)
    return assess_workspace(directory, parse_at(DEMO_ASSESSED_AT))


@pytest.fixture(scope="module")
def demo_pdf(demo_result: AssessmentResult) -> bytes:
    return render_pdf(demo_result)


def test_cover_summary_then_detail(demo_pdf: bytes, demo_result: AssessmentResult) -> None:
    assert demo_pdf.startswith(b"%PDF-")
    pages = _pages(demo_pdf)
    assert 8 <= len(pages) <= 80, len(pages)
    cover, summary, detail = pages[0], pages[1], pages[2]
    assert "Northbridge Bank" in cover and "2026-11-16" in cover and "aisma-core" in cover
    assert "Page " not in cover  # no running footer on the cover
    assert summary.startswith("Executive summary")
    o = demo_result.overall
    names = dict(demo_result.levels)
    assert f"level {o.level} ({names[o.level]}), score {fmt_score(o.score)}, as claimed" in summary
    assert f"level {o.evidenced_level}, score {fmt_score(o.evidenced_score)}, counting only measured" in summary
    # the three weakest categories, weakest first, and no other category
    weakest = sorted((c for c in demo_result.categories if c.applicable), key=lambda c: (c.score or 0, c.id))
    positions = [summary.index(f"{c.id} {c.title}") for c in weakest[:3]]
    assert positions == sorted(positions)
    assert f"{weakest[3].id} {weakest[3].title}" not in summary
    verdicts = [g.verdict for g in demo_result.gating]
    assert (
        f"{verdicts.count('do_not_proceed')} do not proceed, {verdicts.count('marginal')} marginal, "
        f"{verdicts.count('appropriate')} appropriate (of {len(verdicts)} AI systems)"
    ) in summary
    assert len(verdicts) == 13 and verdicts.count("do_not_proceed") >= 1
    if demo_result.roadmap:  # the roadmap (issue 7) fills it; the summary shows its first phase
        assert demo_result.roadmap[0].title in summary and "No roadmap" not in summary
    else:
        assert "No roadmap" in summary
    assert f"Page 2 of {len(pages)}" in summary
    assert detail.startswith("Detail")
    assert "Objective detail" in " ".join(pages[3:])
    assert "IRR-4.3" in pages[-1] or "IRR-4.3" in pages[-2]


def test_pdf_metadata_comes_from_the_assessment(demo_pdf: bytes) -> None:
    reader = PdfReader(io.BytesIO(demo_pdf))
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "AI security maturity: Northbridge Bank"
    assert meta.creation_date is not None and meta.creation_date.isoformat().startswith("2026-11-16T09:00:00")


def test_first_roadmap_phase_on_the_summary(mini: Path) -> None:
    result = assess_workspace(mini, parse_at("2026-11-16"))
    unmet = [(c, o) for c in result.categories for o in c.objectives if o.status != "met"]
    items = [
        {
            "objective": o.id,
            "category": c.id,
            "level": o.level,
            "title": o.title,
            "statement": f"Do {o.title}",
            "unlocks_level": o.level,
            "unlocks": [{"category": c.id, "level": o.level}],
            "gating_changes": [],
            "lifts_gates": [],
            "regulations": ["EU AI Act Art. 15"],
            "reason": "target",
            "status": "unmet",
            "depends_on": [],
            "effort": "S",
            "impact": 1,
            "risk_tier": None,
        }
        for c, o in unmet
    ]
    assert len(items) >= 3
    projected = snapshot(result)
    phases = (
        RoadmapPhase.model_validate(
            {"phase": 1, "title": "Quick wins", "months_min": 3, "months_max": 6, "items": items[:2]}
            | {"level": 2, "projected": projected}
        ),
        RoadmapPhase.model_validate(
            {"phase": 2, "title": "Build the base", "months_min": 12, "months_max": 21, "items": items[2:]}
            | {"level": 3, "projected": projected}
        ),
    )
    pages = _pages(render_pdf(result.model_copy(update={"roadmap": phases})))
    summary = pages[1]
    assert "Quick wins · 3–6 months · 2 objectives" in summary
    assert all(f"{i['objective']} {i['level']} Do " in summary for i in items[:2])
    # only the first phase is on the summary; every phase is in the roadmap section of the detail
    assert "Build the base" not in summary and f"{items[2]['objective']} " not in summary
    detail = " ".join(pages[2:])
    roadmap = detail[detail.rindex("Roadmap") :]
    assert "Quick wins" in roadmap and "Build the base" in roadmap and items[2]["objective"] in roadmap
    assert "No roadmap" not in summary


def test_same_result_same_bytes(mini: Path) -> None:
    result = assess_workspace(mini, parse_at("2026-11-16"))
    assert render_pdf(result) == render_pdf(result)


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []  # noqa: RUF012 - shared by the test server's handler instances

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, *args: Any) -> None:
        pass


def test_renders_offline_and_refuses_every_remote_or_local_url(tmp_path: Path) -> None:
    secret = tmp_path / "secret.css"
    secret.write_text("body { color: blue }")
    server = HTTPServer(("127.0.0.1", 0), _Counter)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        html = (
            f'<html><head><link rel="stylesheet" href="{base}/style.css"></head><body>'
            f'<img src="{base}/logo.png"><img src="{secret.as_uri()}">'
            '<img src="https://example.com/x.png">hello</body></html>'
        )
        refused: list[str] = []
        pdf = html_to_pdf(html, identifier="0" * 32, refused=refused)
    finally:
        server.shutdown()
    assert pdf.startswith(b"%PDF-")
    assert _Counter.hits == []
    assert f"{base}/style.css" in refused and f"{base}/logo.png" in refused
    assert secret.as_uri() in refused and "https://example.com/x.png" in refused


def test_cli_pdf_needs_out(mini: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = run(["assess", str(mini), "--format", "pdf", "--at", "2026-11-16"])
    err = capsys.readouterr().err
    assert code == 1
    assert err == "aisma: error: --format pdf writes a binary file; give --out FILE (e.g. report.pdf)\n"
    out = tmp_path / "r.pdf"
    assert run(["assess", str(mini), "--format", "pdf", "--out", str(out), "--at", "2026-11-16"]) == 0
    assert out.read_bytes().startswith(b"%PDF-")


def test_empty_workspace_and_markup_in_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ws = tmp_path / "ws"
    assert run(["init", str(ws), "--organization", "<img src='http://127.0.0.1:9/x'> & Co"]) == 0
    # no roadmap either (a result from before the roadmap existed): the summary says so
    pages = _pages(render_pdf(assess_workspace(ws, parse_at("2026-11-16")).model_copy(update={"roadmap": ()})))
    assert "<img src='http://127.0.0.1:9/x'> & Co" in pages[0]
    assert "No AI system in the inventory to gate." in pages[1] and "No roadmap" in pages[1]
