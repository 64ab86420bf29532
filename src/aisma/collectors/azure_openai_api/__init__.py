"""The ``azure-openai-api`` collector: Azure OpenAI and AI Foundry read live from Azure Resource Manager.

The same accounts, deployments, content filter (RAI) policies and diagnostic settings that the
``azure-openai`` collector reads from saved CLI output, read through Azure's SDK (the optional extra
``aisma[azure]``) for the subscriptions listed in ``aisma.yaml``, and judged by the same rules. It runs
only when configured, because an assessment must work offline; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from aisma.collectors.azure_openai import measure
from aisma.collectors.azure_openai.resources import classify
from aisma.collectors.azure_openai.rules import OPENAI_KINDS
from aisma.collectors.azure_openai_api.client import ArmReader, Sdk, load_sdk, parse_settings
from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.live import LiveCollector, canonical_sha256
from aisma.collectors.snapshots import Seen
from aisma.scoring.inputs import Source

TOOL = "azure-openai"  # the same measurements as the file collector's: run one of them per subscription


class AzureOpenAiApiCollector(LiveCollector[Sdk]):
    def __init__(self, sdk: Callable[[], Sdk] | None = None, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(__name__, load_sdk, sdk, clock)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        settings = parse_settings(context.settings)
        sdk, observed_at, warnings = self.start(paths, "Azure")
        reader = ArmReader(sdk, settings, sdk.credential())
        seen = []
        for subscription in settings.subscriptions:
            bodies = reader.read(subscription, OPENAI_KINDS)
            source = Source(
                tool=TOOL,
                version=sdk.version,
                file=f"azure-arm:subscriptions/{subscription}",
                sha256=canonical_sha256(bodies),
            )
            resources = [r for r in map(classify, bodies) if r is not None]
            if not any(r.kind == "account" for r in resources):
                warnings.append(f"subscription {subscription}: no Cognitive Services account")
            seen += [Seen(resource, source, observed_at) for resource in resources]
            if context.progress:
                context.progress(1)
        measurements, sightings, more = measure(seen)
        return CollectionResult(
            measurements=tuple(measurements), observed=sightings.assets(), warnings=(*warnings, *more)
        )


def collector() -> AzureOpenAiApiCollector:
    return AzureOpenAiApiCollector()
