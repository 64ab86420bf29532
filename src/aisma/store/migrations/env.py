"""Alembic environment: the connection comes from ``aisma.store.migrate`` via the config attributes."""

from __future__ import annotations

from alembic import context

from aisma.store.tables import Base

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode rebuilds the table instead
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
