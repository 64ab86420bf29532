"""Alembic migrations of the server database (run through ``aisma.store.migrate``)."""
