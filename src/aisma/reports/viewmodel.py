"""One view-model for every human-readable report, so Markdown, HTML and later PDF agree."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from aisma.inventory.autonomy import tier_label, tier_number
from aisma.scoring import as_of
from aisma.scoring.results import AssessmentResult, CategoryResult, GatingEntry, ObjectiveResult, RoadmapPhase
from aisma.scoring.targets import target_cap_note

STATUS_LABELS = {"met": "Met", "unmet": "Not met", "unknown": "Unknown", "na": "N/A"}
SOURCE_LABELS = {
    "measured": "Measured",
    "attested_with_evidence": "Attested, with evidence",
    "attested": "Attested, no evidence",
    "none": "No answer",
}
EVIDENCE_LABELS = {
    "verified": "evidence on file",
    "accepted": "evidence accepted",
    "unverified": "cited, unverified",
    "rejected": "evidence rejected",
    "none": "",
}


def source_label(o: ObjectiveResult) -> str:
    """The answer's source as a reader needs it: a link nobody checked reads "cited, unverified", not "evidence"."""
    label = SOURCE_LABELS[o.source]
    status = o.evidence_status
    if o.source == "attested" and status in ("unverified", "rejected"):
        return f"Attested, {EVIDENCE_LABELS[status]}"
    if o.source == "attested_with_evidence" and status == "accepted" and o.evidence_review:
        review = o.evidence_review
        when = f" on {str(review['at'])[:10]}" if review.get("at") else ""
        return f"Attested, evidence accepted by {review.get('by', '')}{when}"
    return label


VIEW_TITLES = {
    "nist-csf-2.0": "NIST CSF 2.0 functions",
    "nist-ai-rmf": "NIST AI RMF functions",
    "eu-ai-act": "EU AI Act articles",
    "maso": "MASO control domains (agentic systems)",
}


def fmt_score(value: float | None) -> str:
    """One decimal, floored, so a score never displays as the next level."""
    return "n/a" if value is None else f"{math.floor(value * 10 + 1e-6) / 10:.1f}"


def fmt_level(value: int | None) -> str:
    return "n/a" if value is None else str(value)


