"""``aisma check WORKSPACE``: the CI gate. Parses options, calls ``aisma.assurance``, writes the reports
and exits with the code of the first failing rule (see docs/cli.md for the table)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aisma.assurance import outputs
from aisma.assurance.gate import RULES
from aisma.assurance.run import check_opened
from aisma.cli.assess_cmd import AT_HELP, parse_optional_at
from aisma.errors import AismaError
from aisma.fileio import write_atomic
from aisma.workspace.config import CHECK_RULES, CheckRule
from aisma.workspace.loader import open_workspace

EXIT_CODES = ", ".join(f"{r.exit_code} {r.id}" for r in RULES)


class CheckFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"
    junit = "junit"
    sarif = "sarif"


def parse_rules(value: str | None) -> tuple[CheckRule, ...] | None:
    if value is None:
        return None
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = [n for n in names if n not in CHECK_RULES]
    if unknown:
        raise AismaError(f"--fail-on {', '.join(unknown)}: not a rule; expected some of {', '.join(CHECK_RULES)}")
    return tuple(r for r in CHECK_RULES if r in names)


def register(app: typer.Typer) -> None:
    @app.command()
    def check(
        directory: Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml and its check policy).")],
        baseline: Annotated[
            str | None,
            typer.Option(
                help="Compare against: latest, previous, a snapshot name prefix in history/, a result JSON file, "
                "or none (default: check.baseline, else the latest snapshot)."
            ),
        ] = None,
        fail_on: Annotated[
            str | None,
            typer.Option(
                "--fail-on", help=f"Comma-separated rules that fail the check (default: check.fail_on): {EXIT_CODES}."
            ),
        ] = None,
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
        format: Annotated[
            CheckFormat, typer.Option("--format", "-f", help="What to print on stdout.")
        ] = CheckFormat.text,
        markdown: Annotated[
            Path | None, typer.Option("--markdown", help="Also write the Markdown summary (a PR comment) here.")
        ] = None,
        junit: Annotated[Path | None, typer.Option("--junit", help="Also write a JUnit XML report here.")] = None,
        sarif: Annotated[Path | None, typer.Option("--sarif", help="Also write a SARIF 2.1.0 log here.")] = None,
        json_out: Annotated[
            Path | None, typer.Option("--json", help="Also write the aisma.check/v1 JSON report here.")
        ] = None,
    ) -> None:
        """Gate a pipeline on the workspace's maturity: exit 0 when no rule in check.fail_on found anything.

        Exit codes: 0 passed, 1 bad input, 10 do_not_proceed, 11 below_target, 12 regression,
        13 unregistered_ai, 14 stale_evidence, 15 new_conflicts (the first failing rule in this order).
        """
        workspace = open_workspace(directory)
        rules = parse_rules(fail_on)
        policy = (
            workspace.config.check if rules is None else workspace.config.check.model_copy(update={"fail_on": rules})
        )
        report = check_opened(workspace, parse_optional_at(at), baseline, policy)
        renderers = {
            CheckFormat.text: lambda: outputs.render_text(report),
            CheckFormat.md: lambda: outputs.render_markdown(report),
            CheckFormat.json: lambda: outputs.render_json(report),
            CheckFormat.junit: lambda: outputs.render_junit(report),
            CheckFormat.sarif: lambda: outputs.render_sarif(report, directory),
        }
        for path, kind in ((markdown, CheckFormat.md), (junit, CheckFormat.junit), (sarif, CheckFormat.sarif)):
            if path is not None:
                write_atomic(path, renderers[kind]())
                typer.echo(f"Wrote {path}", err=True)
        if json_out is not None:
            write_atomic(json_out, renderers[CheckFormat.json]())
            typer.echo(f"Wrote {json_out}", err=True)
        typer.echo(renderers[format](), nl=False)
        if format is not CheckFormat.text:
            typer.echo(outputs.verdict_line(report), err=True)
        raise typer.Exit(report.exit_code)
