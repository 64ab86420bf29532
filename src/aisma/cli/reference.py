"""Generate docs/cli.md from the command tree itself, so every command and option is documented.

Typer builds click-style command objects; we read them by attribute (commands, params, opts, help)
rather than importing click, which newer Typer releases vendor privately.
"""

from __future__ import annotations

from typing import Any

import typer


def _walk(command: Any, path: list[str]) -> list[tuple[list[str], Any]]:
    out = [(path, command)]
    children = getattr(command, "commands", None)
    if isinstance(children, dict):
        for name in sorted(children):
            out.extend(_walk(children[name], [*path, name]))
    return out


def _is_argument(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "argument"


def cli_reference(app: typer.Typer) -> str:
    root = typer.main.get_command(app)
    lines = [
        "# Command reference",
        "",
        "Generated from the code by `aisma-docs` (`make docs`); do not edit by hand.",
        "",
    ]
    for path, command in _walk(root, ["aisma"]):
        if len(path) == 1:
            continue
        help_text = (command.help or "").strip().split("\n\n")[0]
        if isinstance(getattr(command, "commands", None), dict):
            lines += [f"## {' '.join(path)}", "", help_text, ""]
            continue
        arguments = [p for p in command.params if _is_argument(p)]
        options = [p for p in command.params if getattr(p, "param_type_name", "") == "option"]
        usage = " ".join([*path, *(a.name.upper() for a in arguments), "[OPTIONS]"])
        lines += [f"### {' '.join(path)}", "", help_text, "", "```", usage, "```", ""]
        for arg in arguments:
            lines.append(f"- `{arg.name.upper()}`: {getattr(arg, 'help', '') or ''}")
        for opt in options:
            names = ", ".join(f"`{o}`" for o in opt.opts)
            default = opt.default
            shown = (
                ""
                if default in (None, False) or getattr(opt, "is_flag", False)
                else f" (default: `{getattr(default, 'value', default)}`)"
            )
            lines.append(f"- {names}: {opt.help or ''}{shown}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
