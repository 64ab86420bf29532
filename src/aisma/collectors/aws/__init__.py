"""The ``aws`` collector: reads Amazon Bedrock's guardrail and invocation-logging setup live from an account.

Unlike the file collectors it calls AWS (read-only) for the regions listed under ``collectors.aws`` in
aisma.yaml, and only then: an assessment must work offline, so nothing reaches the network unless
someone configured it. boto3 is an optional extra, imported inside ``collect``. Each region's
responses, serialized canonically, stand in for an input file: their sha256 is the provenance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from aisma.collectors.aws.checks import (
    TIER_DAYS,
    contextual_grounding,
    describe_days,
    missing_filters,
    prompt_attack_high,
    runs_in,
    sensitive_information,
    trail_logs_bedrock,
)
from aisma.collectors.aws.reading import RegionSnapshot, Trail, read_region, read_trails
from aisma.collectors.aws.session import (
    SessionFactory,
    connect,
    default_session_factory,
    load_botocore,
    parse_settings,
)
from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, Tally, ratio
from aisma.collectors.registry import read_meta
from aisma.inventory.schema import AISystem
from aisma.scoring.inputs import Measurement, Source

ENFORCED = "aws.bedrock.enforced_guardrail_ratio"
LOGGING = "prowler.bedrock.invocation_logging_ratio"
RETENTION = "aws.bedrock.log_retention_ratio"
# The provider-neutral metrics the model's objectives name: the same counts, also under these ids.
NEUTRAL = {
    ENFORCED: "platform.guardrails.enforced_ratio",
    "prowler.bedrock.prompt_attack_filter_ratio": "platform.guardrails.prompt_attack_filter_ratio",
    "prowler.bedrock.sensitive_info_filter_ratio": "platform.guardrails.sensitive_info_filter_ratio",
    "prowler.bedrock.contextual_grounding_filter_ratio": "platform.guardrails.grounding_filter_ratio",
    LOGGING: "platform.invocation_logging_ratio",
}
# Co-producible with Prowler once the catalog lists aws among their producers (see docs/collectors.md).
FILTER_METRICS = {
    "prowler.bedrock.prompt_attack_filter_ratio": ("prompt attack filter below HIGH or off", prompt_attack_high),
    "prowler.bedrock.sensitive_info_filter_ratio": ("no blocking or masking PII filter", sensitive_information),
    "prowler.bedrock.contextual_grounding_filter_ratio": (
        "no blocking GROUNDING and RELEVANCE filters",
        contextual_grounding,
    ),
}


class AwsCollector:
    """Per region: enforced guardrail, invocation logging (+ encryption, CloudTrail), log retention."""

    def __init__(
        self, session_factory: SessionFactory | None = None, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.meta: CollectorMeta = read_meta(__name__)
        self._factory = session_factory or default_session_factory
        self._clock = clock or (lambda: datetime.now(UTC).replace(microsecond=0))

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        botocore = load_botocore()
        settings = parse_settings(context.settings)
        warnings: list[str] = []
        if paths:
            warnings.append("the aws collector reads the account itself; the files given were not read")
        api, account = connect(settings, self._factory, botocore)
        observed_at = self._clock()
        snapshots = [read_region(api, account, region, observed_at) for region in settings.regions]
        trails, trail_warnings = read_trails(api, settings.regions)
        warnings.extend(trail_warnings)

        tallies: dict[tuple[str, str], Tally] = {}

        def tally(metric: str, region: str) -> Tally:
            return tallies.setdefault((metric, region), Tally())

        for snap in snapshots:
            warnings.extend(self._enforced(snap, tally(ENFORCED, snap.region)))
            self._logging(snap, trails.get(snap.region, ()), tally(LOGGING, snap.region))
            for metric, (problem, rule) in FILTER_METRICS.items():
                if metric in self.meta.metrics:
                    for guardrail in snap.guardrails:
                        verdict = rule(guardrail.detail or {})
                        if verdict is not None:
                            tally(metric, snap.region).add(verdict, f"{snap.region}: {guardrail.name}: {problem}")
        if not any(trail.logging and trail_logs_bedrock(trail.selectors) for ts in trails.values() for trail in ts):
            tally(LOGGING, settings.regions[0]).add(False, "no CloudTrail trail records Bedrock API calls")
        warnings.extend(self._retention(context.inventory.active_systems(), account, snapshots, tally))

        version = str(botocore.__version__)
        out: list[Measurement] = []
        for (metric, region), counts in tallies.items():
            if counts.total > 0:
                source = Source(tool="aws", version=version, file=f"aws:{account}:{region}", sha256=api.sha256(region))
                out.append(ratio(metric, counts.passed, counts.total, observed_at, source, counts.failing))
                if metric in NEUTRAL:
                    out.append(ratio(NEUTRAL[metric], counts.passed, counts.total, observed_at, source, counts.failing))
        if context.progress:
            context.progress(sum(api.size(region) for region in settings.regions))
        return CollectionResult(measurements=tuple(out), warnings=tuple(warnings))

    @staticmethod
    def _enforced(snap: RegionSnapshot, counts: Tally) -> list[str]:
        """A region passes with at least one enforced configuration whose guardrail version exists."""
        warnings: list[str] = []
        live = [e for e in snap.enforced if e.guardrail.detail is not None]
        for gone in (e for e in snap.enforced if e.guardrail.detail is None):
            warnings.append(
                f"{snap.region}: the enforced configuration names guardrail {gone.guardrail.id} "
                f"version {gone.guardrail.version}, which does not exist"
            )
        counts.add(bool(live), f"{snap.region}: no account-level enforced guardrail configuration")
        for item in live:
            name = f"{item.guardrail.name} v{item.guardrail.version}"
            lacking = missing_filters(item.guardrail.detail or {})
            if lacking:
                warnings.append(f"{snap.region}: the enforced guardrail {name} lacks: {', '.join(lacking)}")
            excluded = (item.config.get("modelEnforcement") or {}).get("excludedModels") or []
            if excluded:
                warnings.append(f"{snap.region}: the enforced guardrail {name} excludes {', '.join(excluded)}")
        return warnings

    @staticmethod
    def _logging(snap: RegionSnapshot, trails: Sequence[Trail], counts: Tally) -> None:
        """Prowler's three checks: logging on, its destinations encrypted, trails recording Bedrock calls."""
        counts.add(snap.logging_enabled, f"{snap.region}: model invocation logging is off")
        if snap.logging_enabled:
            problems = [
                f"{d.kind} {d.name} does not exist" if not d.exists else f"{d.kind} {d.name} is not encrypted"
                for d in snap.destinations
                if not (d.exists and d.encrypted)
            ]
            counts.add(not problems, f"{snap.region}: invocation logs: {'; '.join(problems)}")
        for trail in trails:
            if trail.logging and trail_logs_bedrock(trail.selectors):
                counts.add(True, trail.arn)

    @staticmethod
    def _retention(
        systems: Sequence[AISystem],
        account: str,
        snapshots: Sequence[RegionSnapshot],
        tally: Callable[[str, str], Tally],
    ) -> list[str]:
        """Each system once: in the first configured region it runs in, passing only if every region
        it runs in with logging on keeps the records as long as its tier requires."""
        warnings: list[str] = []
        for system in systems:
            regions = [s for s in snapshots if s.logging_enabled and runs_in(system, account, s.region)]
            if not regions:
                continue
            if system.risk_tier is None:
                warnings.append(f"{system.id}: no risk tier, so its log retention cannot be judged; not counted")
                continue
            need = TIER_DAYS[system.risk_tier]
            short = [s for s in regions if s.retention_days is not None and s.retention_days < need]
            kept = ", ".join(f"{s.region} keeps {describe_days(s.retention_days)}" for s in short)
            tally(RETENTION, regions[0].region).add(
                not short, f"{system.id} ({system.risk_tier}, needs {need} days): {kept}"
            )
        return warnings


def collector() -> AwsCollector:
    return AwsCollector()
