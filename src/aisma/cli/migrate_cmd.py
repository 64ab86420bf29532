"""``aisma model migrate``: move a workspace to another model version, mapping answers by objective id."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from aisma.workspace.migrate import migrate_workspace, render_migration


def register(model_app: typer.Typer) -> None:
    @model_app.command()
    def migrate(
        directory: Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml).")],
        to: Annotated[str, typer.Option("--to", help="New model: an installed id or a path (relative to DIR).")],
        from_model: Annotated[
            str | None,
            typer.Option("--from", help="Old model (id or path) to compare with; default the workspace's model."),
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; change no file.")] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    ) -> None:
        """Map answers onto another model version by objective id; report added, removed and changed objectives."""
        migration = migrate_workspace(directory, to, from_model, dry_run)
        if as_json:
            typer.echo(json.dumps(migration.to_dict(), indent=2, ensure_ascii=False))
        else:
            typer.echo(render_migration(migration), nl=False)
