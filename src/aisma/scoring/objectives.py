"""Turn one objective's inputs (answer, measurements, applicability) into its scored state.

Precedence (docs/scoring.md): an N/A with a justification removes the objective; a fresh measurement
decides the answer (and a disagreement of more than one step with the attestation is reported as a
conflict); an unexpired attestation decides when the objective has no measurement; nothing at all is
unknown.

Time alone never improves anything. Evidence has a shelf life: a measurement is fresh until
``max_age_days`` after it was observed, an attestation until its ``expires`` date. Past it, evidence is
*stale*: it stops counting as met but does not vanish.

- A stale part of a merged measurement stays in the denominator as unmeasured (``merging.merge``).
- An objective whose measurements are all stale is unknown, marked stale, with the last measurement
  shown. The attestation does not take over: a measured KPI whose measurement lapsed is re-measured,
  not silently replaced by the claim it may have contradicted (that conflict stays visible, as stale).
- An expired attestation is unknown, marked stale; an expired N/A makes the objective applicable again,
  as unknown until it is answered again: a fresh measurement of it is shown but does not decide. The
  objective re-enters its category's denominator, and measured above the category's mean it would
  raise a score with time alone.
- Measurements observed after the assessment time are not yet known then and are not counted.

So with the same inputs, a later assessment time can only move evidence from fresh to stale, and each
such move can only lower a value: no level, score, view, track or gating verdict improves with time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from aisma.errors import AismaError
from aisma.inventory.schema import AISystem
from aisma.maturity.schema import AppliesTo, Objective
from aisma.scoring.inputs import ANSWER_STEPS, ANSWER_VALUES, MET_ANSWERS, Answer, Measurement
from aisma.scoring.merging import MergedMeasurement, merge
from aisma.scoring.results import Conflict, MeasurementUsed, ObjectiveResult, SourceKind, Status

__all__ = ["MergedMeasurement", "applies", "merge", "score_objective", "stale_after", "threshold_answer"]


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


def stale_after(measurement: Measurement, max_age_days: int | None) -> datetime | None:
    """The first moment ``measurement`` is stale: ``max_age_days`` whole days after it was observed."""
    return None if max_age_days is None else measurement.observed_at + timedelta(days=max_age_days + 1)


def _expiry(answer: Answer) -> datetime | None:
    """The first moment an attestation has expired (the day after its ``expires`` date, UTC)."""
    if answer.expires is None:
        return None
    day = answer.expires + timedelta(days=1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _measured_word(objective: Objective, merged: MergedMeasurement) -> str:
    return "not" if merged.fails_for_staleness else threshold_answer(objective, merged.value)


def _used(
    objective: Objective, merged: MergedMeasurement, word: str, fresh: bool, stale_since: dict[int, datetime]
) -> MeasurementUsed:
    spec = objective.measurement
    everything = merged.parts + merged.stale_parts
    stale_lines = tuple(
        f"{p.source.file or p.source.tool}: observed {p.observed_at.date().isoformat()}, stale since "
        f"{stale_since[id(p)].date().isoformat()}; counted as unmeasured"
        for p in merged.stale_parts
    )
    return MeasurementUsed(
        metric=spec.metric or merged.metric,
        value=merged.value,
        numerator=merged.numerator,
        denominator=merged.denominator,
        observed_at=merged.observed_at.isoformat(),
        sources=tuple(
            {"tool": tool, "version": version, "file": file, "sha256": sha}
            for tool, version, file, sha in sorted(
                {(p.source.tool, p.source.version, p.source.file, p.source.sha256) for p in everything}
            )
        ),
        details=((stale_lines if fresh else ()) + merged.details)[:20],
        fresh=fresh,
        answer=word,
        stale_sources=len(merged.stale_parts) if fresh else len(everything),
    )


def score_objective(
    objective: Objective,
    applicable: bool,
    answer: Answer | None,
    measurements: Sequence[Measurement],
    assessed_at: datetime,
    warnings: list[str],
) -> ObjectiveResult:
    """Decide the answer, its source, the evidenced status and the staleness of one objective."""
    oid = objective.id
    used: MeasurementUsed | None = None
    conflict: Conflict | None = None
    word: str | None = None
    source: SourceKind = "none"
    stale: dict[str, Any] | None = None
    valid_until: datetime | None = None
    measured = False

    if answer is not None and answer.answer == "na" and not answer.justification.strip():
        raise AismaError(f"objective {oid}: answer na needs a justification")

    attested = answer.answer if answer is not None else None
    expiry = _expiry(answer) if answer is not None else None
    if answer is not None and expiry is not None and expiry <= assessed_at:
        assert answer.expires is not None
        warnings.append(f"{oid}: the answer expired on {answer.expires.isoformat()}; counted as unknown (stale)")
        stale = {"what": "attestation", "since": expiry.isoformat(), "was": answer.answer}
        attested = "unknown"
    lapsed_na = answer is not None and answer.answer == "na" and attested == "unknown"

    spec = objective.measurement
    if spec.mode != "manual" and spec.metric and attested != "na":
        current = [m for m in measurements if m.observed_at <= assessed_at]
        if len(current) < len(measurements):
            later = len(measurements) - len(current)
            warnings.append(
                f"{oid}: {later} measurement(s) of {spec.metric} observed after the assessment time "
                f"{assessed_at.isoformat()}; not counted (not yet known as of then)"
            )
        since = {id(m): s for m in current if (s := stale_after(m, spec.max_age_days)) is not None}
        fresh = [m for m in current if id(m) not in since or assessed_at < since[id(m)]]
        old = [m for m in current if id(m) in since and since[id(m)] <= assessed_at]
        higher = spec.direction == "higher_is_better"
        merged = merge(fresh, old, higher) if fresh else None
        if merged is not None and merged.parts and lapsed_na:
            measured = True
            used = _used(objective, merged, _measured_word(objective, merged), True, since)
            word = "unknown"  # back in the denominator, undecided until someone answers it again
            warnings.append(
                f"{oid}: the N/A lapsed; unknown until answered again (the fresh {spec.metric} is shown, not counted)"
            )
        elif merged is not None and merged.parts:
            measured = True
            stale = None  # an expired attestation does not matter: the fresh measurement decides
            word, source = _measured_word(objective, merged), "measured"
            used = _used(objective, merged, word, True, since)
            valid_until = min((since[id(m)] for m in merged.parts if id(m) in since), default=None)
            if old:
                warnings.append(
                    f"{oid}: {len(old)} of {len(old) + len(merged.parts)} sources of {spec.metric} are stale "
                    f"(max {spec.max_age_days} days); counted as unmeasured"
                )
            if attested in ANSWER_STEPS and abs(ANSWER_STEPS[attested] - ANSWER_STEPS[word]) > 1:
                conflict = Conflict(
                    attested=attested,
                    measured=word,
                    used="measured",
                    message=f"attested {attested} but {spec.metric} = {merged.value:.2f} measures {word}",
                )
                warnings.append(f"{oid}: {conflict.message}; the measurement is used")
        else:
            last = merge(current)  # what the lapsed measurements said, for the record only
            if last is not None:
                measured = True
                last_word = _measured_word(objective, last)
                lapsed = max(since[id(m)] for m in last.parts)
                used = _used(objective, last, last_word, False, since)
                age = (assessed_at - max(m.observed_at for m in last.parts)).days
                warnings.append(
                    f"{oid}: measurement {spec.metric} is {age} days old (max {spec.max_age_days}); "
                    "stale, counted as unknown until it is measured again"
                )
                stale = {"what": "measurement", "since": lapsed.isoformat(), "was": last_word}
                if attested in ANSWER_STEPS and abs(ANSWER_STEPS[attested] - ANSWER_STEPS[last_word]) > 1:
                    conflict = Conflict(
                        attested=attested,
                        measured=last_word,
                        used="neither",
                        message=(
                            f"attested {attested} but the last {spec.metric} = {last.value:.2f} measured "
                            f"{last_word} and is stale since {lapsed.date().isoformat()}"
                        ),
                        stale=True,
                    )
                    warnings.append(f"{oid}: {conflict.message}; unknown until measured again")

    if word is None and attested is not None and not measured:
        word = attested
        if attested != "unknown":
            source = "attested_with_evidence" if answer is not None and answer.has_evidence else "attested"
            valid_until = expiry

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
        stale=stale if applicable else None,
        valid_until=valid_until.isoformat() if valid_until is not None and applicable else None,
    )
