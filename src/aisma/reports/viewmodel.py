"""One view-model for every human-readable report, so Markdown, HTML and later PDF agree."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from aisma.scoring.results import AssessmentResult, CategoryResult, ObjectiveResult

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
    }


def weakest_categories(result: AssessmentResult, count: int = 3) -> list[CategoryResult]:
    """The applicable categories with the lowest claimed score, by the overall roll-up's rule (score, id)."""
    live = [c for c in result.categories if c.applicable and c.score is not None]
    return sorted(live, key=lambda c: (c.score or 0.0, c.id))[:count]


def gating_counts(result: AssessmentResult) -> dict[str, int]:
    """How many systems get each verdict, in the order a board reads them (worst first)."""
    counts = {"do_not_proceed": 0, "marginal": 0, "appropriate": 0}
    for g in result.gating:
        verdict = str(g.get("verdict", ""))
        if verdict in counts:
            counts[verdict] += 1
    return counts


def first_roadmap_phase(result: AssessmentResult) -> dict[str, Any] | None:
    """The roadmap's first phase, or None when the result carries no roadmap.

    Phases are plain mappings ({phase, title, months_min, months_max, items}); this reads them
    defensively so a result written by an older or newer aisma still renders.
    """
    if not result.roadmap:
        return None
    phase = dict(result.roadmap[0])
    items = phase.get("items") or []
    phase["items"] = [dict(i) for i in items if isinstance(i, dict)]
    return phase
