"""The ``aisma.reporters`` registry: every format is an entry point, the built-ins included."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path
from typing import Any

import pytest

from aisma.errors import AismaError
from aisma.reports import registry
from aisma.reports.registry import ReportContext, Reporter
from aisma.scoring.results import AssessmentResult

ROOT = Path(__file__).parent.parent


def test_builtin_formats_are_registered() -> None:
    found = registry.installed()
    assert {"json", "md", "html"} <= set(found)
    for name, reporter in found.items():
        assert reporter.format == name
        assert reporter.suffix.startswith(".")
        assert reporter.media_type


def test_every_format_is_documented() -> None:
    text = (ROOT / "docs" / "reports.md").read_text()
    for name in registry.installed():
        assert f"| `{name}` |" in text, name


def test_unknown_format_names_the_known_ones() -> None:
    with pytest.raises(AismaError, match=r"unknown report format 'docx'; expected one of .*html.*json.*md"):
        registry.get("docx")


class _FakeEntry:
    def __init__(self, name: str, target: Any) -> None:
        self.name = name
        self._target = target

    def load(self) -> Any:
        return self._target


def _with_entries(monkeypatch: pytest.MonkeyPatch, *entries: _FakeEntry) -> None:
    registry.installed.cache_clear()
    monkeypatch.setattr(metadata, "entry_points", lambda group: list(entries))


def test_plugin_name_must_match_format(monkeypatch: pytest.MonkeyPatch) -> None:
    def render(result: AssessmentResult, context: ReportContext) -> str:
        return "x"

    plugin = Reporter("txt", "text/plain", ".txt", False, "plain text", render)
    try:
        _with_entries(monkeypatch, _FakeEntry("text", plugin))
        with pytest.raises(AismaError, match="reporter text: entry point name and format 'txt' differ"):
            registry.installed()
        _with_entries(monkeypatch, _FakeEntry("txt", lambda: plugin))
        assert registry.installed() == {"txt": plugin}
        _with_entries(monkeypatch, _FakeEntry("bad", lambda: "not a reporter"))
        with pytest.raises(AismaError, match="reporter bad: entry point does not give"):
            registry.installed()
    finally:
        registry.installed.cache_clear()


def test_markdown_report_keeps_html_from_the_data_inert() -> None:
    """A system name or note with a <script> tag must not reach a wiki as a tag."""
    from aisma.roadmap.render import md_cell

    assert md_cell("<script>alert(1)</script> | x\ny") == "&lt;script>alert(1)&lt;/script> \\| x y"
