"""``aisma evidence-pack DIR --regulation ... --out pack.zip``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aisma.cli.assess_cmd import AT_HELP, parse_optional_at
from aisma.evidence_pack import REGULATIONS, build_evidence_pack


def register(app: typer.Typer) -> None:
    @app.command("evidence-pack")
    def evidence_pack(
        directory: Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml).")],
        regulation: Annotated[str, typer.Option(help=f"One of: {', '.join(REGULATIONS)}.")],
        out: Annotated[Path, typer.Option("--out", "-o", help="The zip file to write.")],
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
    ) -> None:
        """Zip the evidence per article, subcategory or control: objectives, status, files, gaps.

        The same workspace and --at give the same zip bytes.
        """
        summary = build_evidence_pack(directory, regulation, parse_optional_at(at), out)
        typer.echo(
            f"Wrote {summary.path}: {summary.items} items, {summary.files} evidence files, {summary.gaps} gaps"
            + (f"; {len(summary.not_copied)} references listed but not copied" if summary.not_copied else ""),
            err=True,
        )
