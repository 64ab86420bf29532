"""Upgrade and downgrade the server database with the migrations shipped inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from aisma.errors import AismaError
from aisma.store.db import Database, connection_errors_reported

SCRIPT_LOCATION = "aisma.store:migrations"
MIGRATION_LOCK_KEY = 0x4149534D  # "AISM": the lock that serializes migrations of one database


def _config(database: Database) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    return config


def _run(url: str, action: str, revision: str) -> None:
    database = Database(url)
    try:
        config = _config(database)
        with connection_errors_reported(url), database.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Several servers starting at once on one database: one migrates, the others wait and
                # then find nothing left to do (SQLite's BEGIN IMMEDIATE serializes them the same way).
                connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            config.attributes["connection"] = connection
            try:
                if action == "upgrade":
                    command.upgrade(config, revision)
                else:
                    command.downgrade(config, revision)
            except Exception as exc:
                if type(exc).__module__.startswith("alembic"):
                    raise AismaError(f"database {action} to {revision}: {exc}") from None
                raise
    finally:
        database.dispose()


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision`` (default: the newest)."""
    _run(url, "upgrade", revision)


def downgrade(url: str, revision: str) -> None:
    """Take the database back to ``revision`` (``base`` removes every table)."""
    _run(url, "downgrade", revision)


def current(url: str) -> str | None:
    """The revision the database is at, or None for an empty database."""
    database = Database(url)
    try:
        with connection_errors_reported(url), database.engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        database.dispose()


def head() -> str:
    """The newest revision shipped with this version of aisma."""
    revision = ScriptDirectory.from_config(_config(Database("sqlite://"))).get_current_head()
    assert revision is not None
    return revision


def ensure_queue_schema(url: str) -> bool:
    """Create procrastinate's tables on a PostgreSQL database that has none (the job queue's); True if created.

    Done by ``aisma serve`` and ``aisma worker`` when the queue is procrastinate, under the migration lock.
    """
    from procrastinate.schema import SchemaManager

    database = Database(url)
    try:
        with connection_errors_reported(url), database.engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
            if inspect(connection).has_table("procrastinate_jobs"):
                return False
            raw = connection.connection.driver_connection
            assert raw is not None
            raw.execute(SchemaManager.get_schema())  # psycopg: no parameters, so no placeholder parsing
            return True
    finally:
        database.dispose()
