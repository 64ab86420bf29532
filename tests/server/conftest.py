"""Server test fixtures, shared by the store, API and web tests.

``database_url`` runs a test on SQLite (a file in tmp_path) and on PostgreSQL (a database created on
127.0.0.1:5432 for the test and dropped after). Both are copies of a template migrated once per test
session, so each test starts from a freshly migrated, empty database in milliseconds. Without a
reachable PostgreSQL the postgresql cases skip locally and ERROR under CI=true.

Parallel workers (pytest-xdist) each have their own session: their own template and their own
databases, named ``aisma_t_<worker>_<random>`` so that no two workers (nor two test runs sharing the
server) ever meet, and a leftover from a killed run says which worker made it.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from aisma.server import passwords
from aisma.server.auth import Role
from aisma.store import migrate
from aisma.store.db import Database
from aisma.web.features.organizations import service as accounts
from prerequisites import missing

from .factories import PASSWORD, OrgWithMembers
from .mail_fixtures import smtp  # noqa: F401 - a fixture: a local SMTP server

POSTGRES_ADMIN_URL = os.environ.get("AISMA_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BACKENDS = ["sqlite", "postgresql"]
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1, ... under pytest-xdist


class PostgresServer:
    """Creates and drops uniquely named databases on the test server."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = make_url(admin_url)
        self.engine = create_engine(self.admin_url, isolation_level="AUTOCOMMIT", pool_size=1)
        self.template: str | None = None

    def url(self, name: str) -> str:
        return self.admin_url.set(database=name).render_as_string(hide_password=False)

    def create(self, template: str | None = None) -> str:
        name = f"aisma_t_{WORKER}_{uuid.uuid4().hex}"
        suffix = f" TEMPLATE {template}" if template else ""
        with self.engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"{suffix}'))
        return name

    def drop(self, name: str) -> None:
        with self.engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(autouse=True)
def _jobs_run_inside_the_app(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test's app runs its background jobs in a worker thread of its own, on PostgreSQL too;
    the procrastinate queue with separate ``aisma worker`` processes has tests of its own."""
    monkeypatch.setenv("AISMA_JOB_QUEUE", "inprocess")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = PostgresServer(POSTGRES_ADMIN_URL)
        with server.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        detail = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        missing(f"PostgreSQL not reachable at {POSTGRES_ADMIN_URL} ({detail}); set AISMA_TEST_POSTGRES_URL")
    yield server
    if server.template:
        server.drop(server.template)
    server.engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "aisma.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def _postgres_template(server: PostgresServer) -> str:
    if server.template is None:
        name = server.create()
        migrate.upgrade(server.url(name))
        server.template = name
    return server.template


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def empty_database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A database with no tables at all (for migration tests)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create()
    yield server.url(name)
    server.drop(name)


@pytest.fixture
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """A freshly migrated, empty database on ``backend`` (sqlite or postgresql)."""
    if backend == "sqlite":
        path = tmp_path / "aisma.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create(template=_postgres_template(server))
    yield server.url(name)
    server.drop(name)


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def password_hash() -> str:
    """One argon2id hash of PASSWORD, computed once: hashing per user would make every test slow."""
    return passwords.hash_password(PASSWORD)


@pytest.fixture
def make_org(database: Database, password_hash: str):  # type: ignore[no-untyped-def]
    """Factory: ``make_org("acme")`` creates organization acme with owner/assessor/contributor/viewer
    users ``<role>@<slug>.example`` (password ``PASSWORD``)."""

    def _make(slug: str, model_id: str = "aisma-core") -> OrgWithMembers:
        with database.transaction() as session:
            org = accounts.create_organization(session, slug, slug.title(), model_id)
            made = OrgWithMembers(org.id, slug)
            for role in Role:
                email = f"{role.value}@{slug}.example"
                user = accounts.user_by_email(session, email) or accounts.create_user(session, email, None, role.value)
                user.password_hash = password_hash
                accounts.add_member_unchecked(session, org, user, role)
                made.user_ids[role], made.emails[role] = user.id, email
            for role in Role:
                user = accounts.get_user(session, made.user_ids[role])
                made.actors[role] = accounts.actor_for(session, user, slug)
        return made

    return _make


@pytest.fixture
def org_a(make_org) -> OrgWithMembers:  # type: ignore[no-untyped-def]
    return make_org("org-a")  # type: ignore[no-any-return]


@pytest.fixture
def org_b(make_org) -> OrgWithMembers:  # type: ignore[no-untyped-def]
    return make_org("org-b")  # type: ignore[no-any-return]
