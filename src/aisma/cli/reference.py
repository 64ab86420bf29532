"""Generate docs/cli.md from the command tree itself, so every command and option is documented."""

from __future__ import annotations

import click
import typer


def _walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out.extend(_walk(command.commands[name], [*path, name]))
    return out


def cli_reference(app: typer.Typer) -> str:
    root = typer.main.get_command(app)
    lines = ["# Command reference", "", "Generated from the code by `aisma-docs` (`make docs`); do not edit by hand.", ""]
    for path, command in _walk(root, ["aisma"]):
        if isinstance(command, click.Group) and len(path) > 1:
            lines += [f"## {' '.join(path)}", "", (command.help or "").strip(), ""]
            continue
        if len(path) == 1:
            continue
        usage_parts = [p.human_readable_name.upper() if isinstance(p, click.Argument) else "" for p in command.params]
        usage = " ".join(["$", *path, *[u for u in usage_parts if u], "[OPTIONS]"])
        lines += [f"### {' '.join(path)}", "", (command.help or "").strip().split("\n\n")[0], "", "```", usage, "```", ""]
        options = [p for p in command.params if isinstance(p, click.Option)]
        arguments = [p for p in command.params if isinstance(p, click.Argument)]
        for arg in arguments:
            help_text = getattr(arg, "help", "") or ""
            lines.append(f"- `{arg.human_readable_name.upper()}`: {help_text}")
        for opt in options:
            names = ", ".join(f"`{o}`" for o in opt.opts)
            default = "" if opt.default in (None, False) or opt.is_flag else f" (default: `{opt.default}`)"
            lines.append(f"- {names}: {opt.help or ''}{default}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
