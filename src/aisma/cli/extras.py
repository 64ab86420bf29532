"""Which optional extra a command needs when one of its packages is not installed.

``pip install aisma`` is the CLI: workspaces, collectors, assessments, reports and ``aisma push``.
The team server (``aisma serve``, ``worker``, ``db``, ``audit``, ``server``) needs ``aisma[server]``:
a web framework, a database layer and the PostgreSQL driver that an edge machine never uses. The
commands import them inside their bodies, so a missing one surfaces here as one line naming the extra.
"""

from __future__ import annotations

SERVER_EXTRA = "server"
# top-level import names of the packages in pyproject's [project.optional-dependencies] server
SERVER_MODULES = frozenset(
    {
        "alembic",
        "argon2",
        "croniter",
        "fastapi",
        "joserfc",
        "markdown_it",
        "multipart",
        "nh3",
        "procrastinate",
        "psycopg",
        "pydantic_settings",
        "python_multipart",
        "sqlalchemy",
        "starlette",
        "uvicorn",
    }
)


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The one-line error for a module an optional extra provides, or None when no extra provides it."""
    top = (exc.name or "").split(".")[0]
    if top not in SERVER_MODULES:
        return None
    install = f"pip install 'aisma[{SERVER_EXTRA}]'"
    return f"this command needs the team server's packages ({top} is not installed): {install}"
