"""``aisma history`` and ``aisma diff``: saved assessments over time, and what changed between two."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aisma.errors import AismaError
from aisma.fileio import write_atomic
from aisma.reports.trend import render_history_csv, render_history_markdown, trend_svg
from aisma.roadmap.diff import diff_results, render_diff_json, render_diff_markdown
from aisma.workspace.history import find_snapshot, load_result, trend


class HistoryFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"


class DiffFormat(StrEnum):
    md = "md"
    json = "json"


def _emit(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(out, text)
        typer.echo(f"Wrote {out}", err=True)


def register(app: typer.Typer) -> None:
    @app.command()
    def history(
        directory: Annotated[Path, typer.Argument(help="Workspace folder; snapshots are in its history/ folder.")],
        format: Annotated[HistoryFormat, typer.Option("--format", "-f", help="Output format.")] = HistoryFormat.md,
        chart: Annotated[
            Path | None, typer.Option(help="Also write an SVG trend chart (overall and per category) here.")
        ] = None,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    ) -> None:
        """Saved assessments (aisma assess DIR --save) over time: levels and scores, claimed and evidenced."""
        points = trend(directory)
        if format is HistoryFormat.json:
            text = json.dumps([p.to_dict() for p in points], indent=2, ensure_ascii=False) + "\n"
        elif format is HistoryFormat.csv:
            text = render_history_csv(points)
        else:
            text = render_history_markdown(points)
        if chart is not None:
            if not points:
                raise AismaError(f"{directory}: no saved assessments to chart (save one with: aisma assess --save)")
            write_atomic(chart, trend_svg(points))
            typer.echo(f"Wrote {chart}", err=True)
        _emit(text, out)

    @app.command()
    def diff(
        before: Annotated[str, typer.Argument(help="Earlier result JSON file, or a snapshot name with --in.")],
        after: Annotated[str, typer.Argument(help="Later result JSON file, or a snapshot name with --in.")],
        workspace: Annotated[
            Path | None,
            typer.Option(
                "--in", help="Workspace whose history/ holds the snapshots: names may be latest, previous or a prefix."
            ),
        ] = None,
        format: Annotated[DiffFormat, typer.Option("--format", "-f", help="Output format.")] = DiffFormat.md,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
    ) -> None:
        """What changed between two assessments and why (answers, measurements, model version, inventory)."""
        paths = [find_snapshot(workspace, ref) if workspace is not None else Path(ref) for ref in (before, after)]
        changes = diff_results(load_result(paths[0]), load_result(paths[1]))
        _emit(render_diff_json(changes) if format is DiffFormat.json else render_diff_markdown(changes), out)
