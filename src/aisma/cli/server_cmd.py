"""``aisma server import|export``: move an organization between a workspace folder and the server."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aisma.cli.db_cmd import DatabaseUrl


def build() -> typer.Typer:
    app = typer.Typer(help="Team server administration: import and export organizations.", no_args_is_help=True)

    @app.command("import")
    def import_(
        directory: Annotated[
            Path, typer.Argument(help="Workspace folder (aisma.yaml, inventory.yaml, answers.yaml, evidence/).")
        ],
        org: Annotated[str, typer.Option("--org", help="Slug of the organization to create (or fill, if empty).")],
        no_collect: Annotated[
            bool, typer.Option("--no-collect", help="Do not run the collectors over evidence/ at import.")
        ] = False,
        url: DatabaseUrl = None,
    ) -> None:
        """Import a workspace into the server database as organization ORG (migrates the database first)."""
        from aisma.server.services import transfer
        from aisma.server.settings import ServerSettings
        from aisma.store import migrate
        from aisma.store.db import Database, connection_errors_reported

        settings = ServerSettings()
        target = url or settings.database_url
        migrate.upgrade(target)
        database = Database(target)
        try:
            with connection_errors_reported(target), database.transaction() as session:
                summary = transfer.import_workspace(
                    session, directory, org, settings.evidence_path, by="cli import", collect=not no_collect
                )
        finally:
            database.dispose()
        for line in summary.unreadable:
            typer.echo(f"warning: {line}", err=True)
        typer.echo(
            f"imported {directory} as {summary.org_slug}: {summary.systems} systems, {summary.answers} answers, "
            f"{summary.evidence_files} evidence files, {summary.measurements} measurements, "
            f"{summary.observed} observed AI assets"
        )

    @app.command("export")
    def export(
        org: Annotated[str, typer.Argument(help="Slug of the organization to export.")],
        directory: Annotated[Path, typer.Argument(help="New or empty folder to write the workspace into.")],
        url: DatabaseUrl = None,
    ) -> None:
        """Write organization ORG as a workspace folder that `aisma assess` reads."""
        from aisma.server.services import accounts, transfer
        from aisma.server.settings import ServerSettings
        from aisma.store.db import Database, connection_errors_reported

        settings = ServerSettings()
        target = url or settings.database_url
        database = Database(target)
        try:
            with connection_errors_reported(target), database.transaction() as session:
                actor = accounts.system_actor(session, org, "cli export")
                count = transfer.export_workspace(session, actor, directory, settings.evidence_path)
        finally:
            database.dispose()
        typer.echo(f"exported {org} to {directory} ({count} evidence files)")

    return app
