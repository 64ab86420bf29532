"""The ``gcp-vertex-ai-api`` collector: Vertex AI and Model Armor read live through Google's libraries.

The same endpoints, Model Armor templates and floor settings, IAM policies (their audit configuration)
and VPC Service Controls perimeters that the ``gcp-vertex-ai`` collector reads from saved gcloud JSON,
read through Google's client libraries (the optional extra ``aisma[gcp]``) for the projects and regions
listed in ``aisma.yaml``, and judged by the same rules. It runs only when configured, because an
assessment must work offline; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult
from aisma.collectors.gcp_vertex_ai import measure
from aisma.collectors.gcp_vertex_ai.resources import classify
from aisma.collectors.gcp_vertex_ai_api.client import GoogleReader, Sdk, load_sdk, parse_settings
from aisma.collectors.live import LiveCollector, canonical_sha256
from aisma.collectors.snapshots import Seen
from aisma.scoring.inputs import Source

TOOL = "gcp-vertex-ai"  # the same measurements as the file collector's: run one of them per project


class GcpVertexAiApiCollector(LiveCollector[Sdk]):
    def __init__(self, sdk: Callable[[], Sdk] | None = None, clock: Callable[[], datetime] | None = None) -> None:
        super().__init__(__name__, load_sdk, sdk, clock)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        settings = parse_settings(context.settings)
        sdk, observed_at, warnings = self.start(paths, "Google Cloud")
        reader = GoogleReader(sdk, settings, sdk.credentials())
        seen = []
        perimeters = reader.perimeters()
        if perimeters or settings.access_policy is not None:
            source = Source(
                TOOL, sdk.version, f"gcp:accessPolicies/{settings.access_policy}", canonical_sha256(perimeters)
            )
            seen += [Seen(r, source, observed_at) for r in (classify(p, None) for p in perimeters) if r is not None]
        for project in settings.projects:
            read = reader.read(project)
            source = Source(TOOL, sdk.version, f"gcp:projects/{project}", canonical_sha256(body for body, _ in read))
            seen += [Seen(r, source, observed_at) for r in (classify(b, p) for b, p in read) if r is not None]
            if context.progress:
                context.progress(1)
        measurements, sightings, more = measure(seen)
        return CollectionResult(
            measurements=tuple(measurements), observed=sightings.assets(), warnings=(*warnings, *more)
        )


def collector() -> GcpVertexAiApiCollector:
    return GcpVertexAiApiCollector()
