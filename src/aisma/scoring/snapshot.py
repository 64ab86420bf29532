"""Rebuild an ``AssessmentResult`` from its stored JSON form (``aisma.result/v1``).

The server stores each assessment as its JSON result, a snapshot that never changes when the model
or the code does; the reports render from result objects, so this reads the snapshot back. Numbers
come back as rounded in the JSON, which is what every report shows anyway.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from aisma.scoring.results import (
    AssessmentResult,
    CapApplied,
    CategoryResult,
    Conflict,
    MeasurementUsed,
    ObjectiveResult,
    Rollup,
    ViewBucket,
)

_KNOWN_KEYS = frozenset(
    {
        "schema",
        "organization",
        "model",
        "assessed_at",
        "time_basis",
        "evidence_valid_until",
        "overall",
        "domains",
        "categories",
        "tracks",
        "views",
        "gating",
        "unregistered_ai",
        "unregistered_ai_total",
        "unregistered_ai_by_kind",
        "targets",
        "roadmap",
        "warnings",
    }
)


def _measurement(data: dict[str, Any] | None) -> MeasurementUsed | None:
    if data is None:
        return None
    return MeasurementUsed(
        metric=data["metric"],
        value=data["value"],
        numerator=data["numerator"],
        denominator=data["denominator"],
        observed_at=data["observed_at"],
        sources=tuple(dict(s) for s in data["sources"]),
        details=tuple(data["details"]),
        fresh=data["fresh"],
        answer=data["answer"],
        stale_sources=data.get("stale_sources", 0),
    )


def _objective(data: dict[str, Any]) -> ObjectiveResult:
    conflict = data["conflict"]
    return ObjectiveResult(
        id=data["id"],
        title=data["title"],
        level=data["level"],
        applicable=data["applicable"],
        status=data["status"],
        answer=data["answer"],
        value=data["value"],
        source=data["source"],
        evidenced_status=data["evidenced_status"],
        measurement=_measurement(data["measurement"]),
        conflict=Conflict(**conflict) if conflict else None,
        note=data["note"],
        justification=data["justification"],
        evidence=tuple(dict(e) for e in data["evidence"]),
        by=data["by"],
        # results stored before the evidence review existed carry neither: nothing verified, no review
        evidence_status=data.get("evidence_status", "none"),
        evidence_review=data.get("evidence_review"),
        stale=data.get("stale"),
        valid_until=data.get("valid_until"),
    )


def _cap(data: dict[str, Any] | None) -> CapApplied | None:
    if data is None:
        return None
    return CapApplied(
        gate=data["gate"],
        condition_category=data["category"],
        condition_level=data["category_level"],
        below=data["below"],
        cap=data["cap"],
        reason=data["reason"],
    )


def _category(data: dict[str, Any], weights: dict[str, float]) -> CategoryResult:
    return CategoryResult(
        id=data["id"],
        title=data["title"],
        domain=data["domain"],
        weight=weights.get(data["id"], 1.0),
        applicable=data["applicable"],
        level=data["level"],
        score=data["score"],
        coverage=data["coverage"],
        evidenced_level=data["evidenced_level"],
        evidenced_score=data["evidenced_score"],
        uncapped_level=data["uncapped_level"],
        target_level=data["target_level"],
        capped_by=_cap(data["capped_by"]),
        evidenced_capped_by=_cap(data["evidenced_capped_by"]),
        objectives=tuple(_objective(o) for o in data["objectives"]),
    )


def _rollup(data: dict[str, Any], ident: str | None = None, title: str | None = None) -> Rollup:
    return Rollup(
        id=ident if ident is not None else data["id"],
        title=title if title is not None else data["title"],
        level=data["level"],
        score=data["score"],
        coverage=data["coverage"],
        evidenced_level=data["evidenced_level"],
        evidenced_score=data["evidenced_score"],
        target_level=data["target_level"],
        weakest_category=data["weakest_category"],
    )


def _bucket(data: dict[str, Any]) -> ViewBucket:
    return ViewBucket(
        id=data["id"],
        title=data["title"],
        objectives=tuple(data["objectives"]),
        counts=tuple(data["counts"].items()),
        coverage=data["coverage"],
        level=data["level"],
        score=data["score"],
        evidenced_level=data["evidenced_level"],
    )


def result_from_dict(data: dict[str, Any], weights: dict[str, float] | None = None) -> AssessmentResult:
    """The result a stored ``to_dict()`` came from; ``weights`` (category id -> weight) are not in the JSON."""
    model = data["model"]
    listed = tuple(dict(u) for u in data.get("unregistered_ai", []))
    by_kind = data.get("unregistered_ai_by_kind")
    if by_kind is None:
        by_kind = Counter(str(u.get("kind")) for u in listed)
    return AssessmentResult(
        organization=data["organization"],
        model_id=model["id"],
        model_version=model["version"],
        model_title=model["title"],
        assessed_at=data["assessed_at"],
        time_basis=data.get("time_basis", "at"),
        evidence_valid_until=data.get("evidence_valid_until"),
        overall=_rollup(data["overall"], "overall", model["title"]),
        domains=tuple(_rollup(d) for d in data["domains"]),
        categories=tuple(_category(c, weights or {}) for c in data["categories"]),
        tracks=tuple(_bucket(t) for t in data["tracks"]),
        views=tuple((name, tuple(_bucket(b) for b in buckets)) for name, buckets in data["views"].items()),
        gating=tuple(dict(g) for g in data["gating"]),
        roadmap=tuple(dict(r) for r in data["roadmap"]),
        warnings=tuple(data["warnings"]),
        levels=tuple((lv["level"], lv["name"]) for lv in model.get("levels", [])),
        unregistered_ai=listed,
        # Results before the list was capped listed every asset: the list is the count.
        unregistered_ai_total=int(data.get("unregistered_ai_total", len(listed))),
        unregistered_ai_by_kind=tuple(sorted(by_kind.items())),
        targets=data.get("targets"),
        extra=tuple((key, value) for key, value in data.items() if key not in _KNOWN_KEYS),
    )
