"""``aisma workbook import``: merge a system owner's offline answers into the workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from aisma.errors import AismaError
from aisma.workbook.merge import import_workbook


def _import_to_server(workbook: Path, server: str, token: str, org: str | None, dry_run: bool, force: bool) -> None:
    from aisma.client.push import ApiClient

    with ApiClient(server, token) as client:
        slug = org or client.token_organization()
        changes = client.import_workbook(slug, workbook, dry_run, force)
    for change in changes:
        typer.echo(change)
    count = len(changes)
    noun = "answer" if count == 1 else "answers"
    if dry_run:
        typer.echo(f"{count} {noun} would change in {slug} (dry run: nothing saved)")
    else:
        typer.echo(f"{count} {noun} changed in {slug} at {server.rstrip('/')}")


def build() -> typer.Typer:
    app = typer.Typer(
        help="The XLSX workbook (export it with: aisma assess DIR --format xlsx --out FILE).", no_args_is_help=True
    )

    @app.command("import")
    def import_(
        workbook: Annotated[Path, typer.Argument(help="The filled-in workbook (.xlsx) aisma exported.")],
        directory: Annotated[
            Path | None,
            typer.Argument(help="Workspace folder whose answers.yaml receives the answers (not with --server)."),
        ] = None,
        dry_run: Annotated[bool, typer.Option("--dry-run", help="Print the changes; write nothing.")] = False,
        force: Annotated[
            bool,
            typer.Option(
                "--force",
                help="Import even the edits of answers changed since the workbook was exported (the workbook wins).",
            ),
        ] = False,
        server: Annotated[
            str | None, typer.Option(help="Import into a team server instead (URL), e.g. https://aisma.example.org.")
        ] = None,
        token: Annotated[
            str, typer.Option(envvar="AISMA_TOKEN", help="With --server: an API token with the write scope.")
        ] = "",
        org: Annotated[
            str | None, typer.Option(help="With --server: organization slug (default: the token's).")
        ] = None,
    ) -> None:
        """Merge the workbook's answers into answers.yaml (or a server's answers), printing every changed answer.

        Refuses a workbook of another model or version, unknown objective ids and invalid answers,
        naming the sheet and cell. An empty answer cell leaves that objective's answer as it is.
        A cell nobody edited never overwrites an answer changed since the export; an edited answer
        that changed since the export is a conflict (named by sheet and cell, nothing written)
        unless --force.
        """
        if server is not None:
            _import_to_server(workbook, server, token, org, dry_run, force)
            return
        if directory is None:
            raise AismaError("name the workspace folder (or import into a server with --server URL)")
        today = datetime.now(UTC).date()
        changes = import_workbook(workbook, directory, today=today, dry_run=dry_run, force=force)
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
