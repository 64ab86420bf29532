"""The ``github-copilot`` collector: GitHub Copilot's organization settings, from saved REST responses.

Reads what ``gh api`` (or any client) saved from GitHub's REST API under
``evidence/github-copilot/ORG/``: the billing response (policies), the seat list, the content
exclusion rules, the audit log and the cloud agent configuration of repositories. Measures the admin
baseline of the coding assistant (public code filter, content exclusions) and idle seats, and reports
each organization's Copilot subscription and the cloud agent's MCP servers to discovery, so a Copilot
organization or MCP server the inventory does not know shows up as unregistered AI.
``github-copilot-api`` reads the same responses live.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source
from aisma.collectors.github_copilot.measure import TOOL, Observed, measure
from aisma.collectors.github_copilot.reading import read_response
from aisma.collectors.github_copilot.rules import Options
from aisma.collectors.mcp_config.stream import name_time, observed_time, undated_note
from aisma.collectors.registry import read_meta
from aisma.errors import AismaError

WHERE = "aisma.yaml: collectors.github-copilot"


class GithubCopilotCollector:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        settings = dict(context.settings)
        default_org = settings.pop("organization", None)
        if default_org is not None and (not isinstance(default_org, str) or not default_org.strip()):
            raise AismaError(f"{WHERE}.organization must be an organization login")
        options = Options.from_settings(settings, WHERE)
        reads = FileReads(context)
        observed: list[Observed] = []
        undated: list[str] = []
        for path, response in reads.each(paths, lambda p: read_response(p, self.meta.evidence_dir, default_org)):
            source = file_source(path, TOOL, "REST API 2022-11-28", context)
            observed.append(Observed(response, source, observed_time(path)))
            if name_time(path) is None:
                undated.append(context.display_name(path))
            if context.progress:
                context.progress(path.stat().st_size)
        outcome = measure(observed, options, context.assessed_at)
        return CollectionResult(
            measurements=outcome.measurements,
            observed=outcome.observed,
            warnings=(*outcome.warnings, *undated_note(undated)),
            unreadable=tuple(reads.unreadable),
        )


def collector() -> GithubCopilotCollector:
    return GithubCopilotCollector()
