"""The Rich summary table that ``aisma demo`` prints."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from aisma.reports.viewmodel import (
    fmt_level,
    fmt_pct,
    fmt_score,
    headline,
    kinds_text,
    level_name,
    over_governable,
    over_governable_text,
    target_notes,
    tier_text,
)
from aisma.scoring.results import AssessmentResult


def print_summary(console: Console, result: AssessmentResult) -> None:
    h = headline(result)
    table = Table(title=f"{result.organization}: {result.model.id} {result.model.version}", title_justify="left")
    for column, justify in (
        ("Category", "left"),
        ("Level", "right"),
        ("Score", "right"),
        ("Evidenced", "right"),
        ("Target", "right"),
        ("Coverage", "right"),
        ("Note", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    notes = target_notes(result)
    for c in result.categories:
        note = ""
        if not c.applicable:
            note = "not applicable"
        elif c.capped_by:
            note = f"capped by {c.capped_by.gate}"
        elif c.target_level is not None and (c.level or 0) < c.target_level:
            note = f"{c.target_level - (c.level or 0)} below target"
        if c.id in notes:
            note = f"{note}; {notes[c.id]}" if note else notes[c.id]
        table.add_row(
            f"{c.id} {c.title}",
            fmt_level(c.level),
            fmt_score(c.score),
            fmt_level(c.evidenced_level),
            fmt_level(c.target_level),
            fmt_pct(c.coverage),
            note,
        )
    console.print(table)
    console.print(
        f"Overall: level [bold]{fmt_level(h['level'])}[/bold] ({level_name(result, h['level'])}), "
        f"score {fmt_score(h['score'])}; evidenced level [bold]{fmt_level(h['evidenced_level'])}[/bold] "
        f"(score {fmt_score(h['evidenced_score'])}); target {fmt_level(h['target_level'])}; "
        f"{h['measured']} of {h['applicable']} objectives measured."
    )
    if h["conflicts"]:
        console.print(f"[yellow]{len(h['conflicts'])} attestation(s) contradicted by measurements.[/yellow]")
    if result.unregistered_ai:
        count = result.unregistered_ai_total
        console.print(
            f"[yellow]{count:,} unregistered AI asset{'s' if count != 1 else ''} in tool output: "
            f"{kinds_text(result.unregistered_ai_by_kind)}.[/yellow]"
        )
    if result.roadmap:
        first = result.roadmap[0]
        count = sum(len(p.items) for p in result.roadmap)
        starts = ", ".join(i.objective for i in first.items[:3])
        console.print(
            f"Roadmap: {count} objectives in {len(result.roadmap)} phases; phase 1, {first.title} "
            f"({first.months_min}-{first.months_max} months), starts with {starts} (aisma roadmap DIR)."
        )
    for g in result.gating:
        if g.verdict == "do_not_proceed":
            tier = f", {tier_text(g)}" if g.autonomy_tier else ""
            console.print(
                f"[red]Do not proceed:[/red] {g.name} ({g.deployment_class}{tier}): needs level "
                f"{g.required_level}, the program is at {fmt_level(g.program_level)}"
            )
    for g in over_governable(result):
        console.print(f"[yellow]Autonomy above what the program can govern:[/yellow] {over_governable_text(g)}")
