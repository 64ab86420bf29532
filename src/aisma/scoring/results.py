"""Frozen result types and their JSON form (``aisma.result/v1``, a public contract).

Numbers are rounded here, once, so every report and every run shows the same digits.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

RESULT_SCHEMA = "aisma.result/v1"
Status = Literal["met", "unmet", "na", "unknown"]
SourceKind = Literal["measured", "attested_with_evidence", "attested", "none"]


def r2(value: float | None) -> float | None:
    """Scores are floored, never rounded up: 2.996 must not read as level 3."""
    return None if value is None else math.floor(value * 100 + 1e-6) / 100


def r3(value: float | None) -> float | None:
    return None if value is None else round(value + 0.0, 3)


def score_fields(item: Any) -> dict[str, Any]:
    """The identity and score fields every scored thing shares, rounded once, in contract order."""
    return {
        "id": item.id,
        "title": item.title,
        "level": item.level,
        "score": r2(item.score),
        "coverage": r3(item.coverage),
        "evidenced_level": item.evidenced_level,
    }


@dataclass(frozen=True)
class MeasurementUsed:
    metric: str
    value: float
    numerator: float | None
    denominator: float | None
    observed_at: str
    sources: tuple[dict[str, str], ...]
    details: tuple[str, ...]
    fresh: bool
    answer: str
    # Sources that went stale and count as unmeasured (all of them when ``fresh`` is false).
    stale_sources: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "value": r3(self.value),
            "numerator": self.numerator,
            "denominator": self.denominator,
            "observed_at": self.observed_at,
            "fresh": self.fresh,
            "stale_sources": self.stale_sources,
            "answer": self.answer,
            "sources": [dict(s) for s in self.sources],
            "details": list(self.details),
        }


@dataclass(frozen=True)
class Conflict:
    attested: str
    measured: str
    used: str  # "measured" (a fresh measurement decides) or "neither" (the measurement is stale: unknown)
    message: str
    stale: bool = False  # the measurement that contradicts the attestation has gone stale

    def to_dict(self) -> dict[str, Any]:
        return {
            "attested": self.attested,
            "measured": self.measured,
            "used": self.used,
            "message": self.message,
            "stale": self.stale,
        }


@dataclass(frozen=True)
class ObjectiveResult:
    id: str
    title: str
    level: int
    applicable: bool
    status: Status
    answer: str | None
    value: float
    source: SourceKind
    evidenced_status: Status
    measurement: MeasurementUsed | None
    conflict: Conflict | None
    note: str
    justification: str
    evidence: tuple[dict[str, Any], ...]
    by: str
    # What the cited evidence proves (``Answer.evidence_status``) and the assessor's review, if any.
    evidence_status: str = "none"
    evidence_review: dict[str, Any] | None = None
    # Evidence that lapsed: {"what": "measurement"|"attestation", "since": time, "was": the answer it gave}.
    stale: dict[str, Any] | None = None
    # When the evidence that decides this objective goes stale (time alone can only lower it after that).
    valid_until: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "level": self.level,
            "applicable": self.applicable,
            "status": self.status,
            "answer": self.answer,
            "value": self.value,
            "source": self.source,
            "evidenced_status": self.evidenced_status,
            "measurement": self.measurement.to_dict() if self.measurement else None,
            "conflict": self.conflict.to_dict() if self.conflict else None,
            "note": self.note,
            "justification": self.justification,
            "evidence": [dict(e) for e in self.evidence],
            "by": self.by,
            "evidence_status": self.evidence_status,
            "evidence_review": dict(self.evidence_review) if self.evidence_review else None,
            "stale": dict(self.stale) if self.stale else None,
            "valid_until": self.valid_until,
        }


@dataclass(frozen=True)
class CapApplied:
    gate: str
    condition_category: str
    condition_level: int
    below: int
    cap: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "gate": self.gate,
            "category": self.condition_category,
            "category_level": self.condition_level,
            "below": self.below,
            "cap": self.cap,
            "reason": self.reason,
        }


@dataclass(frozen=True)
class CategoryResult:
    id: str
    title: str
    domain: str
    weight: float
    applicable: bool
    level: int | None
    score: float | None
    coverage: float | None
    evidenced_level: int | None
    evidenced_score: float | None
    uncapped_level: int | None
    target_level: int | None
    capped_by: CapApplied | None
    evidenced_capped_by: CapApplied | None
    objectives: tuple[ObjectiveResult, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "title": self.title,
            "domain": self.domain,
            "applicable": self.applicable,
            "level": self.level,
            "score": r2(self.score),
            "coverage": r3(self.coverage),
            "evidenced_level": self.evidenced_level,
            "evidenced_score": r2(self.evidenced_score),
            "uncapped_level": self.uncapped_level,
            "target_level": self.target_level,
            "capped_by": self.capped_by.to_dict() if self.capped_by else None,
            "evidenced_capped_by": self.evidenced_capped_by.to_dict() if self.evidenced_capped_by else None,
            "objectives": [o.to_dict() for o in self.objectives],
        }


@dataclass(frozen=True)
class Rollup:
    """A weighted roll-up of category scores: a domain, or the whole program."""

    id: str
    title: str
    level: int | None
    score: float | None
    coverage: float | None
    evidenced_level: int | None
    evidenced_score: float | None
    target_level: int | None
    weakest_category: str | None

    def to_dict(self) -> dict[str, Any]:
        return score_fields(self) | {
            "evidenced_score": r2(self.evidenced_score),
            "target_level": self.target_level,
            "weakest_category": self.weakest_category,
        }


@dataclass(frozen=True)
class ViewBucket:
    """Objectives grouped under one framework function, article or track."""

    id: str
    title: str
    objectives: tuple[str, ...]
    counts: tuple[tuple[str, int], ...]
    coverage: float | None
    level: int | None
    score: float | None
    evidenced_level: int | None

    def to_dict(self) -> dict[str, Any]:
        return score_fields(self) | {"counts": dict(self.counts), "objectives": list(self.objectives)}


@dataclass(frozen=True)
class AssessmentResult:
    organization: str
    model_id: str
    model_version: str
    model_title: str
    assessed_at: str
    overall: Rollup
    domains: tuple[Rollup, ...]
    categories: tuple[CategoryResult, ...]
    tracks: tuple[ViewBucket, ...]
    views: tuple[tuple[str, tuple[ViewBucket, ...]], ...]
    gating: tuple[dict[str, Any], ...]
    roadmap: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...]
    levels: tuple[tuple[int, str], ...] = ()
    # Shadow AI: at most UNREGISTERED_LISTED assets (aisma.inventory.shadow), the most seen first, and
    # the exact number of distinct unregistered assets, in all and per kind (listed or not).
    unregistered_ai: tuple[dict[str, Any], ...] = ()
    unregistered_ai_total: int = 0
    unregistered_ai_by_kind: tuple[tuple[str, int], ...] = ()
    extra: tuple[tuple[str, Any], ...] = ()
    # Where each category's target came from (preset, override, inventory); see aisma.scoring.targets.
    targets: dict[str, Any] | None = None
    time_basis: str = "at"
    # The first time evidence behind this result goes stale (None: nothing expires); after it, the
    # same inputs can only score lower. Reports say so; live pages warn once it has passed.
    evidence_valid_until: str | None = None

    @property
    def unregistered_ai_unlisted(self) -> int:
        """How many unregistered assets the list leaves out (reports say "N more not listed")."""
        return max(self.unregistered_ai_total - len(self.unregistered_ai), 0)

    def lapsed_since(self, now: str) -> list[ObjectiveResult]:
        """Objectives whose deciding evidence went stale between this assessment and ``now`` (ISO time)."""
        moment = datetime.fromisoformat(now)
        return [
            o
            for c in self.categories
            for o in c.objectives
            if o.valid_until is not None and datetime.fromisoformat(o.valid_until) <= moment
        ]

    def category(self, category_id: str) -> CategoryResult:
        return next(c for c in self.categories if c.id == category_id)

    def objective(self, objective_id: str) -> ObjectiveResult:
        return next(o for c in self.categories for o in c.objectives if o.id == objective_id)

    def to_dict(self) -> dict[str, Any]:
        overall = self.overall.to_dict()
        del overall["id"], overall["title"]
        result: dict[str, Any] = {
            "schema": RESULT_SCHEMA,
            "organization": self.organization,
            "model": {
                "id": self.model_id,
                "version": self.model_version,
                "title": self.model_title,
                "levels": [{"level": n, "name": name} for n, name in self.levels],
            },
            "assessed_at": self.assessed_at,
            "time_basis": self.time_basis,
            "evidence_valid_until": self.evidence_valid_until,
            "overall": overall,
            "domains": [d.to_dict() for d in self.domains],
            "categories": [c.to_dict() for c in self.categories],
            "tracks": [t.to_dict() for t in self.tracks],
            "views": {name: [b.to_dict() for b in buckets] for name, buckets in self.views},
            "gating": [dict(g) for g in self.gating],
            "unregistered_ai": [dict(u) for u in self.unregistered_ai],
            "unregistered_ai_total": self.unregistered_ai_total,
            "unregistered_ai_by_kind": dict(self.unregistered_ai_by_kind),
            "targets": self.targets,
            "roadmap": [dict(r) for r in self.roadmap],
            "warnings": list(self.warnings),
        }
        for key, value in self.extra:
            result[key] = value
        return result
