"""``aisma roadmap``: the ordered plan from today's levels to the targets, with a what-if projection."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from aisma.cli.assess_cmd import AT_HELP, parse_optional_at
from aisma.fileio import write_atomic
from aisma.roadmap.render import render_roadmap_csv, render_roadmap_markdown, render_whatif_csv
from aisma.workspace.roadmap import roadmap_for


class RoadmapFormat(StrEnum):
    md = "md"
    csv = "csv"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command()
    def roadmap(
        directory: Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml).")],
        format: Annotated[RoadmapFormat, typer.Option("--format", "-f", help="Output format.")] = RoadmapFormat.md,
        what_if: Annotated[
            int | None,
            typer.Option(
                "--what-if",
                help="Also project levels and gating verdicts once the first N roadmap items are done "
                "(with csv, print that projection instead of the items).",
            ),
        ] = None,
        evidenced: Annotated[
            bool,
            typer.Option(
                "--evidenced",
                help="Plan to reach the targets in evidenced levels: attested answers without evidence are gaps too.",
            ),
        ] = False,
        out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of stdout.")] = None,
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
    ) -> None:
        """Gap analysis and roadmap: unmet objectives ordered by gates, dependencies, level and value, in phases."""
        result, projection = roadmap_for(directory, parse_optional_at(at), what_if, evidenced)
        if format is RoadmapFormat.json:
            data: dict[str, object] = {
                "organization": result.organization,
                "model": {"id": result.model.id, "version": result.model.version},
                "assessed_at": result.assessed_at,
                "basis": "evidenced" if evidenced else "claimed",
                "targets": result.targets.model_dump(mode="json") if result.targets is not None else None,
                "roadmap": [phase.model_dump(mode="json") for phase in result.roadmap],
            }
            if projection is not None:
                data["what_if"] = projection.to_dict()
            text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        elif format is RoadmapFormat.csv:
            text = render_whatif_csv(projection) if projection is not None else render_roadmap_csv(result)
        else:
            text = render_roadmap_markdown(result, projection, evidenced)
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_atomic(out, text)
            typer.echo(f"Wrote {out}", err=True)