def fmt_pct(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


@dataclass(frozen=True)
class HeatCell:
    level: int
    counts: dict[str, int]
    statuses: tuple[str, ...]


def heat_row(category: CategoryResult, levels: list[int]) -> list[HeatCell]:
    cells = []
    for level in levels:
        objs = [o for o in category.objectives if o.level == level]
        counts = {s: sum(1 for o in objs if o.status == s) for s in ("met", "unmet", "unknown", "na")}
        cells.append(HeatCell(level=level, counts=counts, statuses=tuple(o.status for o in objs)))
    return cells


def level_name(result: AssessmentResult, level: int | None) -> str:
    if level is None:
        return "not applicable"
    return dict(result.levels).get(level, "Unaware" if level == 0 else str(level))


def as_of_text(result: AssessmentResult) -> str:
    """ "2026-11-16 09:00 UTC": the time every figure of the result holds for, as reports print it."""
    return as_of.as_of_text(result.assessed_at)


def as_of_line(result: AssessmentResult) -> str:
    """ "As of 2026-11-16 09:00 UTC (pinned by as_of in aisma.yaml)": the first thing a report says."""
    return as_of.as_of_line(result.assessed_at, result.time_basis)


def _day(iso: str) -> str:
    try:
        return datetime.fromisoformat(iso).astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    except ValueError:
        return iso


def stale_text(stale: dict[str, Any]) -> str:
    """ "measured fully, stale since 2026-10-01: unknown until measured again"."""
    since = _day(str(stale.get("since", "")))[:10]
    if stale.get("what") == "attestation":
        return f"attested {stale.get('was')}, expired, stale since {since}: unknown until answered again"
    return f"last measured {stale.get('was')}, stale since {since}: unknown until measured again"


def validity_line(result: AssessmentResult) -> str | None:
    """When the evidence starts to lapse: the same inputs can only score lower after it."""
    if result.evidence_valid_until is None:
        return None
    first = datetime.fromisoformat(result.evidence_valid_until)
    window = first + timedelta(days=30)
    soon = [
        o
        for c in result.categories
        for o in c.objectives
        if o.valid_until is not None and datetime.fromisoformat(o.valid_until) <= window
    ]
    return (
        f"Evidence valid until {_day(result.evidence_valid_until)}: by {window.strftime('%Y-%m-%d')} the "
        f"measurement or attestation deciding {len(soon)} objective{'s' if len(soon) != 1 else ''} will have "
        "lapsed and the same inputs will score lower; assess again with fresh evidence"
    )


def lapsed_line(result: AssessmentResult, now: datetime) -> str | None:
    """The live warning of pages and the CLI: evidence that went stale since this assessment."""
    lapsed = result.lapsed_since(now.isoformat())
    if not lapsed:
        return None
    ids = ", ".join(o.id for o in lapsed[:8]) + (f" and {len(lapsed) - 8} more" if len(lapsed) > 8 else "")
    return (
        f"Evidence has gone stale since this assessment (as of {as_of_text(result)}): "
        f"the measurement or attestation deciding {len(lapsed)} objective{'s' if len(lapsed) != 1 else ''} "
        f"({ids}) lapsed before {now.astimezone(UTC).strftime('%Y-%m-%d')}; today the same inputs score lower"
    )


KIND_NAMES = {"mcp_server": "MCP server"}


def kinds_text(by_kind: Iterable[tuple[str, int]]) -> str:
    """``2 models, 1 MCP server``: the unregistered assets per kind."""
    return ", ".join(f"{n:,} {KIND_NAMES.get(k, k)}{'s' if n != 1 else ''}" for k, n in by_kind)


def unlisted_text(result: AssessmentResult) -> str:
    """What a report says under its list of unregistered AI when the result lists only the most seen."""
    return (
        f"{result.unregistered_ai_unlisted:,} more not listed: the list holds the {len(result.unregistered_ai):,} "
        f"most seen of {result.unregistered_ai_total:,} ({kinds_text(result.unregistered_ai_by_kind)})."
    )


def target_notes(result: AssessmentResult) -> dict[str, str]:
    """Per category whose target was capped at its highest applicable level: the sentence that says so."""
    notes = {c.id: target_cap_note(result.targets, c.id) for c in result.categories if c.applicable}
    return {cid: note for cid, note in notes.items() if note}


def headline(result: AssessmentResult) -> dict[str, Any]:
    o = result.overall
    measured = sum(1 for c in result.categories for x in c.objectives if x.source == "measured" and x.applicable)
    applicable = sum(1 for c in result.categories for x in c.objectives if x.applicable)
    conflicts = [x for c in result.categories for x in c.objectives if x.conflict]
    capped = [c for c in result.categories if c.capped_by]
    below_target = [
        c for c in result.categories if c.applicable and c.target_level is not None and (c.level or 0) < c.target_level
    ]
    return {
        "level": o.level,
        "level_name": level_name(result, o.level),
        "score": o.score,
        "evidenced_level": o.evidenced_level,
        "evidenced_score": o.evidenced_score,
        "coverage": o.coverage,
        "target_level": o.target_level,
        "weakest": o.weakest_category,
        "measured": measured,
        "applicable": applicable,
        "conflicts": conflicts,
        "capped": capped,
        "below_target": below_target,
        "as_of": as_of_line(result),
        "stale": [x for c in result.categories for x in c.objectives if x.stale and x.applicable],
        "valid_until": validity_line(result),
    }


def weakest_categories(result: AssessmentResult, count: int = 3) -> list[CategoryResult]:
    """The applicable categories with the lowest claimed score, by the overall roll-up's rule (score, id)."""
    live = [c for c in result.categories if c.applicable and c.score is not None]
    return sorted(live, key=lambda c: (c.score or 0.0, c.id))[:count]


def gating_counts(result: AssessmentResult) -> dict[str, int]:
    """How many systems get each verdict, in the order a board reads them (worst first)."""
    counts = {"do_not_proceed": 0, "marginal": 0, "appropriate": 0}
    for g in result.gating:
        counts[g.verdict] += 1
    return counts


def tier_text(g: GatingEntry) -> str:
    """The MASO tier a gated system runs at (``Tier 2 (managed)``); empty for a system that is not agentic."""
    return tier_label(g.autonomy_tier) if g.autonomy_tier else ""


def governable_text(g: GatingEntry, evidenced: bool = False) -> str:
    """The most autonomous tier the program can govern for the system's class; empty when tiers do not apply."""
    if not g.autonomy_tier:
        return ""
    tier = g.evidenced_governable_tier if evidenced else g.governable_tier
    return tier_label(tier) if tier else "none"


def over_governable(result: AssessmentResult) -> list[GatingEntry]:
    """Agentic systems whose autonomy tier is above what the organization's maturity can govern."""
    return [g for g in result.gating if g.tier_above_governable]


def over_governable_text(g: GatingEntry) -> str:
    """One sentence per system: its tier, what the program can govern, and so what it could run at instead."""
    governable = g.governable_tier
    if governable:
        instead = f"the program can govern {tier_label(governable)} at most: run it at that tier or raise the program"
    else:
        instead = "the program cannot govern even Tier 1 (supervised) agents yet"
    return (
        f"{g.name} runs at {tier_label(g.autonomy_tier)}, which needs level {g.required_level}; "
        f"the {g.deployment_class} categories are at {fmt_level(g.program_level)}, so {instead}."
    )


def gating_context(result: AssessmentResult) -> dict[str, Any]:
    """What the gating templates (HTML report, PDF, dashboard) read about autonomy tiers."""
    return {
        "tier_text": tier_text,
        "tier_number": tier_number,
        "governable_text": governable_text,
        "over_governable": over_governable(result),
        "over_governable_text": over_governable_text,
    }


def first_roadmap_phase(result: AssessmentResult) -> RoadmapPhase | None:
    """The roadmap's first phase, or None when the result carries no roadmap."""
    return result.roadmap[0] if result.roadmap else None
