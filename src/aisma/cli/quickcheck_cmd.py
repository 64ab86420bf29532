"""``aisma quickcheck``: five questions, interactive or ``--answers yes,no,...`` for scripts."""

from __future__ import annotations

from typing import Annotated

import typer

from aisma.quickcheck import QUESTIONS, parse_answers, score


def register(app: typer.Typer) -> None:
    @app.command()
    def quickcheck(
        answers: Annotated[str | None, typer.Option(help="Five yes/no answers, comma-separated, for scripts.")] = None,
    ) -> None:
        """Five questions that place the program in a maturity band, with the next steps for it."""
        if answers is not None:
            values = parse_answers(answers)
        else:
            values = tuple(typer.confirm(f"{i}. {text}", default=False) for i, (_, text) in enumerate(QUESTIONS, 1))
        result = score(values)
        level = (
            str(result.level_low)
            if result.level_low == result.level_high
            else f"{result.level_low}-{result.level_high}"
        )
        typer.echo(f"{result.yes_count} of {len(QUESTIONS)} yes: maturity level {level}.")
        typer.echo("Next steps:")
        for step in result.next_steps:
            typer.echo(f"  - {step}")
        typer.echo(
            "For the full assessment: aisma init my-program && aisma assess my-program --format html --out report.html"
        )
