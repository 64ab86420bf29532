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
        owner: Annotated[
            str | None,
            typer.Option(
                "--owner",
                help="Email of the account that owns the imported organization (default: the first admin; "
                "on a server that never ran, the first admin is created now, as `aisma serve` would).",
            ),
        ] = None,
        url: DatabaseUrl = None,
    ) -> None:
        """Import a workspace into the server database as organization ORG (migrates the database first)."""
        import os

        from aisma.server.settings import ServerSettings
        from aisma.server.storage import store_for
        from aisma.store import migrate
        from aisma.store.db import Database, connection_errors_reported
        from aisma.web.features.organizations import bootstrap
        from aisma.web.features.transfer import service as transfer
        from aisma.web.serve import ADMIN_EMAIL_ENV, ADMIN_PASSWORD_ENV

        settings = ServerSettings()
        target = url or settings.database_url
        migrate.upgrade(target)
        database = Database(target, signing_key=settings.resolved_secret_key())
        try:
            with connection_errors_reported(target), database.transaction() as session:
                user, chosen = bootstrap.import_owner(
                    session,
                    owner,
                    admin_email=os.environ.get(ADMIN_EMAIL_ENV) or None,
                    admin_password=os.environ.get(ADMIN_PASSWORD_ENV) or None,
                )
                summary = transfer.import_workspace(
                    session,
                    directory,
                    org,
                    store_for(settings.evidence_path, settings.evidence_url),
                    by="cli import",
                    collect=not no_collect,
                    owner=user,
                )
        finally:
            database.dispose()
        for line in summary.unreadable:
            typer.echo(f"warning: {line}", err=True)
        typer.echo(
            f"imported {directory} as {summary.org_slug}: {summary.systems} systems, {summary.answers} answers, "
            f"{summary.evidence_files} evidence files, {summary.measurements} measurements, "
            f"{summary.observed} observed AI assets; owner {summary.owner}"
        )
        if chosen.created is not None:
            typer.echo(f"aisma: created the account {chosen.created.email}")
            if chosen.created.generated_password is not None:
                typer.echo(
                    f"aisma: one-time password: {chosen.created.generated_password}  "
                    "(shown once; change it at /account/password)"
                )

    @app.command("export")
    def export(
        org: Annotated[str, typer.Argument(help="Slug of the organization to export.")],
        directory: Annotated[Path, typer.Argument(help="New or empty folder to write the workspace into.")],
        url: DatabaseUrl = None,
    ) -> None:
        """Write organization ORG as a workspace folder that `aisma assess` reads."""
        from aisma.server.settings import ServerSettings
        from aisma.server.storage import store_for
        from aisma.store.db import Database, connection_errors_reported
        from aisma.web.features.organizations import service as accounts
        from aisma.web.features.transfer import service as transfer

        settings = ServerSettings()
        target = url or settings.database_url
        database = Database(target, signing_key=settings.resolved_secret_key())
        try:
            with connection_errors_reported(target), database.transaction() as session:
                actor = accounts.system_actor(session, org, "cli export")
                store = store_for(settings.evidence_path, settings.evidence_url)
                count = transfer.export_workspace(session, actor, directory, store)
        finally:
            database.dispose()
        typer.echo(f"exported {org} to {directory} ({count} evidence files)")

    return app
