"""``aisma model import-xlsx``: a model from a workbook and a column mapping."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aisma.fileio import write_atomic


def register_import(app: typer.Typer) -> None:
    @app.command("import-xlsx")
    def import_xlsx_cmd(
        workbook: Annotated[Path, typer.Argument(help="The workbook (.xlsx) holding the model or controls matrix.")],
        map: Annotated[
            str, typer.Option("--map", help="Column mapping YAML, or a packaged one: owasp-aima, owasp-samm.")
        ],
        out: Annotated[
            Path | None, typer.Option("--out", "-o", help="Write the model YAML here (else stdout).")
        ] = None,
    ) -> None:
        """Import a maturity model from a workbook with a column mapping (see docs/model-format.md)."""
        from aisma.maturity.importer import import_xlsx, load_mapping, model_yaml, resolve_mapping

        mapping_path = resolve_mapping(map)
        data, model = import_xlsx(workbook, load_mapping(mapping_path))
        text = model_yaml(data, workbook.name, map)
        if out is None:
            typer.echo(text, nl=False)
            return
        write_atomic(out, text)
        typer.echo(
            f"Wrote {out}: model {model.id} {model.version}, {len(model.domains)} domains, "
            f"{len(model.categories())} categories, {len(model.objectives())} objectives",
            err=True,
        )
