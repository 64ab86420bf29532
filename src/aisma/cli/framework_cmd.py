"""``aisma framework list|show|assess`` and ``aisma mapping validate|derive``: frameworks seen
through the model's answers (aisma.frameworks; docs/frameworks.md)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from aisma.cli.assess_cmd import AT_HELP, parse_optional_at
from aisma.errors import AismaError
from aisma.fileio import write_atomic
from aisma.frameworks.builtin import builtin_frameworks, derive_mapping_set, shipped_mapping
from aisma.frameworks.mapping import check_mapping_set, dump_mapping_set, parse_mapping_set
from aisma.frameworks.posture import framework_posture
from aisma.frameworks.render import RENDERERS
from aisma.frameworks.resolve import resolve_framework, resolve_mapping
from aisma.maturity.loader import resolve_model
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_opened

FrameworkArg = Annotated[str, typer.Option("--framework", "-f", help="Built-in framework id, or an OSCAL/CISO file.")]
FrameworkId = Annotated[
    str | None, typer.Option("--framework-id", help="Id to give an imported framework (to match a mapping set).")
]


def _check_format(value: str) -> str:
    if value not in RENDERERS:
        raise typer.BadParameter(f"{value!r}: expected one of {', '.join(RENDERERS)}")
    return value


def build_framework() -> typer.Typer:
    app = typer.Typer(help="Frameworks assessed through mapping sets: list, show, assess.", no_args_is_help=True)

    @app.command("list")
    def list_frameworks(model: Annotated[str, typer.Option(help="Model id or path.")] = "aisma-core") -> None:
        """Built-in frameworks, with the size of the mapping set shipped from the model."""
        m = resolve_model(model)
        for fid, fw in builtin_frameworks().items():
            mapping = shipped_mapping(m, fw)
            mapped = f"{len(mapping.mappings)} mappings" if mapping is not None else "no mapping set"
            typer.echo(f"{fid:26} {len(fw.requirements):4} requirements  {mapped:16} {fw.title}")

    @app.command()
    def show(framework: FrameworkArg, framework_id: FrameworkId = None) -> None:
        """A framework's requirements as a tree, with its source and license."""
        fw = resolve_framework(framework, framework_id)
        typer.echo(f"{fw.title} ({fw.id}{' ' + fw.version if fw.version else ''}): {len(fw.requirements)} requirements")
        typer.echo(f"source: {fw.source}")
        typer.echo(f"license: {fw.license}")
        depth: dict[str, int] = {}
        for r in fw.requirements:
            depth[r.id] = depth.get(r.parent, -1) + 1 if r.parent is not None else 0
            typer.echo(f"{'  ' * min(depth[r.id], 8)}{r.id}  {r.title}")

    @app.command()
    def assess(
        workspace: Annotated[Path, typer.Argument(help="Workspace folder.")],
        framework: FrameworkArg,
        mapping: Annotated[str | None, typer.Option(help="Mapping set file (default: the one shipped).")] = None,
        framework_id: FrameworkId = None,
        output_format: Annotated[
            str, typer.Option("--format", callback=_check_format, help="text, json or md.")
        ] = "text",
        out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
    ) -> None:
        """Posture per requirement: met, partial, gap, n-a or unmapped, with the objectives behind each."""
        opened = open_workspace(workspace)
        fw = resolve_framework(framework, framework_id)
        mapping_set = resolve_mapping(mapping, opened.model, fw)
        result = assess_opened(opened, parse_optional_at(at))
        text = RENDERERS[output_format](framework_posture(fw, mapping_set, result))
        if out is None:
            typer.echo(text, nl=False)
        else:
            write_atomic(out, text)
            typer.echo(f"wrote {out}")

    return app


def build_mapping() -> typer.Typer:
    app = typer.Typer(
        help="Mapping sets from a model's objectives to a framework's requirements.", no_args_is_help=True
    )

    @app.command()
    def validate(
        path: Annotated[Path, typer.Argument(help="Mapping set file.")],
        framework: Annotated[
            str | None, typer.Option("--framework", "-f", help="Framework file (default: the built-in one named).")
        ] = None,
    ) -> None:
        """Check a mapping set: format, objective ids in the model, requirement ids in the framework."""
        if not path.is_file():
            raise AismaError(f"{path}: no such file")
        mapping, raw = parse_mapping_set(path)
        model = resolve_model(mapping.model)
        fw = resolve_framework(framework or mapping.framework, mapping.framework)
        check_mapping_set(mapping, raw, path, model, fw)
        covered = len({m.requirement for m in mapping.mappings})
        typer.echo(
            f"{path}: valid mapping set {mapping.id}: {len(mapping.mappings)} mappings from {model.id} "
            f"to {covered} of {len(fw.requirements)} requirements of {fw.id}"
        )

    @app.command()
    def derive(
        framework: FrameworkArg,
        model: Annotated[str, typer.Option(help="Model id or path.")] = "aisma-core",
    ) -> None:
        """Print a mapping set derived from the model's references (each citation as ``subset``)."""
        typer.echo(dump_mapping_set(derive_mapping_set(resolve_model(model), resolve_framework(framework))), nl=False)

    return app


def register(app: typer.Typer) -> None:
    app.add_typer(build_framework(), name="framework")
    app.add_typer(build_mapping(), name="mapping")
