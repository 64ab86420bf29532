"""Per-framework sections in the HTML and PDF reports: chosen in aisma.yaml (``report.frameworks``) or
with ``aisma assess --framework``; each shows every requirement's posture with the mapped objectives,
their answers, measurements and evidence, exactly as ``aisma framework assess`` computes it."""

from __future__ import annotations

import html
import io
import json
import os
import re
import shutil
from pathlib import Path

import pytest

from aisma.cli.main import run
from aisma.examples import DEMO_ASSESSED_AT, write_example

DATA = Path(__file__).parent.parent / "data"
GOLDEN = Path(__file__).parent.parent / "golden"
CATALOG_XML = DATA / "oscal-catalog" / "NIST_SP-800-53_rev5_LOW-catalog_ac-ir.xml"
MAPPING_53 = DATA / "oscal-catalog" / "aisma-core--sp800-53-low-ac-ir.yaml"
SECTION = re.compile(r'  <section aria-labelledby="s-framework-\d+".*?\n  </section>\n', re.S)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("report-fw") / "northbridge"
    write_example(directory, overwrite_demo=True)
    shutil.copy(CATALOG_XML, directory / "sp800-53-low.xml")
    shutil.copy(MAPPING_53, directory / "sp800-53-mapping.yaml")
    return directory


def html_of(demo: Path, tmp_path: Path, *args: str, config: str | None = None) -> str:
    workspace = demo
    if config is not None:
        workspace = tmp_path / "ws"
        shutil.copytree(demo, workspace)
        with (workspace / "aisma.yaml").open("a") as handle:
            handle.write(config)
    out = tmp_path / "report.html"
    assert run(["assess", str(workspace), "--format", "html", "--out", str(out), "--at", DEMO_ASSESSED_AT, *args]) == 0
    return out.read_text(encoding="utf-8")


def sections(html: str) -> list[str]:
    return SECTION.findall(html)


def test_eu_ai_act_section_golden(demo: Path, tmp_path: Path) -> None:
    (section,) = sections(html_of(demo, tmp_path, "--framework", "eu-ai-act"))
    golden = GOLDEN / "demo-report-framework-eu-ai-act.html"
    if os.environ.get("AISMA_UPDATE_GOLDEN"):
        golden.write_text(section, encoding="utf-8")
    assert section == golden.read_text(encoding="utf-8")
    assert "coverage 90% of 21 requirements mapped; 6 met, 12 partial, 1 gap, 0 n-a, 2 unmapped" in section
    assert "<strong>As of 2026-11-16 09:00 UTC (the time asked for).</strong>" in section


def test_the_section_says_what_framework_assess_says(
    demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (section,) = sections(html_of(demo, tmp_path, "--framework", "nist-ai-rmf"))
    capsys.readouterr()
    args = ["framework", "assess", str(demo), "-f", "nist-ai-rmf", "--at", DEMO_ASSESSED_AT]
    assert run(args) == 0
    summary = capsys.readouterr().out.splitlines()[0].split(": ", 1)[1]
    assert f": {summary}.</p>" in section
    assert run([*args, "--format", "json"]) == 0
    posture = json.loads(capsys.readouterr().out)
    rows = re.findall(
        r'<td class="depth-\d"><strong>([^<]+)</strong>.*?<span class="pill [a-z]+">([a-z-]+)</span>', section, re.S
    )
    assert [(html.unescape(i), status) for i, status in rows] == [
        (r["id"], r["status"]) for r in posture["requirements"]
    ]
    mapped = re.findall(r"<div><strong>([A-Z]+-\d+\.\d+)</strong> <span class=\"src\">(\w+)</span>", section)
    assert sorted(mapped) == sorted(
        (o["id"], o["relationship"]) for r in posture["requirements"] for o in r["objectives"]
    )


def test_aisma_yaml_chooses_and_the_option_picks(demo: Path, tmp_path: Path) -> None:
    config = (
        "report:\n  frameworks:\n    - eu-ai-act\n"
        "    - {framework: sp800-53-low.xml, id: sp800-53-low, mapping: sp800-53-mapping.yaml}\n"
    )
    both = sections(html_of(demo, tmp_path, config=config))
    assert [re.search(r'data-framework="([^"]+)"', s).group(1) for s in both] == ["eu-ai-act", "sp800-53-low"]  # type: ignore[union-attr]
    imported = both[1]
    assert (
        "AC-02 Account Management" in imported
        and "through mapping set <code>aisma-core--sp800-53-low-ac-ir</code>" in imported
    )
    assert 'INF-2.1</strong> <span class="src">subset</span>' in imported
    assert "OSCAL catalog sp800-53-low.xml" in imported
    workspace = tmp_path / "ws"
    out = tmp_path / "one.html"
    assert run(["assess", str(workspace), "-f", "html", "-o", str(out), "--framework", "sp800-53-low"]) == 0
    assert [s.split('data-framework="')[1].split('"')[0] for s in sections(out.read_text())] == ["sp800-53-low"]
    assert run(["assess", str(workspace), "-f", "html", "-o", str(out), "--framework", "none"]) == 0
    assert sections(out.read_text()) == []


def test_no_frameworks_no_section(demo: Path, tmp_path: Path) -> None:
    html = html_of(demo, tmp_path)
    assert sections(html) == [] and 'class="framework-posture"' not in html


def test_a_bad_entry_or_name_is_one_line(demo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    workspace = tmp_path / "bad"
    shutil.copytree(demo, workspace)
    with (workspace / "aisma.yaml").open("a") as handle:
        handle.write("report:\n  frameworks: [nope.xml]\n")
    capsys.readouterr()
    assert run(["assess", str(workspace), "-f", "html", "-o", str(tmp_path / "x.html")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.endswith("aisma.yaml: report.frameworks[0].framework nope.xml: not a built-in framework or a file")
    assert "\n" not in err and not (tmp_path / "x.html").exists()
    assert run(["assess", str(demo), "-f", "html", "-o", str(tmp_path / "x.html"), "--framework", "nope"]) == 1
    assert "--framework nope: not a built-in framework" in capsys.readouterr().err


@pytest.mark.slow
def test_pdf_has_the_section(demo: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    out = tmp_path / "report.pdf"
    args = ["assess", str(demo), "--format", "pdf", "--out", str(out), "--at", DEMO_ASSESSED_AT]
    assert run([*args, "--framework", "eu-ai-act"]) == 0
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(out.read_bytes())).pages)
    flat = " ".join(text.split())
    assert "through mapping set aisma-core--eu-ai-act" in flat
    assert "coverage 90% of 21 requirements mapped; 6 met, 12 partial, 1 gap" in flat
    assert "Art. 14" in flat
