"""``aisma inventory list|show|validate|import-*``: the AI systems of a workspace."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from aisma.collectors.cyclonedx.importer import BomImportResult, import_bom
from aisma.collectors.mcp_config.importer import McpImportResult, import_mcp
from aisma.errors import AismaError
from aisma.inventory.autonomy import autonomy_result
from aisma.inventory.importers.csv_import import import_csv
from aisma.scoring.gating import deployment_class_id
from aisma.workspace.loader import open_workspace

Workspace = Annotated[Path, typer.Argument(help="Workspace folder (contains aisma.yaml).")]


def build() -> typer.Typer:
    app = typer.Typer(help="The AI inventory: list, show, validate and import systems.", no_args_is_help=True)

    @app.command("list")
    def list_systems(directory: Workspace) -> None:
        """One line per AI system: track, deployment, agentic, risk tier, owner."""
        ws = open_workspace(directory)
        table = Table("Id", "Name", "Track", "Deployment", "Class", "Agentic", "Tier", "Owner", "Environment")
        for s in ws.inventory.systems:
            table.add_row(
                s.id,
                s.name,
                s.track,
                s.deployment_type,
                deployment_class_id(s),
                "yes" if s.is_agentic else "no",
                s.risk_tier or "-",
                s.owner or "[red]none[/red]",
                s.environment,
            )
        Console().print(table)
        typer.echo(f"{len(ws.inventory.systems)} systems")

    @app.command()
    def show(directory: Workspace, system: Annotated[str, typer.Argument(help="System id.")]) -> None:
        """Every field of one system, with its Autonomy Test result and deployment class."""
        ws = open_workspace(directory)
        found = next((s for s in ws.inventory.systems if s.id == system), None)
        if found is None:
            raise AismaError(f"no system {system!r} in {directory / 'inventory.yaml'}")
        data = found.model_dump(mode="json", exclude_defaults=True)
        test = autonomy_result(found.autonomy_test)
        data["_derived"] = {
            "agentic": found.is_agentic,
            "autonomy_level": found.autonomy_level or test.level,
            "autonomy_reason": test.reason,
            "autonomy_test_complete": test.complete,
            "deployment_class": deployment_class_id(found),
        }
        typer.echo(json.dumps(data, indent=2))

    @app.command()
    def validate(directory: Workspace) -> None:
        """Check inventory.yaml (and the rest of the workspace); errors name file, line and field."""
        ws = open_workspace(directory)
        typer.echo(f"{directory / 'inventory.yaml'}: {len(ws.inventory.systems)} systems, valid")

    _register_imports(app)
    return app


SystemOption = Annotated[
    str | None, typer.Option("--system", help="Attach to this system id instead of matching by name.")
]


def _register_imports(app: typer.Typer) -> None:
    @app.command("import-csv")
    def import_csv_cmd(
        file: Annotated[Path, typer.Argument(help="CSV file; columns are inventory fields (docs/workspace.md).")],
        directory: Workspace,
    ) -> None:
        """Add or update systems from a CSV file; any bad row stops the import, all are reported."""
        result = import_csv(file, directory)
        typer.echo(
            f"{result.inventory}: {len(result.added)} added, {len(result.updated)} updated, "
            f"{len(result.unchanged)} unchanged"
        )
        for label, ids in (("added", result.added), ("updated", result.updated)):
            if ids:
                typer.echo(f"  {label}: {', '.join(ids)}")

    @app.command("import-bom")
    def import_bom_cmd(
        file: Annotated[Path, typer.Argument(help="CycloneDX 1.5/1.6 JSON BOM.")],
        directory: Workspace,
        system: SystemOption = None,
    ) -> None:
        """Report the ML models of an AI-BOM and their model card completeness; record it as a system's aibom."""
        _print_bom(import_bom(file, directory, system))

    @app.command("import-mcp")
    def import_mcp_cmd(
        files: Annotated[list[Path], typer.Argument(help="MCP client configuration files (JSON).")],
        directory: Workspace,
        system: SystemOption = None,
    ) -> None:
        """List the MCP servers in client configuration files and add them to systems' mcp_servers."""
        _print_mcp(import_mcp(files, directory, system))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _percent(value: float) -> str:
    return f"{value * 100:.0f}%"


def _print_bom(result: BomImportResult) -> None:
    report = result.report
    mean = report.mean_completeness
    typer.echo(
        f"{report.file}: CycloneDX {report.spec_version}, {_count(len(report.models), 'machine-learning model')}"
        + (f", mean model card completeness {_percent(mean)}" if mean is not None else "")
    )
    for assignment in result.assignments:
        model = assignment.model
        card = (
            f"model card {len(model.filled)}/{len(model.filled) + len(model.missing)} sections "
            f"({_percent(model.completeness)})"
            if model.model_card
            else "no model card"
        )
        ref = model.purl or model.bom_ref or "-"
        name = f"{model.name} {model.version}" if model.version else model.name
        typer.echo(f"  {name}  [{ref}]  {card}  -> {assignment.system or 'unassigned'}")
        if model.model_card and model.missing:
            typer.echo(f"    missing: {', '.join(model.missing)}")
    if result.copied_to is not None:
        typer.echo(f"Copy in the workspace: {result.copied_to}")
    for system_id, status in result.systems.items():
        typer.echo(f"System {system_id}: aibom {result.aibom} ({status})")
    if result.unassigned:
        typer.echo(f"{len(result.unassigned)} unassigned (no system's match patterns fit; use --system)")


def _print_mcp(result: McpImportResult) -> None:
    owners = {a.name: a.systems for a in result.assignments}
    for config in result.configs:
        typer.echo(f"{config.file}: {config.client}, {_count(len(config.servers), 'MCP server')}")
        for server in config.servers:
            where = ", ".join(owners.get(server.name, ())) or "unassigned"
            disabled = " (disabled)" if server.disabled else ""
            typer.echo(f"  {server.name}  {server.transport}  {server.target}{disabled}  -> {where}")
    for system_id, status in result.systems.items():
        typer.echo(f"System {system_id}: mcp_servers {status}")
    if result.unassigned:
        typer.echo(f"Unassigned: {', '.join(result.unassigned)} (add them to a system's mcp_servers or use --system)")
