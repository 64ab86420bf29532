"""Turn one objective's inputs (answer, measurement, applicability) into its scored state.

Precedence, per DESIGN.md: an N/A with a justification removes the objective; a fresh measurement
decides the answer (and a disagreement of more than one step with the attestation is reported); an
unexpired attestation decides otherwise; nothing at all is unknown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from aisma.errors import AismaError
from aisma.inventory.schema import AISystem
from aisma.maturity.schema import AppliesTo, Objective
from aisma.scoring.inputs import ANSWER_STEPS, ANSWER_VALUES, MET_ANSWERS, Answer, Measurement
from aisma.scoring.results import Conflict, MeasurementUsed, ObjectiveResult, SourceKind, Status


def applies(applies_to: AppliesTo, systems: Sequence[AISystem]) -> bool:
    """An objective applies when some active system matches all its conditions; no systems: all apply."""
    if not systems:
        return True
    return any(
        (not applies_to.deployment_types or s.deployment_type in applies_to.deployment_types)
        and (not applies_to.tracks or s.track in applies_to.tracks)
        and (applies_to.agentic is not True or s.is_agentic)
        and (applies_to.mcp is not True or s.uses_mcp)
        and (
            applies_to.eu_high_risk_provider is not True
            or (s.eu_ai_act.role == "provider" and s.eu_ai_act.risk_class == "high")
        )
        for s in systems
    )


@dataclass(frozen=True)
class MergedMeasurement:
    metric: str
    value: float
    numerator: float | None
    denominator: float | None
    observed_at: datetime
    parts: tuple[Measurement, ...]
    details: tuple[str, ...] = ()


def merge(measurements: Sequence[Measurement]) -> MergedMeasurement | None:
    """Several sources of one metric add up: numerators and denominators are summed.

    Shares of entities (every part names its ``population`` and ``covered`` ids) merge as a union
    instead: a system red-teamed by garak and not by promptfoo is covered, once.
    """
    usable = [m for m in measurements if m.ratio is not None]
    if not usable:
        return None
    details = tuple(sorted({d for p in usable for d in p.details}))
    if len(usable) > 1 and all(m.population is not None and m.covered is not None for m in usable):
        population = {entity for m in usable for entity in m.population or ()}
        covered = {entity for m in usable for entity in m.covered or ()} & population
        if population:
            folded = {entity.casefold() for entity in covered}
            return MergedMeasurement(
                metric=usable[0].metric,
                value=len(covered) / len(population),
                numerator=float(len(covered)),
                denominator=float(len(population)),
                observed_at=min(m.observed_at for m in usable),
                parts=tuple(usable),
                details=tuple(d for d in details if d.split(": ", 1)[0].casefold() not in folded),
            )
    if all(m.numerator is not None and m.denominator is not None for m in usable):
        numerator = sum(m.numerator or 0.0 for m in usable)
        denominator = sum(m.denominator or 0.0 for m in usable)
        value = numerator / denominator
        merged_num: float | None = numerator
        merged_den: float | None = denominator
    else:
        value = sum(m.ratio or 0.0 for m in usable) / len(usable)
        merged_num = merged_den = None
    return MergedMeasurement(
        metric=usable[0].metric,
        value=value,
        numerator=merged_num,
        denominator=merged_den,
        observed_at=min(m.observed_at for m in usable),
        parts=tuple(usable),
        details=details,
    )


def threshold_answer(objective: Objective, value: float) -> str:
    spec = objective.measurement
    assert spec.thresholds is not None
    t = spec.thresholds
    higher = spec.direction == "higher_is_better"
    # Tolerate float noise so 19/20 meets a 0.95 threshold.
    eps = 1e-9
    for word, limit in (("fully", t.fully), ("largely", t.largely), ("partially", t.partially)):
        if (value + eps >= limit) if higher else (value - eps <= limit):
            return word
    return "not"


def _status(word: str | None) -> Status:
    if word is None or word == "unknown":
        return "unknown"
    if word == "na":
        return "na"
    return "met" if word in MET_ANSWERS else "unmet"


def score_objective(
    objective: Objective,
    applicable: bool,
    answer: Answer | None,
    measurements: Sequence[Measurement],
    assessed_at: datetime,
    warnings: list[str],
) -> ObjectiveResult:
    """Decide the answer, its source and the evidenced status of one objective."""
    oid = objective.id
    used: MeasurementUsed | None = None
    conflict: Conflict | None = None
    word: str | None = None
    source: SourceKind = "none"

    if answer is not None and answer.answer == "na" and not answer.justification.strip():
        raise AismaError(f"objective {oid}: answer na needs a justification")

    attested = answer.answer if answer is not None else None
    if answer is not None and answer.expires is not None and answer.expires < assessed_at.date():
        warnings.append(f"{oid}: the answer expired on {answer.expires.isoformat()}; counted as unknown")
        attested = "unknown"

    spec = objective.measurement
    if spec.mode != "manual" and spec.metric and attested != "na":
        current = [m for m in measurements if m.observed_at <= assessed_at]
        fresh = [
            m for m in current if spec.max_age_days is None or (assessed_at - m.observed_at).days <= spec.max_age_days
        ]
        merged_fresh = merge(fresh)
        merged_any = merged_fresh or merge(current)
        if merged_fresh is None and merged_any is not None:
            age = (assessed_at - merged_any.observed_at).days
            warnings.append(f"{oid}: measurement {spec.metric} is {age} days old (max {spec.max_age_days}); not used")
        if merged_any is not None:
            measured_word = threshold_answer(objective, merged_any.value)
            used = MeasurementUsed(
                metric=spec.metric,
                value=merged_any.value,
                numerator=merged_any.numerator,
                denominator=merged_any.denominator,
                observed_at=merged_any.observed_at.isoformat(),
                sources=tuple(
                    {"tool": tool, "version": version, "file": file, "sha256": sha}
                    for tool, version, file, sha in sorted(
                        {(p.source.tool, p.source.version, p.source.file, p.source.sha256) for p in merged_any.parts}
                    )
                ),
                details=merged_any.details[:20],
                fresh=merged_fresh is not None,
                answer=measured_word,
            )
            if merged_fresh is not None:
                word, source = measured_word, "measured"
                if attested in ANSWER_STEPS and abs(ANSWER_STEPS[attested] - ANSWER_STEPS[measured_word]) > 1:
                    conflict = Conflict(
                        attested=attested,
                        measured=measured_word,
                        used="measured",
                        message=(
                            f"attested {attested} but {spec.metric} = {merged_any.value:.2f} measures {measured_word}"
                        ),
                    )
                    warnings.append(f"{oid}: {conflict.message}; the measurement is used")

    if word is None and attested is not None:
        word = attested
        if attested == "na" or attested != "unknown":
            source = "attested_with_evidence" if answer is not None and answer.has_evidence else "attested"

    status = _status(word) if applicable else "na"
    evidenced_status: Status = status
    if status in ("met", "unmet") and source == "attested":
        evidenced_status = "unknown"
    value = ANSWER_VALUES.get(word or "unknown", 0.0) if status in ("met", "unmet") else 0.0
    return ObjectiveResult(
        id=oid,
        title=objective.title,
        level=objective.level,
        applicable=applicable and status != "na",
        status=status,
        answer=word,
        value=value,
        source=source,
        evidenced_status=evidenced_status,
        measurement=used,
        conflict=conflict,
        note=answer.note if answer else "",
        justification=answer.justification if answer else "",
        evidence=tuple(
            {"ref": e.ref, "exists": e.exists, "sha256": e.sha256} for e in (answer.evidence if answer else ())
        ),
        by=answer.by if answer else "",
        evidence_status=answer.evidence_status if answer else "none",
        evidence_review=answer.review.to_dict() if answer and answer.review else None,
    )
