"""``aisma db upgrade|downgrade|current`` and ``aisma audit verify``: server database administration."""

from __future__ import annotations

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
    ) -> None:
        """Check the whole audit chain; exit 1 naming the first changed or missing row.

        Prints the chain's head hash: keep it outside the database and pass it as --anchor next time.
        """
        from aisma.store.db import Database, connection_errors_reported
        from aisma.web.features.audit import service as audit

        target = database_url(url)
        database = Database(target)
        try:
            with connection_errors_reported(target), database.transaction(readonly=True) as session:
                report = audit.verify(session, anchor)
        finally:
            database.dispose()
        if not report.ok:
            raise AismaError(f"audit trail broken after {report.checked} good rows: {report.problem}")
        typer.echo(f"audit trail intact: {report.checked} rows verified; head {report.head}")

    return app
