"""The roadmap as Markdown and CSV, shared by ``aisma roadmap`` and the Markdown report.

Everything here reads the result's ``roadmap`` and ``targets`` fields only, so a saved result
renders the same roadmap it was assessed with.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from aisma.roadmap.whatif import WhatIf
from aisma.scoring.results import AssessmentResult, RoadmapItem
from aisma.scoring.targets import target_cap_note

CSV_COLUMNS = (
    "order",
    "phase",
    "phase_title",
    "months_min",
    "months_max",
    "objective",
    "category",
    "level",
    "title",
    "reason",
    "unlocks_level",
    "gating_changes",
    "lifts_gates",
    "regulations",
    "depends_on",
    "effort",
    "impact",
    "risk_tier",
)


def md_cell(text: object) -> str:
    """Text from the organization's data on one line of a Markdown table, inert: no column break, no tag.

    Markdown passes raw HTML through to most renderers, so a system named ``<script>`` would run in
    the wiki that shows the report; ``<`` becomes ``&lt;`` (rendered as the same character).
    """
    return str(text).replace("<", "&lt;").replace("|", "\\|").replace("\n", " ")


_cell = md_cell


def _lv(value: object) -> str:
    return "n/a" if value is None else str(value)


def total_months(result: AssessmentResult) -> tuple[int, int]:
    return sum(p.months_min for p in result.roadmap), sum(p.months_max for p in result.roadmap)


def targets_line(result: AssessmentResult) -> str:
    t = result.targets
    parts = [f"preset {t.preset}" if t is not None and t.preset else "no preset"]
    if t is not None and t.from_inventory:
        parts.append("raised to what the inventory's deployments need")
    categories = t.categories if t is not None else ()
    raised = [c.id for c in categories if c.source == "inventory"]
    if raised:
        parts.append(f"inventory-derived for {', '.join(raised)}")
    short = [
        (c, needed)
        for c in categories
        if (needed := c.inventory_requires) is not None and (c.target_level is None or needed > c.target_level)
    ]
    if short:
        needs = ", ".join(f"{c.id} {needed} ({', '.join(c.required_by)})" for c, needed in short)
        parts.append(f"the inventory's deployments need more: {needs}; targets.from_inventory plans for it")
    capped = [f"{c.id} {note}" for c in categories if (note := target_cap_note(t, c.id))]
    if capped:
        parts.append("capped at the highest level with applicable objectives: " + "; ".join(capped))
    return "Targets: " + "; ".join(parts) + "."


def projection_rows(result: AssessmentResult, evidenced: bool = False) -> list[tuple[str, str, str, list[str]]]:
    """(category id, title, today, [target, after phase 1, after phase 2, ...]) for the what-if table."""
    rows = []
    for c in result.categories:
        if not c.applicable:
            continue
        after = [
            _lv((p.projected.evidenced_categories if evidenced else p.projected.categories).get(c.id))
            for p in result.roadmap
        ]
        today = c.evidenced_level if evidenced else c.level
        rows.append((c.id, c.title, _lv(today), [_lv(c.target_level), *after]))
    return rows


def markdown_lines(result: AssessmentResult, heading: str = "##", evidenced: bool = False) -> list[str]:
    """The roadmap section: targets, the compact what-if table, then each phase's items.

    ``evidenced``: the roadmap was planned on evidenced levels, so today and the projections are evidenced.
    """
    basis = "evidenced " if evidenced else ""
    lines = [f"{heading} Roadmap" + (" to evidenced targets" if evidenced else ""), "", targets_line(result), ""]
    if not result.roadmap:
        return [*lines, "Every category is at or above its target: nothing to plan.", ""]
    low, high = total_months(result)
    count = sum(len(p.items) for p in result.roadmap)
    lines += [
        f"{count} objectives in {len(result.roadmap)} phases, about {low}-{high} months at the reference transition "
        "times (phases run one after another).",
        "",
        f"What if: {basis}levels once each phase is done (rescored).",
        "",
        "| Category | Today | Target | " + " | ".join(f"After phase {p.phase}" for p in result.roadmap) + " |",
        "|---|---|---|" + "---|" * len(result.roadmap),
    ]
    for cid, title, today, rest in projection_rows(result, evidenced):
        lines.append(f"| {cid} {_cell(title)} | {today} | " + " | ".join(rest) + " |")
    if result.gating:
        lines += [
            "",
            "| Deployment | Today | " + " | ".join(f"After phase {p.phase}" for p in result.roadmap) + " |",
        ]
        lines.append("|---|---|" + "---|" * len(result.roadmap))
        for g in result.gating:
            after = [
                (p.projected.evidenced_gating if evidenced else p.projected.gating).get(g.system, "")
                for p in result.roadmap
            ]
            today = g.evidenced_verdict if evidenced else g.verdict
            lines.append(
                f"| {_cell(g.name)} | {today.replace('_', ' ')} | "
                + " | ".join(v.replace("_", " ") for v in after)
                + " |"
            )
    for phase in result.roadmap:
        lines += [
            "",
            f"{heading}# Phase {phase.phase}: {_cell(phase.title)}, {phase.months_min}-{phase.months_max} months",
            "",
            "| # | Objective | Unlocks | Gating changes | Regulations |",
            "|---|---|---|---|---|",
        ]
        for n, item in enumerate(phase.items, start=1):
            unlocks = ", ".join(f"{u.category} {u.level}" for u in item.unlocks)
            changes = "; ".join([*item.gating_changes, *(f"lifts gate {g}" for g in item.lifts_gates)])
            lines.append(
                f"| {n} | {item.objective} {_cell(item.title)}{evidence_note(item)} | {unlocks} "
                f"| {_cell(changes)} "
                f"| {_cell(', '.join(item.regulations))} |"
            )
    return [*lines, ""]


def evidence_note(item: RoadmapItem) -> str:
    return " (met by attestation: evidence or measure it)" if item.action == "evidence" else ""


def render_roadmap_markdown(result: AssessmentResult, whatif: WhatIf | None = None, evidenced: bool = False) -> str:
    lines = [f"# Roadmap: {_cell(result.organization)}", "", f"Model {result.model.id} {result.model.version}, "]
    lines[-1] += f"assessed {result.assessed_at}."
    lines += ["", *markdown_lines(result, evidenced=evidenced)]
    if whatif is not None:
        lines += whatif_markdown(whatif)
    return "\n".join(lines).rstrip("\n") + "\n"


def whatif_markdown(whatif: WhatIf) -> list[str]:
    data = whatif.to_dict()
    n = len(whatif.done)
    overall = data["overall"]
    lines = [
        f"## What if the first {n} item{'s' if n != 1 else ''} were done",
        "",
        f"Done: {', '.join(whatif.done) or 'nothing'}.",
        "",
        f"Overall level {_lv(overall['level'][0])} -> {_lv(overall['level'][1])} (score {overall['score'][0]} -> "
        f"{overall['score'][1]}); evidenced {_lv(overall['evidenced_level'][0])} -> "
        f"{_lv(overall['evidenced_level'][1])}.",
        "",
        "| Category | Today | Projected | Evidenced today | Evidenced projected | Target |",
        "|---|---|---|---|---|---|",
    ]
    for c in data["categories"]:
        lines.append(
            f"| {c['id']} | {_lv(c['level'][0])} | {_lv(c['level'][1])} | {_lv(c['evidenced_level'][0])} "
            f"| {_lv(c['evidenced_level'][1])} | {_lv(c['target_level'])} |"
        )
    if data["gating"]:
        lines += ["", "| Deployment | Today | Projected |", "|---|---|---|"]
        for g in data["gating"]:
            before, after = (str(v).replace("_", " ") for v in g["verdict"])
            lines.append(f"| {g['system']} | {before} | {after} |")
    return [*lines, ""]


def csv_rows(result: AssessmentResult) -> list[dict[str, Any]]:
    rows = []
    order = 0
    for phase in result.roadmap:
        for item in phase.items:
            order += 1
            rows.append(
                {
                    "order": order,
                    "phase": phase.phase,
                    "phase_title": phase.title,
                    "months_min": phase.months_min,
                    "months_max": phase.months_max,
                    "objective": item.objective,
                    "category": item.category,
                    "level": item.level,
                    "title": item.title,
                    "reason": item.reason,
                    "unlocks_level": "" if item.unlocks_level is None else item.unlocks_level,
                    "gating_changes": "; ".join(item.gating_changes),
                    "lifts_gates": "; ".join(item.lifts_gates),
                    "regulations": "; ".join(item.regulations),
                    "depends_on": "; ".join(item.depends_on),
                    "effort": item.effort,
                    "impact": item.impact,
                    "risk_tier": item.risk_tier or "",
                }
            )
    return rows


def render_roadmap_csv(result: AssessmentResult) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(csv_rows(result))
    return out.getvalue()


def render_whatif_csv(whatif: WhatIf) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["category", "level_today", "level_projected", "evidenced_today", "evidenced_projected", "target"])
    for c in whatif.to_dict()["categories"]:
        writer.writerow([c["id"], *c["level"], *c["evidenced_level"], c["target_level"]])
    return out.getvalue()


def html_view(result: AssessmentResult) -> dict[str, Any]:
    """What the HTML report's roadmap section shows (the template only lays it out)."""
    low, high = total_months(result)
    return {
        "targets_line": targets_line(result),
        "phases": list(result.roadmap),
        "item_count": sum(len(p.items) for p in result.roadmap),
        "months": (low, high),
        "projection": projection_rows(result),
        "gating": [
            (
                g.system,
                g.name,
                g.verdict,
                [p.projected.gating.get(g.system, "") for p in result.roadmap],
            )
            for g in result.gating
        ],
    }
