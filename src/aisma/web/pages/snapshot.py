"""Turn a stored result snapshot (the ``aisma.result/v1`` dict) back into the frozen result types.

The server stores each assessment as the JSON contract; the charts and reports of ``aisma.reports``
take the frozen types. Rebuilding them here keeps one chart implementation for the CLI report and the
web dashboard instead of a second, dict-based one that would drift.
"""

from __future__ import annotations

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
        "overall",
        "domains",
        "categories",
        "tracks",
        "views",
        "gating",
        "unregistered_ai",
        "roadmap",
        "warnings",
    }
)


def _cap(raw: dict[str, Any] | None) -> CapApplied | None:
    if not raw:
        return None
    return CapApplied(
        gate=raw["gate"],
        condition_category=raw["category"],
        condition_level=raw["category_level"],
        below=raw["below"],
        cap=raw["cap"],
        reason=raw.get("reason", ""),
    )


def _measurement(raw: dict[str, Any] | None) -> MeasurementUsed | None:
    if not raw:
        return None
    return MeasurementUsed(
        metric=raw["metric"],
        value=raw["value"],
        numerator=raw.get("numerator"),
        denominator=raw.get("denominator"),
        observed_at=raw.get("observed_at", ""),
        sources=tuple(dict(s) for s in raw.get("sources", ())),
        details=tuple(raw.get("details", ())),
        fresh=bool(raw.get("fresh", True)),
        answer=raw.get("answer", ""),
    )


def _objective(raw: dict[str, Any]) -> ObjectiveResult:
    conflict = raw.get("conflict")
    return ObjectiveResult(
        id=raw["id"],
        title=raw.get("title", raw["id"]),
        level=raw["level"],
        applicable=raw.get("applicable", True),
        status=raw["status"],
        answer=raw.get("answer"),
        value=raw.get("value", 0.0),
        source=raw.get("source", "none"),
        evidenced_status=raw.get("evidenced_status", raw["status"]),
        measurement=_measurement(raw.get("measurement")),
        conflict=Conflict(**conflict) if conflict else None,
        note=raw.get("note", ""),
        justification=raw.get("justification", ""),
        evidence=tuple(dict(e) for e in raw.get("evidence", ())),
        by=raw.get("by", ""),
    )


def category_from_dict(raw: dict[str, Any]) -> CategoryResult:
    return CategoryResult(
        id=raw["id"],
        title=raw.get("title", raw["id"]),
        domain=raw.get("domain", ""),
        weight=raw.get("weight", 1.0),
        applicable=raw.get("applicable", True),
        level=raw.get("level"),
        score=raw.get("score"),
        coverage=raw.get("coverage"),
        evidenced_level=raw.get("evidenced_level"),
        evidenced_score=raw.get("evidenced_score"),
        uncapped_level=raw.get("uncapped_level"),
        target_level=raw.get("target_level"),
        capped_by=_cap(raw.get("capped_by")),
        evidenced_capped_by=_cap(raw.get("evidenced_capped_by")),
        objectives=tuple(_objective(o) for o in raw.get("objectives", ())),
    )


def _rollup(raw: dict[str, Any], default_id: str = "overall", default_title: str = "Overall") -> Rollup:
    return Rollup(
        id=raw.get("id", default_id),
        title=raw.get("title", default_title),
        level=raw.get("level"),
        score=raw.get("score"),
        coverage=raw.get("coverage"),
        evidenced_level=raw.get("evidenced_level"),
        evidenced_score=raw.get("evidenced_score"),
        target_level=raw.get("target_level"),
        weakest_category=raw.get("weakest_category"),
    )


def _bucket(raw: dict[str, Any]) -> ViewBucket:
    return ViewBucket(
        id=raw["id"],
        title=raw.get("title", raw["id"]),
        objectives=tuple(raw.get("objectives", ())),
        counts=tuple(sorted(raw.get("counts", {}).items())),
        coverage=raw.get("coverage"),
        level=raw.get("level"),
        score=raw.get("score"),
        evidenced_level=raw.get("evidenced_level"),
    )


def result_from_dict(raw: dict[str, Any]) -> AssessmentResult:
    """The inverse of ``AssessmentResult.to_dict`` for everything the reports read."""
    model = raw.get("model", {})
    return AssessmentResult(
        organization=raw.get("organization", ""),
        model_id=model.get("id", ""),
        model_version=model.get("version", ""),
        model_title=model.get("title", model.get("id", "")),
        assessed_at=raw.get("assessed_at", ""),
        overall=_rollup(raw.get("overall", {})),
        domains=tuple(_rollup(d) for d in raw.get("domains", ())),
        categories=tuple(category_from_dict(c) for c in raw.get("categories", ())),
        tracks=tuple(_bucket(t) for t in raw.get("tracks", ())),
        views=tuple((name, tuple(_bucket(b) for b in buckets)) for name, buckets in raw.get("views", {}).items()),
        gating=tuple(dict(g) for g in raw.get("gating", ())),
        roadmap=tuple(dict(r) for r in raw.get("roadmap", ())),
        warnings=tuple(raw.get("warnings", ())),
        levels=tuple((lv["level"], lv["name"]) for lv in model.get("levels", ())),
        unregistered_ai=tuple(dict(u) for u in raw.get("unregistered_ai", ())),
        extra=tuple((k, v) for k, v in raw.items() if k not in _KNOWN_KEYS),
    )
