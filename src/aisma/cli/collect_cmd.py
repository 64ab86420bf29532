"""``aisma collect`` and ``aisma collectors list``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, DownloadColumn, Progress, TimeRemainingColumn
from rich.table import Table

from aisma.cli.assess_cmd import parse_optional_at
from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.registry import get, installed
from aisma.collectors.run import run_collector
from aisma.errors import AismaError
from aisma.inventory.schema import Inventory
from aisma.scoring.inputs import Measurement
from aisma.workspace.clock import assessment_time
from aisma.workspace.loader import open_workspace

PROGRESS_THRESHOLD = 50 * 1024 * 1024  # show a bar when the inputs exceed 50 MB


def measurement_dict(m: Measurement) -> dict[str, Any]:
    return {
        "metric": m.metric,
        "value": m.ratio,
        "numerator": m.numerator,
        "denominator": m.denominator,
        "observed_at": m.observed_at.isoformat(),
        "source": {
            "tool": m.source.tool,
            "version": m.source.version,
            "file": m.source.file,
            "sha256": m.source.sha256,
        },
        "details": list(m.details),
    }


def register(app: typer.Typer) -> None:
    @app.command()
    def collect(
        collector: Annotated[str, typer.Argument(help="Collector id (see: aisma collectors list).")],
        paths: Annotated[
            list[Path] | None, typer.Argument(help="Tool output files to read (none for live collectors).")
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print the measurements as JSON.")] = False,
        workspace: Annotated[Path | None, typer.Option(help="Workspace whose inventory and settings to use.")] = None,
        at: Annotated[
            str | None,
            typer.Option(help="Assessment time (ISO, or 'now'); default the --workspace's as_of, else now."),
        ] = None,
    ) -> None:
        """Run one collector over tool output files and print the measurements it produces."""
        chosen = get(collector)
        paths = paths or []
        if not paths and chosen.meta.patterns:
            raise AismaError(
                f"collector {collector} reads files: give at least one ({', '.join(chosen.meta.patterns)})"
            )
        inventory, root = Inventory(), None
        settings: dict[str, Any] = {}
        pinned = None
        if workspace is not None:
            ws = open_workspace(workspace)
            inventory, root = ws.inventory, ws.root
            settings = ws.config.collectors.get(collector) or {}
            pinned = ws.config.as_of
        when, _ = assessment_time(parse_optional_at(at), pinned)
        total = sum(p.stat().st_size for p in paths if p.is_file())
        console = Console(stderr=True)
        with Progress(
            "[progress.description]{task.description}",
            BarColumn(),
            DownloadColumn(),
            TimeRemainingColumn(),
            console=console,
            disable=total < PROGRESS_THRESHOLD or (as_json and not console.is_terminal),
        ) as progress:
            task = progress.add_task(f"{collector}", total=total)
            context = CollectContext(
                assessed_at=when,
                inventory=inventory,
                settings=settings,
                root=root,
                progress=lambda n: progress.advance(task, n),
            )
            result = run_collector(chosen, paths, context)
        _print(collector, result, as_json)
        if result.unreadable:
            # Files named on the command line must all be read: each one that was not is an error.
            for line in result.unreadable[:-1]:
                typer.echo(f"aisma: error: {line}", err=True)
            raise AismaError(result.unreadable[-1])

    def _print(collector: str, result: CollectionResult, as_json: bool) -> None:
        if as_json:
            payload = {
                "collector": collector,
                "measurements": [measurement_dict(m) for m in result.measurements],
                "warnings": list(result.warnings),
                "unreadable": list(result.unreadable),
            }
            typer.echo(json.dumps(payload, indent=2))
            return
        if not result.measurements and result.unreadable:
            return
        table = Table("Metric", "Value", "Passed / total", "Observed", "Source")
        for m in result.measurements:
            value = "n/a" if m.ratio is None else f"{m.ratio:.3f}"
            counts = (
                f"{m.numerator:g} / {m.denominator:g}" if m.denominator is not None and m.numerator is not None else "-"
            )
            table.add_row(
                m.metric, value, counts, m.observed_at.date().isoformat(), f"{m.source.tool} {m.source.version}".strip()
            )
        Console().print(table)
        for warning in result.warnings:
            typer.echo(f"warning: {warning}", err=True)

    collectors_app = typer.Typer(help="Installed collectors.", no_args_is_help=True)

    @collectors_app.command("list")
    def list_collectors() -> None:
        """Installed collectors: tool, accepted formats and versions, metrics produced."""
        table = Table("Id", "Tool", "Formats", "Versions", "Evidence folder", "Metrics")
        for cid, c in sorted(installed().items()):
            m = c.meta
            table.add_row(
                cid, m.tool, ", ".join(m.formats), m.versions, f"evidence/{m.evidence_dir}", "\n".join(m.metrics)
            )
        Console().print(table)

    app.add_typer(collectors_app, name="collectors")
