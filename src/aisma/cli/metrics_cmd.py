"""``aisma metrics``: the metric catalog with its producers and whether they exist yet."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aisma.collectors.producers import metric_statuses
from aisma.maturity.loader import resolve_model


def register(app: typer.Typer) -> None:
    @app.command()
    def metrics(
        model: Annotated[str | None, typer.Option(help="Only the metrics this model uses.")] = None,
    ) -> None:
        """Metric catalog: id, unit, direction, producers, and whether a producer is installed."""
        used = None
        if model:
            used = {o.measurement.metric for o in resolve_model(model).objectives() if o.measurement.metric}
        table = Table("Metric", "Unit", "Better", "Producers", "Status")
        planned = 0
        for status in metric_statuses():
            spec = status.spec
            if used is not None and spec.id not in used:
                continue
            planned += not status.available
            state = f"available ({', '.join(status.available_from)})" if status.available else "planned"
            table.add_row(
                spec.id,
                spec.unit,
                "higher" if spec.direction == "higher_is_better" else "lower",
                ", ".join(spec.producers),
                state,
            )
        console = Console()
        console.print(table)
        console.print(f"{planned} metric(s) wait for a producer that is not installed yet.")
