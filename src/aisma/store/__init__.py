"""The server's database: SQLAlchemy 2 tables, repositories (all SQL lives there) and migrations."""
