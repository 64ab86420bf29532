"""Migrations upgrade an empty database to head, downgrade to base and upgrade again, on both backends."""

from __future__ import annotations

from typing import Any

from sqlalchemy import create_engine, inspect

from aisma.store import migrate
from aisma.store.db import normalize_url
from aisma.store.tables import Base


def _tables(url: str) -> set[str]:
    engine = create_engine(normalize_url(url))
    try:
        return set(inspect(engine).get_table_names()) - {"alembic_version"}
    finally:
        engine.dispose()


def test_upgrade_downgrade_upgrade(empty_database_url: str) -> None:
    assert migrate.current(empty_database_url) is None
    migrate.upgrade(empty_database_url)
    assert migrate.current(empty_database_url) == migrate.head()
    assert _tables(empty_database_url) == set(Base.metadata.tables)
    migrate.downgrade(empty_database_url, "base")
    assert migrate.current(empty_database_url) is None
    assert _tables(empty_database_url) == set()
    migrate.upgrade(empty_database_url, "head")
    assert _tables(empty_database_url) == set(Base.metadata.tables)


def test_migrations_match_the_tables(database_url: str) -> None:
    """The migrated schema is what the ORM declares: autogenerate finds nothing to add or drop."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    engine = create_engine(normalize_url(database_url))
    try:
        with engine.connect() as connection:
            diff = compare_metadata(MigrationContext.configure(connection), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def test_postgres_url_is_normalized() -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def insert_organization(connection: Any) -> None:
    """Organization 1 ("acme") as a row written before the migration under test."""
    from sqlalchemy import text

    connection.execute(
        text(
            "INSERT INTO organizations (id, slug, name, model_id, settings, created_at) "
            "VALUES (1, 'acme', 'Acme', 'aisma-core', '{}', '2026-11-16 09:00:00+00:00')"
        )
    )


def test_data_survives_each_step(empty_database_url: str) -> None:
    """Rows written at revision 0001 survive 0002 and its downgrade (SQLite rebuilds the table in batch mode)."""
    from sqlalchemy import text

    migrate.upgrade(empty_database_url, "0001")
    engine = create_engine(normalize_url(empty_database_url))
    try:
        with engine.begin() as connection:
            insert_organization(connection)
            connection.execute(
                text(
                    "INSERT INTO assessments (organization_id, assessed_at, model_id, model_version, level, score, "
                    "evidenced_level, result, created_by, created_at) VALUES (1, '2026-11-16 09:00:00+00:00', "
                    "'aisma-core', '1.0', 2, 2.5, 1, '{\"schema\": \"aisma.result/v1\"}', 'x', '2026-11-16 09:00:00+00:00')"
                )
            )
        migrate.upgrade(empty_database_url, "head")
        with engine.connect() as connection:
            row = connection.execute(text("SELECT level, score, summary FROM assessments")).one()
        assert (row.level, row.score, row.summary) == (2, 2.5, None)
        migrate.downgrade(empty_database_url, "0001")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM assessments")).scalar_one() == 1
    finally:
        engine.dispose()


def test_0003_keeps_measurements_and_adds_observed_assets(empty_database_url: str) -> None:
    """0003 adds the entity ids to existing measurements (as NULL: they merge by summing, as before)
    and the observed_assets table; its downgrade keeps every measurement and drops only those."""
    from sqlalchemy import text

    migrate.upgrade(empty_database_url, "0002")
    engine = create_engine(normalize_url(empty_database_url))
    try:
        with engine.begin() as connection:
            insert_organization(connection)
            connection.execute(
                text(
                    "INSERT INTO measurements (organization_id, metric, numerator, denominator, observed_at, "
                    "provenance, details, pushed_by, pushed_at) VALUES (1, 'm', 1, 2, '2026-11-16 09:00:00+00:00', "
                    "'{\"tool\": \"garak\"}', '[]', 'x', '2026-11-16 09:00:00+00:00')"
                )
            )
        assert "observed_assets" not in _tables(empty_database_url)
        migrate.upgrade(empty_database_url, "0003")
        assert "observed_assets" in _tables(empty_database_url)
        with engine.begin() as connection:
            row = connection.execute(text("SELECT numerator, population, covered FROM measurements")).one()
            assert (row.numerator, row.population, row.covered) == (1, None, None)
            connection.execute(
                text(
                    "INSERT INTO observed_assets (organization_id, source, kind, identifier, tool, file, count, "
                    "seen_with, pushed_by, pushed_at) VALUES (1, 'import', 'model', 'llm', 'otel', 'f', 1, '[]', "
                    "'x', '2026-11-16 09:00:00+00:00')"
                )
            )
            connection.execute(text('UPDATE measurements SET population = \'["a", "b"]\', covered = \'["a"]\''))
        migrate.downgrade(empty_database_url, "0002")
        assert migrate.current(empty_database_url) == "0002"
        assert "observed_assets" not in _tables(empty_database_url)
        with engine.connect() as connection:
            row = connection.execute(text("SELECT metric, numerator, denominator FROM measurements")).one()
            assert tuple(row) == ("m", 1, 2)
            columns = {c["name"] for c in inspect(connection).get_columns("measurements")}
        assert {"population", "covered"}.isdisjoint(columns)
        migrate.upgrade(empty_database_url, "head")
        assert _tables(empty_database_url) == set(Base.metadata.tables)
    finally:
        engine.dispose()


def test_0008_keeps_answers_and_organizations(empty_database_url: str) -> None:
    """0008 makes existing answers ``submitted`` and leaves review off; neither it nor its downgrade
    loses a row (a batch rebuild of organizations on SQLite would cascade-delete their data)."""
    from sqlalchemy import text

    migrate.upgrade(empty_database_url, "0007")
    engine = create_engine(normalize_url(empty_database_url))
    try:
        with engine.begin() as connection:
            insert_organization(connection)
            connection.execute(
                text(
                    "INSERT INTO answers (organization_id, objective_id, answer, note, justification, evidence, "
                    "answered_by, version) VALUES (1, 'GOV-1.1', 'fully', '', '', '[]', 'ana', 3)"
                )
            )
        migrate.upgrade(empty_database_url, "0008")
        with engine.connect() as connection:
            answer = connection.execute(text("SELECT status, version, status_by FROM answers")).one()
            org = connection.execute(text("SELECT review_required FROM organizations")).one()
        assert (answer.status, answer.version, answer.status_by) == ("submitted", 3, None)
        assert not org.review_required
        migrate.downgrade(empty_database_url, "0007")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM answers")).scalar_one() == 1
            assert connection.execute(text("SELECT count(*) FROM organizations")).scalar_one() == 1
    finally:
        engine.dispose()


def _indexes(url: str, table: str) -> set[str]:
    engine = create_engine(normalize_url(url))
    try:
        return {str(index["name"]) for index in inspect(engine).get_indexes(table)}
    finally:
        engine.dispose()


def test_0010_list_indexes_come_and_go(empty_database_url: str) -> None:
    """The list pages' indexes: measurements newest first and the audit trail by action, per organization."""
    migrate.upgrade(empty_database_url, "0010")
    assert "ix_measurements_org_observed" in _indexes(empty_database_url, "measurements")
    assert "ix_audit_log_org_action" in _indexes(empty_database_url, "audit_log")
    migrate.downgrade(empty_database_url, "0009")
    assert "ix_measurements_org_observed" not in _indexes(empty_database_url, "measurements")
    assert "ix_audit_log_org_action" not in _indexes(empty_database_url, "audit_log")
