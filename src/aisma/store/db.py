"""One ``Database`` per process: an engine, and a transaction per request or command.

SQLite gets WAL (readers never wait for the writer), foreign keys and a busy timeout, and its write
transactions start with ``BEGIN IMMEDIATE``: two writers then queue for the lock instead of one of
them failing when it upgrades a read lock (the classic "database is locked" of deferred
transactions). Read-only transactions (``transaction(readonly=True)``) start deferred.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session

from aisma.errors import AismaError

SQLITE_BUSY_TIMEOUT_MS = 15_000  # then the web layer answers 503 with Retry-After
POSTGRES_LOCK_TIMEOUT_MS = 15_000  # the same for a PostgreSQL statement waiting for a lock
_BEGIN_OPTION = "aisma_sqlite_begin"


def normalize_url(url: str) -> str:
    """Accept ``postgresql://`` and ``postgres://`` (what most hosts hand out) as the psycopg 3 driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def is_sqlite(url: str) -> bool:
    return make_url(normalize_url(url)).get_backend_name() == "sqlite"


def display_url(url: str) -> str:
    """The URL with its password masked, for messages."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except Exception:
        return "(invalid url)"


@contextmanager
def connection_errors_reported(url: str) -> Iterator[None]:
    """Turn "cannot reach the database" into a one-line user error instead of a traceback."""
    try:
        yield
    except (OperationalError, InterfaceError) as exc:
        detail = str(exc.orig or exc).strip().splitlines()[0] if str(exc.orig or exc).strip() else type(exc).__name__
        raise AismaError(f"database {display_url(url)}: {detail}") from None


class Database:
    """The engine and its sessions; build it in the app factory or the CLI command, never at import."""

    def __init__(self, url: str, *, echo: bool = False, signing_key: str | None = "") -> None:
        """``signing_key`` signs the audit chains' checkpoints (the server's secret key); None: not known here
        (``aisma audit verify`` without the key checks the chains but not the signatures)."""
        self.url = normalize_url(url)
        self.signing_key = signing_key
        try:
            parsed = make_url(self.url)
        except Exception:
            raise AismaError(f"database url {url!r} is not a valid SQLAlchemy URL") from None
        self.sqlite = parsed.get_backend_name() == "sqlite"
        if self.sqlite and parsed.database and parsed.database != ":memory:":
            from pathlib import Path

            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        kwargs: dict[str, Any] = {"echo": echo}
        if self.sqlite and parsed.database and parsed.database != ":memory:":
            kwargs.update(pool_size=20, max_overflow=20, pool_timeout=15)  # file connections are cheap
        if not self.sqlite:
            kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=20, pool_timeout=15)
            if parsed.get_backend_name() == "postgresql":
                kwargs["connect_args"] = {"options": f"-c lock_timeout={POSTGRES_LOCK_TIMEOUT_MS}"}
        self.engine: Engine = create_engine(self.url, **kwargs)
        if self.sqlite:
            _configure_sqlite(self.engine)

    @contextmanager
    def transaction(self, *, readonly: bool = False) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with self.engine.connect() as connection:
            if self.sqlite:
                connection.execution_options(**{_BEGIN_OPTION: "BEGIN" if readonly else "BEGIN IMMEDIATE"})
            session = Session(bind=connection, expire_on_commit=False, autoflush=True)
            if self.signing_key is not None:
                session.info["aisma_signing_key"] = self.signing_key
            try:
                yield session
                if not readonly:
                    session.commit()
                # A read-only block ends in close(): its work is rolled back, its objects stay loaded.
            except BaseException:
                session.rollback()
                raise
            finally:
                session.close()

    def dispose(self) -> None:
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # The driver's own implicit BEGIN is switched off: we emit BEGIN ourselves (below).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        connection.exec_driver_sql(connection.get_execution_options().get(_BEGIN_OPTION, "BEGIN IMMEDIATE"))
