"""``aisma inventory list|show|validate``: the AI systems of a workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aisma.errors import AismaError
from aisma.inventory.autonomy import autonomy_result
from aisma.scoring.gating import deployment_class_id
from aisma.workspace.loader import open_workspace

Workspace = Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml).")]


def build() -> typer.Typer:
    app = typer.Typer(help="The AI inventory: list, show and validate systems.", no_args_is_help=True)

    @app.command("list")
    def list_systems(directory: Workspace) -> None:
        """One line per AI system: track, deployment, agentic, risk tier, owner."""
        ws = open_workspace(directory)
        table = Table("Id", "Name", "Track", "Deployment", "Class", "Agentic", "Tier", "Owner", "Environment")
        for s in ws.inventory.systems:
            table.add_row(
                s.id,
                s.name,
                s.track,
                s.deployment_type,
                deployment_class_id(s),
                "yes" if s.is_agentic else "no",
                s.risk_tier or "-",
                s.owner or "[red]none[/red]",
                s.environment,
            )
        Console().print(table)
        typer.echo(f"{len(ws.inventory.systems)} systems")

    @app.command()
    def show(directory: Workspace, system: Annotated[str, typer.Argument(help="System id.")]) -> None:
        """Every field of one system, with its Autonomy Test result and deployment class."""
        ws = open_workspace(directory)
        found = next((s for s in ws.inventory.systems if s.id == system), None)
        if found is None:
            raise AismaError(f"no system {system!r} in {directory / 'inventory.yaml'}")
        data = found.model_dump(mode="json", exclude_defaults=True)
        test = autonomy_result(found.autonomy_test)
        data["_derived"] = {
            "agentic": found.is_agentic,
            "autonomy_level": found.autonomy_level or test.level,
            "autonomy_reason": test.reason,
            "autonomy_test_complete": test.complete,
            "deployment_class": deployment_class_id(found),
        }
        typer.echo(json.dumps(data, indent=2))

    @app.command()
    def validate(directory: Workspace) -> None:
        """Check inventory.yaml (and the rest of the workspace); errors name file, line and field."""
        ws = open_workspace(directory)
        typer.echo(f"{directory / 'inventory.yaml'}: {len(ws.inventory.systems)} systems, valid")

    return app
