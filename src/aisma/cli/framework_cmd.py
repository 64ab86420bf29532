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
from aisma.frameworks.posture import FrameworkPosture, framework_posture
from aisma.frameworks.render import RENDERERS
from aisma.frameworks.resolve import resolve_framework, resolve_mapping
from aisma.maturity.loader import resolve_model
from aisma.scoring.results import AssessmentResult
from aisma.workspace.loader import open_workspace
from aisma.workspace.run import assess_opened

FrameworkArg = Annotated[str, typer.Option("--framework", "-f", help="Built-in framework id, or an OSCAL/CISO file.")]
FrameworkId = Annotated[
    str | None, typer.Option("--framework-id", help="Id to give an imported framework (to match a mapping set).")
]


FORMATS = (*RENDERERS, "oscal", "oscal-xml")


def _check_format(value: str) -> str:
    if value not in FORMATS:
        raise typer.BadParameter(f"{value!r}: expected one of {', '.join(FORMATS)}")
    return value


def _oscal(result: AssessmentResult, posture: FrameworkPosture, xml: bool) -> str:
    """OSCAL assessment results against the framework, checked with trestle (the oscal extra) like --format
    oscal; as XML, converted from that checked JSON."""
    from aisma.reports.oscal import check_with_trestle
    from aisma.reports.oscal.framework import framework_documents
    from aisma.reports.oscal.xml import results_xml

    results_text, plan_text = framework_documents(result, posture)
    check_with_trestle(results_text, plan_text)
    return results_xml(results_text, plan_text)[0] if xml else results_text


def _then(posture: FrameworkPosture, path: Path, target_file: str | None) -> FrameworkPosture:
    from aisma.frameworks.crossmap import load_ciso_mapping, target_outline, translate

    if not path.is_file():
        raise AismaError(f"--then {path}: no such file")
    cross = load_ciso_mapping(path, posture.framework)
    target = resolve_framework(target_file, cross.target_framework) if target_file else target_outline(cross)
    return translate(posture, cross, target)


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
        then: Annotated[
            Path | None,
            typer.Option(help="A CISO Assistant mapping set from this framework to another: show the other's posture."),
        ] = None,
        then_framework: Annotated[
            str | None, typer.Option(help="The other framework's file (default: its ids from the mapping set).")
        ] = None,
        output_format: Annotated[
            str,
            typer.Option(
                "--format",
                callback=_check_format,
                help="text, json, md, oscal or oscal-xml (OSCAL assessment results, JSON or XML; aisma[oscal]).",
            ),
        ] = "text",
        out: Annotated[Path | None, typer.Option(help="Write to this file instead of standard output.")] = None,
        at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
    ) -> None:
        """Posture per requirement: met, partial, gap, n-a or unmapped, with the objectives behind each."""
        opened = open_workspace(workspace)
        fw = resolve_framework(framework, framework_id)
        mapping_set = resolve_mapping(mapping, opened.model, fw)
        result = assess_opened(opened, parse_optional_at(at))
        posture = framework_posture(fw, mapping_set, result)
        if then is not None:
            posture = _then(posture, then, then_framework)
        if output_format in ("oscal", "oscal-xml"):
            text = _oscal(result, posture, xml=output_format == "oscal-xml")
        else:
            text = RENDERERS[output_format](posture)
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
