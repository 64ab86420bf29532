"""``aisma db upgrade|downgrade|current`` and ``aisma audit verify``: server database administration."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aisma.errors import AismaError

DatabaseUrl = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        help="SQLAlchemy URL of the server database (default: AISMA_DATABASE_URL, else <AISMA_DATA_DIR>/aisma.db).",
        show_default=False,
    ),
]


def database_url(option: str | None) -> str:
    """The URL given on the command line, else the server settings' (environment) one."""
    if option:
        return option
    from aisma.server.settings import ServerSettings

    return ServerSettings().database_url


def build_db() -> typer.Typer:
    app = typer.Typer(help="The server database: apply, undo and show schema migrations.", no_args_is_help=True)

    @app.command()
    def upgrade(
        revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
        url: DatabaseUrl = None,
    ) -> None:
        """Apply migrations up to REVISION (default: the newest). Safe to run on every start."""
        from aisma.store import migrate

        target = database_url(url)
        migrate.upgrade(target, revision)
        typer.echo(f"database at revision {migrate.current(target)}")

    @app.command()
    def downgrade(
        revision: Annotated[str, typer.Argument(help="Target revision; 'base' removes every table.")],
        url: DatabaseUrl = None,
    ) -> None:
        """Undo migrations down to REVISION."""
        from aisma.store import migrate

        target = database_url(url)
        migrate.downgrade(target, revision)
        typer.echo(f"database at revision {migrate.current(target) or 'base (empty)'}")

    @app.command()
    def current(url: DatabaseUrl = None) -> None:
        """Print the database's revision and the newest one this aisma ships."""
        from aisma.store import migrate

        revision = migrate.current(database_url(url))
        head = migrate.head()
        state = "up to date" if revision == head else "run: aisma db upgrade"
        typer.echo(f"current: {revision or 'base (empty)'}; head: {head} ({state})")

    return app


def build_audit() -> typer.Typer:
    app = typer.Typer(help="The server's hash-chained audit trail.", no_args_is_help=True)

    @app.command()
    def verify(
        url: DatabaseUrl = None,
        anchor: Annotated[
            str | None,
            typer.Option(
                "--anchor", help="A head hash printed by an earlier verify: fails if rows after it were deleted."
            ),
        ] = None,
        checkpoint: Annotated[
            Path | None,
            typer.Option(
                "--checkpoint",
                help="A file kept outside the database: checked against when it exists, then rewritten with "
                "the chains' current heads (fails if rows it names were deleted, even with the whole database "
                "rolled back).",
            ),
        ] = None,
    ) -> None:
        """Check every audit chain and its signed checkpoint; exit 1 naming the first changed or missing row.

        Each organization's chain ends in a head signed with the server key (AISMA_SECRET_KEY or
        <AISMA_DATA_DIR>/secret.key): deleting the newest rows is detected without any anchor. Prints
        the newest row's hash (keep it outside the database for --anchor next time).
        """
        from aisma.server.settings import ServerSettings
        from aisma.store.db import Database, connection_errors_reported
        from aisma.web.features.audit import checkpoint as checkpoints
        from aisma.web.features.audit import service as audit

        settings = ServerSettings()
        target = database_url(url)
        key = settings.existing_secret_key()
        expected = checkpoints.read(checkpoint, key) if checkpoint is not None else None
        database = Database(target, signing_key=key)
        try:
            with connection_errors_reported(target), database.transaction(readonly=True) as session:
                report = audit.verify(session, anchor, expected)
        finally:
            database.dispose()
        if not report.ok:
            raise AismaError(f"audit trail broken after {report.checked} good rows: {report.problem}")
        if checkpoint is not None:
            checkpoints.write(checkpoint, report.heads or {}, key)
        signed = "" if key is not None else " (no server key here: checkpoint signatures not checked)"
        typer.echo(
            f"audit trail intact: {report.checked} rows in {report.chains} chains verified{signed}; head {report.head}"
        )

    return app
