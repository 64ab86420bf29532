"""``aisma serve`` (the team server), ``aisma worker`` (its background jobs) and ``aisma push`` (collectors at
the edge feeding it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from aisma.cli.assess_cmd import AT_HELP, parse_optional_at
from aisma.errors import AismaError

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 only behind a reverse proxy).")] = (
            DEFAULT_HOST
        ),
        port: Annotated[int, typer.Option(min=1, max=65535, help="TCP port.")] = DEFAULT_PORT,
        workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes (they share nothing).")] = 1,
        data_dir: Annotated[
            Path | None, typer.Option(help="Where the SQLite file, evidence and secret key live (AISMA_DATA_DIR).")
        ] = None,
    ) -> None:
        """Run the team server: migrate the database, create the first admin if none, serve web UI and API.

        Settings come from AISMA_* environment variables (AISMA_DATABASE_URL for PostgreSQL,
        AISMA_SECURE_COOKIES=true behind TLS, ...); the first admin from AISMA_ADMIN_EMAIL and
        AISMA_ADMIN_PASSWORD, else a one-time password is printed once.
        """
        from aisma.web.serve import prepare, run_server

        if data_dir is not None:
            os.environ["AISMA_DATA_DIR"] = str(data_dir)  # the workers read the same settings
        for line in prepare():
            typer.echo(line)
        typer.echo(f"aisma: serving on http://{host}:{port} with {workers} worker(s); Ctrl+C stops")
        run_server(host, port, workers)

    @app.command()
    def worker(
        concurrency: Annotated[int, typer.Option(min=1, max=32, help="Jobs run at once by this process.")] = 1,
        nice: Annotated[
            int,
            typer.Option(
                min=0, max=19, help="Lower this process's CPU priority by N: requests on the same machine come first."
            ),
        ] = 0,
        data_dir: Annotated[
            Path | None, typer.Option(help="Where the SQLite file, evidence and secret key live (AISMA_DATA_DIR).")
        ] = None,
    ) -> None:
        """Run the server's background jobs (assessments, ...) until stopped; start as many as you like.

        On PostgreSQL the jobs travel through procrastinate: run workers on any number of machines
        with the same AISMA_* settings as the servers; a worker killed mid-job has its job retried by
        the others, and a job never runs twice at once. On SQLite each `aisma serve` process runs its
        jobs itself; a worker here is only needed with AISMA_INPROCESS_WORKER=false.
        """
        from aisma.web.serve import run_worker

        if data_dir is not None:
            os.environ["AISMA_DATA_DIR"] = str(data_dir)
        if nice:
            os.nice(nice)
        typer.echo("aisma: worker running background jobs; Ctrl+C stops")
        run_worker(concurrency)

    @app.command()
    def push(
        directory: Annotated[Path, typer.Argument(help="Workspace folder whose collectors to run.")],
        server: Annotated[str, typer.Option(help="Server URL, e.g. https://aisma.example.org.")],
        token: Annotated[
            str, typer.Option(envvar="AISMA_TOKEN", help="API token with the push scope (or AISMA_TOKEN).")
        ] = "",
        org: Annotated[str | None, typer.Option(help="Organization slug (default: the token's).")] = None,
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
        upload_evidence: Annotated[
            bool, typer.Option("--upload-evidence", help="Also upload the tool output files the numbers came from.")
        ] = False,
        strict: Annotated[
            bool, typer.Option("--strict", help="Push nothing and exit 1 when an evidence file could not be read.")
        ] = False,
    ) -> None:
        """Run the workspace's collectors here and push the measurements (with provenance) to a server."""
        from aisma.client.push import push_workspace

        if not token:
            raise AismaError("an API token is needed: --token or AISMA_TOKEN")
        report = push_workspace(
            directory, server, token, org, parse_optional_at(at), upload_evidence=upload_evidence, strict=strict
        )
        for warning in report.warnings:
            typer.echo(f"warning: {warning}", err=True)
        files = f" and {report.uploaded} evidence files" if upload_evidence else ""
        where = f"{report.organization} at {server.rstrip('/')}"
        typer.echo(f"pushed {report.pushed} measurements{files} to {where} ({report.observed} observed AI assets)")
