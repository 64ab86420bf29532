"""``aisma user add|list|disable|enable`` and ``aisma member add``: accounts and memberships on the
server's database, for administrators at the server (like ``aisma server import``). Every change is
audited as made by ``cli``."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, TypeVar

import typer

from aisma.cli.db_cmd import DatabaseUrl, database_url
from aisma.errors import AismaError

if TYPE_CHECKING:  # the server extra may be missing: imported where used
    from sqlalchemy.orm import Session

T = TypeVar("T")
ROLES = ("owner", "assessor", "contributor", "viewer")


@contextmanager
def _session(url: str | None) -> Iterator[Session]:
    """One write transaction on the server database (migrated first, as ``aisma server import`` does)."""
    from aisma.server.settings import ServerSettings
    from aisma.store import migrate
    from aisma.store.db import Database, connection_errors_reported

    settings = ServerSettings()
    target = database_url(url)
    with connection_errors_reported(target):
        migrate.upgrade(target)
    database = Database(target, signing_key=settings.resolved_secret_key())
    try:
        with connection_errors_reported(target), database.transaction() as session:
            yield session
    finally:
        database.dispose()


def _in_transaction(url: str | None, work: Callable[[Session], T]) -> T:
    with _session(url) as session:
        return work(session)


def _role(value: str) -> str:
    if value not in ROLES:
        raise AismaError(f"--role: expected one of {', '.join(ROLES)}, got {value!r}")
    return value


def build_user() -> typer.Typer:
    app = typer.Typer(help="Team server accounts: add, list, disable and enable users.", no_args_is_help=True)

    @app.command("add")
    def add(
        email: Annotated[str, typer.Argument(help="The account's email address (its sign-in name).")],
        name: Annotated[str, typer.Option("--name", help="Display name.")] = "",
        admin: Annotated[
            bool, typer.Option("--admin", help="A server administrator (may create organizations).")
        ] = False,
        sso_only: Annotated[
            bool, typer.Option("--sso-only", help="No password: the account signs in through OIDC only.")
        ] = False,
        url: DatabaseUrl = None,
    ) -> None:
        """Create an account. Its one-time password is printed once (change it at /account/password);
        AISMA_USER_PASSWORD sets it instead. Add it to organizations with `aisma member add`."""
        import os
        import secrets

        from aisma.web.features.organizations import service as accounts

        given = os.environ.get("AISMA_USER_PASSWORD") or None
        password = None if sso_only else (given or secrets.token_urlsafe(18))
        user = _in_transaction(
            url, lambda s: accounts.create_user(s, email, password, name, is_admin=admin, by="cli").email
        )
        typer.echo(f"created the account {user}{' (server administrator)' if admin else ''}")
        if password is not None and given is None:
            typer.echo(f"one-time password: {password}  (shown once; change it at /account/password)")

    @app.command("list")
    def list_(url: DatabaseUrl = None) -> None:
        """Every account: email, state, how it signs in, admin, and its organizations with the role in each."""
        from aisma.web.features.organizations import service as accounts

        users = _in_transaction(url, accounts.list_users)
        for user in users:
            orgs = ", ".join(f"{slug}:{role}" for slug, role in user.organizations) or "-"
            state = "active" if user.is_active else "disabled"
            admin = " admin" if user.is_admin else ""
            typer.echo(f"{user.email}\t{state}{admin}\t{user.sign_in}\t{orgs}")
        typer.echo(f"{len(users)} account{'s' if len(users) != 1 else ''}", err=True)

    @app.command("disable")
    def disable(
        email: Annotated[str, typer.Argument(help="The account to disable.")],
        url: DatabaseUrl = None,
    ) -> None:
        """Disable an account: it cannot sign in (password or OIDC), its sessions end now and its API
        tokens stop working. Its memberships and history stay; `aisma user enable` undoes it."""
        from aisma.web.features.organizations import service as accounts

        user = _in_transaction(url, lambda s: accounts.set_active(s, email, False, by="cli").email)
        typer.echo(f"disabled {user}: its sessions are signed out and its API tokens refused")

    @app.command("enable")
    def enable(
        email: Annotated[str, typer.Argument(help="The account to enable again.")],
        url: DatabaseUrl = None,
    ) -> None:
        """Enable a disabled account again (its old sessions stay ended; its tokens work again)."""
        from aisma.web.features.organizations import service as accounts

        user = _in_transaction(url, lambda s: accounts.set_active(s, email, True, by="cli").email)
        typer.echo(f"enabled {user}")

    return app


def build_member() -> typer.Typer:
    app = typer.Typer(help="Team server memberships: add an account to an organization.", no_args_is_help=True)

    @app.command("add")
    def add(
        org: Annotated[str, typer.Argument(help="Slug of the organization.")],
        email: Annotated[str, typer.Argument(help="Email of an existing account (see `aisma user add`).")],
        role: Annotated[str, typer.Option("--role", help=f"One of {', '.join(ROLES)}.")] = "contributor",
        url: DatabaseUrl = None,
    ) -> None:
        """Add an account to organization ORG with a role (no owner needed: for administrators)."""
        from aisma.server.auth import Role
        from aisma.web.features.organizations import service as accounts

        chosen = Role(_role(role))

        def work(session: Session) -> str:
            return accounts.add_member_by_email(session, org, email, chosen, by="cli")

        added = _in_transaction(url, work)
        typer.echo(f"added {added} to {org} as {chosen.value}")

    return app
