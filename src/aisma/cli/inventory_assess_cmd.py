"""``aisma inventory autonomy-test`` and ``aisma inventory risk``: judgements recorded per system."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aisma.errors import AismaError
from aisma.inventory.autonomy import QUESTIONS, autonomy_result
from aisma.inventory.edit import InventoryDocument
from aisma.inventory.risk import assess_risk, consistent
from aisma.inventory.schema import AutonomyAnswers
from aisma.workspace.loader import INVENTORY_FILE, open_workspace

Flag = Annotated[bool | None, typer.Option(show_default=False)]


def register(app: typer.Typer) -> None:
    @app.command("autonomy-test")
    def autonomy_test(
        directory: Annotated[Path, typer.Argument(help="Workspace folder.")],
        system: Annotated[str, typer.Argument(help="System id.")],
        chooses_actions: Annotated[
            bool | None,
            typer.Option("--chooses-actions/--no-chooses-actions", help="Chooses its own actions or tools."),
        ] = None,
        side_effects: Annotated[
            bool | None, typer.Option("--side-effects/--no-side-effects", help="Takes actions with side effects.")
        ] = None,
        multi_step_unapproved: Annotated[
            bool | None,
            typer.Option(
                "--multi-step-unapproved/--no-multi-step-unapproved",
                help="Runs several steps without approval of each.",
            ),
        ] = None,
        own_identity: Annotated[
            bool | None,
            typer.Option("--own-identity/--no-own-identity", help="Has its own non-human identity or credentials."),
        ] = None,
        untrusted_input: Annotated[
            bool | None,
            typer.Option("--untrusted-input/--no-untrusted-input", help="Takes in untrusted external content."),
        ] = None,
        acts_on_agent_output: Annotated[
            bool | None,
            typer.Option("--acts-on-agent-output/--no-acts-on-agent-output", help="Acts on other agents' output."),
        ] = None,
        ask: Annotated[
            bool, typer.Option("--ask", help="Prompt for unanswered questions even without a terminal.")
        ] = False,
    ) -> None:
        """Run the Autonomy Test for one system and record the answers in inventory.yaml."""
        open_workspace(directory)  # the whole workspace must be valid before we edit it
        doc = InventoryDocument.open(directory / INVENTORY_FILE)
        entry = doc.require(system)
        given = {
            "chooses_actions": chooses_actions,
            "side_effects": side_effects,
            "multi_step_unapproved": multi_step_unapproved,
            "own_identity": own_identity,
            "untrusted_input": untrusted_input,
            "acts_on_agent_output": acts_on_agent_output,
        }
        missing = [key for key, value in given.items() if value is None]
        if missing and not (ask or sys.stdin.isatty()):
            flags = ", ".join(f"--{k.replace('_', '-')}/--no-{k.replace('_', '-')}" for k in missing)
            raise AismaError(
                f"autonomy test for {system}: no answer for {len(missing)} question(s); pass {flags} or --ask"
            )
        for key, text in QUESTIONS:
            if given[key] is None:
                given[key] = typer.confirm(text, default=False)
        answers = AutonomyAnswers.model_validate(given)
        entry["autonomy_test"] = answers.model_dump()
        doc.save()
        result = autonomy_result(answers)
        typer.echo(
            f"{system}: {'agentic' if result.agentic else 'not agentic'}, autonomy level {result.level} "
            f"({result.reason}). Recorded in {directory / INVENTORY_FILE}."
        )

    @app.command()
    def risk(
        directory: Annotated[Path, typer.Argument(help="Workspace folder.")],
        system: Annotated[str | None, typer.Argument(help="One system id (shows the points).")] = None,
        record: Annotated[
            bool, typer.Option("--record", help="Write the computed tier where none is recorded.")
        ] = False,
    ) -> None:
        """Risk tier per system from the points rubric, beside the recorded tier."""
        ws = open_workspace(directory)
        systems = [s for s in ws.inventory.systems if system is None or s.id == system]
        if system is not None and not systems:
            raise AismaError(f"no system {system!r} in {directory / INVENTORY_FILE}")
        if system is not None:
            assessment = assess_risk(systems[0])
            typer.echo(f"{system}: {assessment.explain()}; recorded {systems[0].risk_tier or 'none'}")
            for reason, points in assessment.lines:
                typer.echo(f"  {points:+d}  {reason}")
        else:
            table = Table("System", "Points", "Rubric tier", "Recorded", "Consistent")
            for s in systems:
                a = assess_risk(s)
                ok = "-" if s.risk_tier is None else ("yes" if consistent(s) else "[red]below rubric[/red]")
                table.add_row(s.id, str(a.points), a.tier, s.risk_tier or "-", ok)
            Console().print(table)
        if record:
            doc = InventoryDocument.open(directory / INVENTORY_FILE)
            written = 0
            for s in systems:
                if s.risk_tier is None:
                    doc.require(s.id)["risk_tier"] = assess_risk(s).tier
                    written += 1
            doc.save()
            typer.echo(f"Recorded the rubric tier for {written} system(s).")
