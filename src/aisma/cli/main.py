"""The ``aisma`` command. It parses arguments, calls the library and prints; nothing else.

Every user error is an ``AismaError``: printed as one line on stderr with exit code 1. Anything else
is a bug: one line too, with the traceback only when AISMA_DEBUG is set.
"""

from __future__ import annotations

import os
import sys

import typer

from aisma.cli import (
    assess_cmd,
    check_cmd,
    collect_cmd,
    db_cmd,
    evidence_pack_cmd,
    framework_cmd,
    history_cmd,
    inventory_assess_cmd,
    inventory_cmd,
    metrics_cmd,
    migrate_cmd,
    model_cmd,
    quickcheck_cmd,
    roadmap_cmd,
    serve_cmd,
    server_cmd,
    user_cmd,
    workbook_cmd,
)
from aisma.cli.extras import missing_extra
from aisma.errors import AismaError

EXIT_INPUT = 1
EXIT_INTERNAL = 70


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="aisma",
        help="AI Security Maturity Assessment: measure, evidence and improve an AI security program.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        add_completion=False,
    )
    assess_cmd.register(app)
    model_app = model_cmd.build()
    migrate_cmd.register(model_app)
    app.add_typer(model_app, name="model")
    inventory_app = inventory_cmd.build()
    inventory_assess_cmd.register(inventory_app)
    app.add_typer(inventory_app, name="inventory")
    quickcheck_cmd.register(app)
    metrics_cmd.register(app)
    collect_cmd.register(app)
    roadmap_cmd.register(app)
    history_cmd.register(app)
    check_cmd.register(app)
    evidence_pack_cmd.register(app)
    framework_cmd.register(app)
    app.add_typer(workbook_cmd.build(), name="workbook")
    app.add_typer(db_cmd.build_db(), name="db")
    app.add_typer(db_cmd.build_audit(), name="audit")
    app.add_typer(server_cmd.build(), name="server")
    app.add_typer(user_cmd.build_user(), name="user")
    app.add_typer(user_cmd.build_member(), name="member")
    serve_cmd.register(app)
    return app


def run(argv: list[str] | None = None) -> int:
    """Console entry point."""
    app = build_app()
    try:
        app(args=argv, prog_name="aisma", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        if argv is not None:
            return code
        raise
    except AismaError as exc:
        print(f"aisma: error: {exc.message}", file=sys.stderr)
        return _exit(EXIT_INPUT, argv)
    except KeyboardInterrupt:
        print("aisma: interrupted", file=sys.stderr)
        return _exit(130, argv)
    except ModuleNotFoundError as exc:
        if (needs := missing_extra(exc)) is None:
            return _internal(exc, argv)
        print(f"aisma: error: {needs}", file=sys.stderr)
        return _exit(EXIT_INPUT, argv)
    except Exception as exc:
        if (setting := _settings_error(exc)) is not None:
            print(f"aisma: error: {setting}", file=sys.stderr)
            return _exit(EXIT_INPUT, argv)
        return _internal(exc, argv)
    return 0


def _settings_error(exc: Exception) -> str | None:
    """A server setting from the environment is wrong: one line naming the variable, not a bug."""
    from pydantic import ValidationError

    if not isinstance(exc, ValidationError) or exc.title != "ServerSettings":
        return None
    error = exc.errors()[0]
    name = "AISMA_" + "_".join(str(part) for part in error.get("loc", ())).upper()
    message = str(error.get("msg", "invalid value")).removeprefix("Value error, ")
    return message if message.startswith("AISMA_") else f"{name}: {message}"


def _internal(exc: Exception, argv: list[str] | None) -> int:
    """A bug: one line (the traceback only with AISMA_DEBUG), exit code 70."""
    if os.environ.get("AISMA_DEBUG"):
        raise exc
    print(
        f"aisma: internal error: {type(exc).__name__}: {exc} (set AISMA_DEBUG=1 for the traceback; please report it)",
        file=sys.stderr,
    )
    return _exit(EXIT_INTERNAL, argv)


def _exit(code: int, argv: list[str] | None) -> int:
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    run()
