"""``aisma model list|show|validate|schema``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aisma.errors import AismaError
from aisma.maturity.loader import available_models, load_model_file, resolve_model
from aisma.maturity.schema import MaturityModel


def build() -> typer.Typer:
    app = typer.Typer(help="Maturity models: list, show, validate, export the JSON Schema.", no_args_is_help=True)

    @app.command("list")
    def list_models() -> None:
        """Installed models (the built-in one and those from the aisma.models entry points)."""
        table = Table("Id", "Version", "Title", "Objectives", "Origin")
        for source in available_models():
            model = load_model_file(source.path)
            table.add_row(source.id, model.version, model.title, str(len(model.objectives())), source.origin)
        Console().print(table)

    @app.command()
    def show(
        model: Annotated[str, typer.Argument(help="Model id or path.")] = "aisma-core",
        category: Annotated[str | None, typer.Option(help="Show one category's objectives.")] = None,
    ) -> None:
        """Domains, categories, gates and (with --category) objectives of a model."""
        m = resolve_model(model)
        console = Console()
        console.print(f"[bold]{m.title}[/bold] ({m.id} {m.version}): {len(m.objectives())} objectives")
        table = Table("Domain", "Category", "Title", "Objectives", "Weight")
        for d in m.domains:
            for c in d.categories:
                table.add_row(d.id, c.id, c.title, str(len(c.objectives)), f"{c.weight:g}")
        console.print(table)
        for g in m.gates:
            console.print(
                f"gate {g.id}: {g.when.category} below {g.when.below} "
                f"caps {', '.join(g.cap.categories)} at {g.cap.level}"
            )
        if category:
            _show_category(console, m, category)

    @app.command()
    def validate(path: Annotated[Path, typer.Argument(help="Model file to check.")]) -> None:
        """Check a model file: schema, ids, dependencies, gates, crosswalk ids and metric ids."""
        m = load_model_file(path)
        typer.echo(
            f"{path}: valid model {m.id} {m.version} "
            f"({len(m.categories())} categories, {len(m.objectives())} objectives)"
        )

    @app.command()
    def schema() -> None:
        """Print the JSON Schema of the model file format."""
        typer.echo(json.dumps(MaturityModel.model_json_schema(), indent=2))

    register_generated(app)
    from aisma.cli.model_import_cmd import register_import

    register_import(app)
    return app


def _show_category(console: Console, model: MaturityModel, category_id: str) -> None:
    from aisma.errors import AismaError

    category = model.category(category_id)
    if category is None:
        raise AismaError(f"--category {category_id}: not a category of {model.id}")
    table = Table("Id", "Title", "Measurement", "Applies to")
    for o in category.objectives:
        applies = o.applies_to.model_dump(exclude_defaults=True)
        table.add_row(
            o.id, o.title, o.measurement.metric or o.measurement.mode, json.dumps(applies) if applies else "all"
        )
    console.print(table)


def register_generated(app: typer.Typer) -> None:
    """``model coverage`` and ``model docs``: views of a model computed from its data."""
    from aisma.fileio import write_atomic
    from aisma.maturity.coverage import coverage
    from aisma.maturity.docs import model_reference

    @app.command("coverage")
    def coverage_cmd(
        model: Annotated[str, typer.Argument(help="Model id or path.")] = "aisma-core",
        framework: Annotated[
            str | None, typer.Option("--framework", help="Only this framework (nist-ai-rmf, iso-iec-42001-2023, ...).")
        ] = None,
        show_all: Annotated[
            bool, typer.Option("--all", help="List every control, not only those not addressed.")
        ] = False,
        as_json: Annotated[bool, typer.Option("--json", help="Print every row as JSON.")] = False,
    ) -> None:
        """Crosswalk coverage per control for every catalog: addressed, missing, out of scope."""
        m = resolve_model(model)
        report = coverage(m)
        rows = [r for r in report.rows if framework is None or r.framework == framework]
        if framework is not None and not rows:
            known = ", ".join(dict.fromkeys(r.framework for r in report.rows))
            raise AismaError(f"no framework {framework!r} in the coverage report: expected one of {known}")
        if as_json:
            payload = {
                "model": {"id": m.id, "version": m.version},
                "frameworks": [vars(s) for s in report.summaries() if framework is None or s.framework == framework],
                "rows": [vars(r) | {"objectives": list(r.objectives)} for r in rows],
                "measured": report.measured,
                "objectives": report.total,
                "objectives_without": [list(pair) for pair in report.objectives_without],
            }
            typer.echo(json.dumps(payload, indent=2, ensure_ascii=False))
            return
        console = Console()
        summary = Table(
            "Framework", "Controls", "Addressed", "Out of scope", "Not addressed", title=f"{m.id} {m.version}"
        )
        for s in report.summaries():
            if framework is None or s.framework == framework:
                missing = s.items - s.addressed - s.out_of_scope
                summary.add_row(s.framework, str(s.items), str(s.addressed), str(s.out_of_scope), str(missing))
        console.print(summary)
        listed = rows if show_all else [r for r in rows if not r.objectives]
        if listed:
            table = Table("Framework", "Control", "Title", "Objectives")
            for row in listed:
                if row.objectives:
                    cell = ", ".join(row.objectives)
                elif row.out_of_scope:
                    cell = f"out of scope: {row.out_of_scope}"
                else:
                    cell = "[red]none (promised)[/red]" if row.required else "none"
                table.add_row(row.framework, row.item, row.title[:70], cell)
            console.print(table)
        share = report.measured / report.total if report.total else 0.0
        console.print(f"{report.measured} of {report.total} objectives automated or either ({share:.0%}).")
        console.print(
            f"{len(report.missing())} promised controls not addressed; {len(report.gaps())} controls not addressed "
            f"in all; {len(report.objectives_without)} objectives without a NIST AI RMF or CSF 2.0 mapping."
        )

    @app.command("docs")
    def docs_cmd(
        model: Annotated[str, typer.Argument(help="Model id or path.")] = "aisma-core",
        out: Annotated[Path | None, typer.Option(help="Write the Markdown here instead of stdout.")] = None,
    ) -> None:
        """Generate the model reference in Markdown (docs/model.md for the built-in model)."""
        text = model_reference(resolve_model(model))
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_atomic(out, text)
