"""Markdown report: the same content as the HTML report, for pull requests and wikis."""

from __future__ import annotations

from aisma.reports.registry import ReportContext, Reporter
from aisma.reports.viewmodel import (
    STATUS_LABELS,
    VIEW_TITLES,
    fmt_level,
    fmt_pct,
    fmt_score,
    governable_text,
    headline,
    level_name,
    over_governable,
    over_governable_text,
    source_label,
    stale_text,
    target_notes,
    tier_text,
    unlisted_text,
)
from aisma.roadmap.render import markdown_lines, md_cell
from aisma.scoring.results import AssessmentResult

_cell = md_cell


def render_markdown(result: AssessmentResult) -> str:
    h = headline(result)
    lines = [
        f"# AI security maturity: {_cell(result.organization)}",
        "",
        f"**{h['as_of']}.** Model {result.model_id} {result.model_version}.",
        "",
        f"**Overall level {fmt_level(h['level'])} ({level_name(result, h['level'])}), score {fmt_score(h['score'])}**; "
        f"evidenced level {fmt_level(h['evidenced_level'])} (score {fmt_score(h['evidenced_score'])}); "
        f"target {fmt_level(h['target_level'])}; coverage {fmt_pct(h['coverage'])}; "
        f"{h['measured']} of {h['applicable']} applicable objectives measured by tools.",
        "",
    ]
    if h["stale"]:
        lines += [
            f"**{len(h['stale'])} objective(s) with stale evidence**, counted as unknown: "
            + "; ".join(f"{o.id} ({stale_text(o.stale)})" for o in h["stale"])
            + ".",
            "",
        ]
    if h["valid_until"]:
        lines += [f"{h['valid_until']}.", ""]
    lines += [
        "## Domains",
        "",
        "| Domain | Level | Score | Evidenced | Target | Weakest category |",
        "|---|---|---|---|---|---|",
    ]
    for d in result.domains:
        lines.append(
            f"| {_cell(d.title)} | {fmt_level(d.level)} | {fmt_score(d.score)} | {fmt_level(d.evidenced_level)} "
            f"| {fmt_level(d.target_level)} | {d.weakest_category or ''} |"
        )
    if result.gating:
        lines += [
            "",
            "## Deployment gating",
            "",
            "| System | Class | Autonomy tier | Needs | Program | Can govern | Verdict | Category levels |",
        ]
        lines.append("|---|---|---|---|---|---|---|---|")
        for g in result.gating:
            levels = ", ".join(f"{c} {fmt_level(lv)}" for c, lv in g.levels.items())
            verdict = g.verdict.replace("_", " ")
            lines.append(
                f"| {_cell(g.name)} | {g.deployment_class} | {tier_text(g)} | {g.required_level} "
                f"| {fmt_level(g.program_level)} | {governable_text(g)} | {verdict} | {levels} |"
            )
        above = over_governable(result)
        if above:
            lines += ["", "Autonomy above what the organization's maturity can govern (MASO tiers):", ""]
            lines += [f"- {_cell(over_governable_text(g))}" for g in above]
    if result.unregistered_ai:
        count = result.unregistered_ai_total
        lines += [
            "",
            "## Unregistered AI",
            "",
            f"{count:,} AI asset{'s' if count != 1 else ''} seen in tool output match no active system of the "
            "inventory (shadow AI), most seen first.",
            "",
            "| Kind | Identifier | Seen | Tools | Files | Matches retired system |",
            "|---|---|---|---|---|---|",
        ]
        for u in result.unregistered_ai:
            lines.append(
                f"| {u.kind} | {_cell(u.identifier)} | {u.seen} | {_cell(', '.join(u.tools))} "
                f"| {_cell(', '.join(u.files))} | {_cell(u.matches_retired_system or '')} |"
            )
        if result.unregistered_ai_unlisted:
            lines += ["", unlisted_text(result)]
    lines += [
        "",
        "## Categories",
        "",
        "| Category | Level | Score | Evidenced | Target | Coverage | Capped by |",
        "|---|---|---|---|---|---|---|",
    ]
    notes = target_notes(result)
    for c in result.categories:
        cap = f"{c.capped_by.gate} ({c.capped_by.condition_category} below {c.capped_by.below})" if c.capped_by else ""
        if c.id in notes:
            cap = "; ".join(part for part in (cap, notes[c.id]) if part)
        lines.append(
            f"| {c.id} {_cell(c.title)} | {fmt_level(c.level)} | {fmt_score(c.score)} | {fmt_level(c.evidenced_level)} "
            f"| {fmt_level(c.target_level)} | {fmt_pct(c.coverage)} | {cap} |"
        )
    lines += ["", *markdown_lines(result)[:-1]]
    if result.tracks:
        lines += ["", "## Tracks", "", "| Track | Level | Score | Evidenced | Coverage |", "|---|---|---|---|---|"]
        for t in result.tracks:
            lines.append(
                f"| {_cell(t.title)} | {fmt_level(t.level)} | {fmt_score(t.score)} | {fmt_level(t.evidenced_level)} "
                f"| {fmt_pct(t.coverage)} |"
            )
    for name, buckets in result.views.items():
        lines += ["", f"## {VIEW_TITLES.get(name, name)}", "", "| | Level | Coverage | Met | Not met | Unknown | N/A |"]
        lines.append("|---|---|---|---|---|---|---|")
        for b in buckets:
            counts = dict(b.counts)
            lines.append(
                f"| {_cell(b.id + ' ' + b.title)} | {fmt_level(b.level)} | {fmt_pct(b.coverage)} | {counts['met']} "
                f"| {counts['unmet']} | {counts['unknown']} | {counts['na']} |"
            )
    lines += ["", "## Objectives"]
    for c in result.categories:
        lines += ["", f"### {c.id} {_cell(c.title)}", "", "| Objective | Level | Status | Answer | Source | Evidence |"]
        lines.append("|---|---|---|---|---|---|")
        for o in c.objectives:
            evidence = ", ".join(str(e["ref"]) for e in o.evidence)
            if o.measurement:
                m = o.measurement
                evidence = (evidence + "; " if evidence else "") + f"{m.metric} = {m.value:.2f}"
            if o.conflict:
                evidence += f" ({'stale conflict' if o.conflict.stale else 'conflict'}: {o.conflict.message})"
            if o.stale:
                evidence += f" (stale: {stale_text(o.stale)})"
            lines.append(
                f"| {o.id} {_cell(o.title)} | {o.level} | {STATUS_LABELS[o.status]} | {o.answer or ''} "
                f"| {source_label(o)} | {_cell(evidence)} |"
            )
    if result.warnings:
        lines += ["", "## Warnings", ""]
        lines += [f"- {_cell(w)}" for w in result.warnings]
    return "\n".join(lines) + "\n"


def reporter() -> Reporter:
    """The ``md`` entry point of ``aisma.reporters``."""

    def render(result: AssessmentResult, context: ReportContext) -> str:
        return render_markdown(result)

    return Reporter(
        format="md",
        media_type="text/markdown; charset=utf-8",
        suffix=".md",
        binary=False,
        description="Markdown report for pull requests and wikis",
        render=render,
        label="Markdown",
        order=40,
    )
