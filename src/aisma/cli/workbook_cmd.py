"""``aisma workbook import``: merge a system owner's offline answers into the workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from aisma.workbook.merge import import_workbook


def build() -> typer.Typer:
    app = typer.Typer(
        help="The XLSX workbook (export it with: aisma assess DIR --format xlsx --out FILE).", no_args_is_help=True
    )

    @app.command("import")
    def import_(
        workbook: Annotated[Path, typer.Argument(help="The filled-in workbook (.xlsx) aisma exported.")],
        directory: Annotated[Path, typer.Argument(help="Workspace folder whose answers.yaml receives the answers.")],
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the changes; write nothing.")] = False,
    ) -> None:
        """Merge the workbook's answers into answers.yaml, printing every changed answer.

        Refuses a workbook of another model or version, unknown objective ids and invalid answers,
        naming the sheet and cell. An empty answer cell leaves that objective's answer as it is.
        """
        today = datetime.now(UTC).date()
        changes = import_workbook(workbook, directory, today=today, dry_run=dry_run)
        for change in changes:
            typer.echo(change.describe())
        count = len(changes)
        noun = "answer" if count == 1 else "answers"
        if dry_run:
            typer.echo(f"{count} {noun} would change (dry run: answers.yaml not written)")
        elif count:
            typer.echo(f"{count} {noun} changed in {directory / 'answers.yaml'}")
        else:
            typer.echo("No answer changed.")

    return app
