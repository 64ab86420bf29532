"""``aisma demo``, ``aisma init`` and ``aisma assess``: the files-first workflow."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from aisma import assessment
from aisma.cli.summary import print_summary
from aisma.errors import AismaError
from aisma.examples import write_example
from aisma.fileio import write_atomic
from aisma.reports import registry, render
from aisma.reports.viewmodel import lapsed_line
from aisma.scoring.results import AssessmentResult
from aisma.workspace import clock
from aisma.workspace.frameworks import chosen_frameworks, report_postures
from aisma.workspace.history import save_snapshot
from aisma.workspace.init import init_workspace
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_workspace, collected_inputs


def check_format(value: str) -> str:
    """``--format`` accepts any format of the ``aisma.reporters`` registry (a usage error otherwise)."""
    known = registry.installed()
    if value not in known:
        raise typer.BadParameter(f"{value!r} is not a report format; expected one of {', '.join(sorted(known))}")
    return value


def parse_at(value: str | None) -> datetime:
    """``--at`` takes an ISO date or date-time (UTC when no zone is given); default is now."""
    if value is None or value == "now":
        return clock.wall_clock()
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise AismaError(
            f"--at {value!r}: expected an ISO date or date-time such as 2026-11-16 or 2026-11-16T09:00:00Z"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_optional_at(value: str | None) -> datetime | None:
    """``--at`` of a command that assesses a workspace: None (not given) means its ``as_of``, else now."""
    return None if value is None else parse_at(value)


def warn_if_lapsed(result: AssessmentResult) -> None:
    """On stderr (never in the report, whose bytes stay the same on any day): evidence gone stale since.

    Only for a pinned time (``as_of``): whoever gives ``--at`` asked for that moment on purpose, while a
    pin applies silently and may be long past.
    """
    if result.time_basis == "as_of" and (line := lapsed_line(result, clock.wall_clock())):
        typer.echo(f"warning: {line}", err=True)


AT_HELP = "Assessment time (ISO date or date-time, or 'now'); default the workspace's as_of, else now."


def register(app: typer.Typer) -> None:
    @app.command()
    def demo(
        directory: Annotated[
            Path, typer.Argument(help="Folder to write the example organization and its report into.")
        ] = Path("aisma-demo"),
        at: Annotated[str | None, typer.Option(help=AT_HELP + " (the example pins 2026-11-16).")] = None,
    ) -> None:
        """The main job: build the example organization, assess it, write report.html and result.json."""
        write_example(directory, overwrite_demo=True)
        result = assess_workspace(directory, parse_optional_at(at))
        write_atomic(directory / "result.json", render(result, "json"))
        write_atomic(directory / "report.md", render(result, "md"))
        report = write_atomic(directory / "report.html", render(result, "html"))
        console = Console()
        print_summary(console, result)
        console.print(f"\nReport: [bold]{report}[/bold]   Result: {directory / 'result.json'}")
        warn_if_lapsed(result)

    @app.command()
    def init(
        directory: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")],
        example: Annotated[bool, typer.Option("--example", help="Fill it with the example organization.")] = False,
        organization: Annotated[
            str, typer.Option(help="Organization name for a new, empty workspace.")
        ] = "My organization",
    ) -> None:
        """Create a workspace folder: aisma.yaml, inventory.yaml, answers.yaml and evidence/."""
        if example:
            write_example(directory, overwrite_demo=False)
        else:
            init_workspace(directory, organization)
        typer.echo(f"Workspace ready in {directory}. Next: aisma assess {directory} --format html --out report.html")

    @app.command()
    def assess(
        directory: Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml).")],
        format: Annotated[
            str,
            typer.Option(
                "--format",
                "-f",
                callback=check_format,
                help="Output format: a reporter of the aisma.reporters group (built in: json, md, html, pdf, xlsx).",
            ),
        ] = "json",
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
        save: Annotated[
            bool, typer.Option("--save", help="Also keep a frozen snapshot in DIR/history/<assessed_at>.json.")
        ] = False,
        strict: Annotated[
            bool,
            typer.Option(
                "--strict", help="Exit 1 when an evidence file could not be read (the result is still written)."
            ),
        ] = False,
        framework: Annotated[
            list[str] | None,
            typer.Option(
                "--framework",
                help="Add a section on the posture against this framework to the html and pdf reports "
                "(repeatable; a built-in id, or an entry of report.frameworks in aisma.yaml; 'none' for none). "
                "Default: report.frameworks.",
            ),
        ] = None,
    ) -> None:
        """Assess a workspace and print or write the result (text formats go to stdout without --out).

        Every evidence file that can be read is read; one that cannot is skipped with a warning in the
        result, and what it would have measured is missing. ``--strict`` makes such a file fail the run.
        """
        reporter = registry.get(format)
        if reporter.binary and out is None:
            raise AismaError(f"--format {format} writes a binary file; give --out FILE (e.g. report{reporter.suffix})")
        workspace = open_workspace(directory)
        inputs, collected = collected_inputs(workspace, parse_optional_at(at))
        result = assessment.assess(inputs)
        if save:
            saved, new = save_snapshot(directory, result, inputs)
            typer.echo(f"{'Saved' if new else 'Already saved'} {saved}", err=True)
        postures = report_postures(workspace, result, chosen_frameworks(workspace, framework))
        context = registry.ReportContext(
            model=workspace.model,
            inventory=workspace.inventory,
            answers=workspace.answers,
            root=workspace.root,
            frameworks=postures,
        )
        output = reporter.render(result, context)
        if out is None:
            assert isinstance(output, str)
            typer.echo(output, nl=False)
        else:
            write_atomic(out, output)
            typer.echo(f"Wrote {out}", err=True)
        warn_if_lapsed(result)
        for line in collected.unreadable:
            typer.echo(f"{'error' if strict else 'warning'}: {line}", err=True)
        if strict and collected.unreadable:
            raise AismaError(f"--strict: {len(collected.unreadable)} evidence file(s) could not be read")
