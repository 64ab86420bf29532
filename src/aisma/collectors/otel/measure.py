"""Turn a Tally into measurements, one per metric, each only when its denominator is above zero.

Every measurement covers all input files together: the system-based ratios (logged, traced,
sampled) would count a system once per file if they were split, and summing those would count it
twice. The provenance names the file holding the newest span, whose end time is the observation.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from aisma.collectors.base import ratio
from aisma.collectors.otel.tally import SAMPLING_RATES, Tally
from aisma.inventory.schema import AISystem
from aisma.scoring.inputs import Measurement, Source


def _by_count(counter: Counter[str]) -> list[str]:
    """``item (n spans)``, the most frequent first."""
    ordered = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    return [f"{key} ({n} span{'' if n == 1 else 's'})" for key, n in ordered]


def _systems_ratio(
    metric: str, scope: list[AISystem], passed: set[str], label: str, when: datetime, source: Source
) -> Measurement | None:
    if not scope:
        return None
    failing = [f"{s.id}: {label}" for s in sorted(scope, key=lambda s: s.id) if s.id not in passed]
    return ratio(metric, len(scope) - len(failing), len(scope), when, source, failing)


def _sampling(tally: Tally, when: datetime, source: Source) -> Measurement | None:
    systems = {s.id: s for s in tally.systems}
    scope = sorted((sid, t) for sid, t in tally.per_system.items() if t.sampled)
    if not scope:
        return None
    failing = []
    for sid, t in scope:
        tier = systems[sid].risk_tier or "LOW"
        needed = SAMPLING_RATES[tier]
        if t.evaluated < needed * t.sampled:
            failing.append(
                f"{sid}: {t.evaluated} of {t.sampled} outputs evaluated ({t.evaluated / t.sampled:.0%}), "
                f"{tier} tier needs {needed:.0%}"
            )
    return ratio("otel.evaluations.tier_sampling_ratio", len(scope) - len(failing), len(scope), when, source, failing)


def _secure_sdk(tally: Tally, when: datetime, source: Source) -> list[Measurement]:
    if not tally.sdk_scopes:
        return []
    today = tally.end.date()
    excepted = {e.system for e in tally.settings.sdk_exceptions if e.expires >= today}
    scope = sorted(
        (s for s in tally.systems if s.environment == "production" and s.track == "build" and s.id in tally.logged),
        key=lambda s: s.id,
    )
    out: list[Measurement] = []
    failing = []
    for s in scope:
        t = tally.per_system[s.id]
        if t.outside_sdk and s.id not in excepted:
            failing.append(
                f"{s.id}: {t.outside_sdk} of {t.sdk_checked} inference and tool spans outside the secure SDK"
            )
    if scope:
        out.append(ratio("otel.systems.secure_sdk_ratio", len(scope) - len(failing), len(scope), when, source, failing))
    if tally.min_key is None:
        return out
    current = [s for s in scope if tally.per_system[s.id].sdk_spans]
    behind = [
        f"{s.id}: secure SDK {tally.per_system[s.id].lowest_sdk_version} is below {tally.settings.min_version}"
        for s in current
        if tally.per_system[s.id].sdk_below_min
    ]
    if current:
        out.append(
            ratio(
                "otel.systems.secure_sdk_current_ratio", len(current) - len(behind), len(current), when, source, behind
            )
        )
    return out


def measurements(tally: Tally, when: datetime, source: Source) -> tuple[Measurement, ...]:
    out: list[Measurement | None] = []
    window = f"no GenAI span in the last {tally.settings.window_days} days"
    if tally.tool_calls:
        out.append(
            ratio(
                "otel.tool_calls.agent_identity_ratio",
                tally.tool_calls_identified,
                tally.tool_calls,
                when,
                source,
                _by_count(tally.anonymous_tools),
            )
        )
    built = [s for s in tally.systems if s.track in ("build", "platform")]
    out.append(_systems_ratio("otel.systems.logged_ratio", built, tally.logged, window, when, source))
    agentic = [s for s in tally.systems if s.is_agentic]
    no_tools = f"no execute_tool span in the last {tally.settings.window_days} days"
    out.append(
        _systems_ratio("otel.agentic.tool_calls_traced_ratio", agentic, tally.traced_tools, no_tools, when, source)
    )
    if tally.inference:
        uncapped = _by_count(tally.uncapped)
        out.append(ratio("otel.inference.max_tokens_ratio", tally.capped, tally.inference, when, source, uncapped))
    if tally.pinned_checked:
        floating = _by_count(tally.floating)
        out.append(ratio("otel.models.pinned_ratio", tally.pinned, tally.pinned_checked, when, source, floating))
    if tally.sources:
        unregistered = [
            f"data source {name}: matches no inventory system"
            for name, sid in sorted(tally.sources.items())
            if sid is None
        ]
        registered = len(tally.sources) - len(unregistered)
        out.append(
            ratio("otel.retrieval.registered_source_ratio", registered, len(tally.sources), when, source, unregistered)
        )
    if tally.pairs:
        unapproved = [
            f"service.name={svc}: provider {name} is not approved"
            for (svc, name), ok in sorted(tally.pairs.items())
            if not ok
        ]
        approved = len(tally.pairs) - len(unapproved)
        out.append(ratio("otel.providers.approved_ratio", approved, len(tally.pairs), when, source, unapproved))
    out.append(_sampling(tally, when, source))
    out.extend(_secure_sdk(tally, when, source))
    return tuple(m for m in out if m is not None)
