"""``aisma evidence-pack DIR (--regulation ... | --framework ... [--mapping ...]) --out pack.zip``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aisma.cli.assess_cmd import AT_HELP, parse_optional_at
from aisma.errors import AismaError
from aisma.evidence_pack import REGULATIONS, build_evidence_pack, build_framework_pack


def register(app: typer.Typer) -> None:
    @app.command("evidence-pack")
    def evidence_pack(
        directory: Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml).")],
        out: Annotated[Path, typer.Option("--out", "-o", help="The zip file to write.")],
        regulation: Annotated[
            str | None, typer.Option(help=f"One of: {', '.join(REGULATIONS)} (the model's citations).")
        ] = None,
        framework: Annotated[
            str | None,
            typer.Option(
                "--framework", "-f", help="Organise by a framework's requirements: a built-in id or an OSCAL/CISO file."
            ),
        ] = None,
        mapping: Annotated[
            str | None, typer.Option(help="With --framework: the mapping set file (default: the one shipped).")
        ] = None,
        framework_id: Annotated[
            str | None, typer.Option("--framework-id", help="With --framework FILE: the id to give it.")
        ] = None,
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
    ) -> None:
        """Zip the evidence per article, subcategory or control (or framework requirement): objectives,
        status, files, gaps.

        The same workspace and --at give the same zip bytes.
        """
        if (regulation is None) == (framework is None):
            raise AismaError("give either --regulation or --framework")
        if framework is None and (mapping is not None or framework_id is not None):
            raise AismaError("--mapping and --framework-id go with --framework")
        if regulation is not None:
            summary = build_evidence_pack(directory, regulation, parse_optional_at(at), out)
            what = "items"
        else:
            assert framework is not None
            summary = build_framework_pack(directory, framework, mapping, framework_id, parse_optional_at(at), out)
            what = "requirements"
        typer.echo(
            f"Wrote {summary.path}: {summary.items} {what}, {summary.files} evidence files, {summary.gaps} gaps"
            + (f"; {len(summary.not_copied)} references listed but not copied" if summary.not_copied else ""),
            err=True,
        )
