"""One pass over GenAI spans, folded into counters: the state behind every otel measurement.

The spans come in groups that agree on every attribute read here (``aisma.formats.otlp_groups``), so
each rule below runs once per group and counts the group's spans at once. Memory is bounded by what
the organization has, not by how much it logged: counters, one small record per inventory system,
one entry per distinct data source and per distinct (service, provider) pair, and failing-item
counters keyed the same way. No span is kept after it is counted.

Two limits follow from reading one span at a time:
- a tool call's agent identity is read from the ``execute_tool`` span itself; inheriting it from
  the parent ``invoke_agent`` span would mean holding spans until their parents arrive (file
  exporters write children first), so memory would grow with the traces;
- the secure SDK is recognized by the span's own instrumentation scope, not by an ancestor's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from aisma.collectors.otel.settings import OtelSettings
from aisma.collectors.otel.spans import (
    EVALUATION_EVENT,
    INFERENCE_OPERATIONS,
    RETRIEVAL_OPERATIONS,
    SAMPLED_OPERATIONS,
    TOOL_OPERATION,
    SystemMatcher,
    is_azure_deployment,
    is_genai,
    model_name,
    operation,
    provider,
    provider_approved,
    version_key,
)
from aisma.formats.otlp import Span
from aisma.formats.otlp_groups import SpanGroup
from aisma.inventory.matching import SystemIndex
from aisma.inventory.schema import AISystem

# Share of outputs an evaluator must score, per risk tier; a system without a tier is held to LOW.
SAMPLING_RATES = {"LOW": 0.01, "MEDIUM": 0.05, "HIGH": 0.20, "CRITICAL": 1.0}


@dataclass
class SystemTally:
    """What the window shows about one inventory system."""

    sampled: int = 0  # inference and invoke_agent spans
    evaluated: int = 0  # of those, spans with a gen_ai.evaluation.result event
    sdk_checked: int = 0  # inference and execute_tool spans (secure-SDK scope)
    outside_sdk: int = 0
    sdk_spans: int = 0
    sdk_below_min: int = 0
    lowest_sdk_version: str = ""
    lowest_sdk_key: tuple[int, ...] | None = None


class Tally:
    """Counts spans of the window ``[assessed_at - window_days, assessed_at]`` by their start time."""

    def __init__(self, systems: SystemIndex, settings: OtelSettings, assessed_at: datetime) -> None:
        self.systems = systems.systems
        self.settings = settings
        self.matcher = SystemMatcher(systems)
        self.end = assessed_at
        self.start = assessed_at - timedelta(days=settings.window_days)
        self.sdk_scopes = frozenset(name.casefold() for name in settings.sdk_name)
        self.min_key = version_key(settings.min_version) if settings.min_version else None
        self.approved = (
            frozenset(name.casefold() for name in settings.approved_providers)
            if settings.approved_providers is not None
            else None
        )
        # Window bookkeeping
        self.counted = self.outside = self.untimed = self.not_genai = 0
        self.newest: datetime | None = None
        self.newest_order = 0
        self.newest_file: Path | None = None
        self.newest_sdk_version = ""
        # Per metric
        self.tool_calls = self.tool_calls_identified = 0
        self.anonymous_tools: Counter[str] = Counter()
        self.logged: set[str] = set()
        self.traced_tools: set[str] = set()
        self.inference = self.capped = 0
        self.uncapped: Counter[str] = Counter()
        self.pinned_checked = self.pinned = self.azure_deployments = 0
        self.floating: Counter[str] = Counter()
        self.sources: dict[str, str | None] = {}
        self.pairs: dict[tuple[str, str], bool] = {}
        self.per_system: dict[str, SystemTally] = {}

    @property
    def window(self) -> tuple[datetime, datetime]:
        return (self.start, self.end)

    def add_group(self, group: SpanGroup, path: Path) -> None:
        """Count a group of alike spans read from ``path``: what counting each of them would count."""
        span = group.span
        if not is_genai(span):
            self.not_genai += group.count
            return
        self.untimed += group.untimed
        self.outside += group.outside
        n = group.in_window
        if not n:
            return
        self.counted += n
        ended = group.newest
        if ended is not None and (
            self.newest is None
            or ended > self.newest
            or (ended == self.newest and group.newest_order < self.newest_order)
        ):
            self.newest, self.newest_order, self.newest_file = ended, group.newest_order, path
            self.newest_sdk_version = span.text("telemetry.sdk.version")
        system = self.matcher.system_of(span)
        op = operation(span)
        if op == TOOL_OPERATION:
            self._tool_call(span, system, n)
        if system is not None:
            self.logged.add(system.id)
            self._system_span(span, system, op, n)
        if op in RETRIEVAL_OPERATIONS:
            source = span.text("gen_ai.data_source.id")
            if source and source not in self.sources:
                found = self.matcher.system_for(source)
                self.sources[source] = found.id if found else None
        name = provider(span)
        if name and self.approved is not None:
            pair = (span.text("service.name") or "(no service.name)", name)
            if pair not in self.pairs:
                self.pairs[pair] = provider_approved(name, self.approved)

    def _tool_call(self, span: Span, system: AISystem | None, n: int) -> None:
        self.tool_calls += n
        if span.text("gen_ai.agent.id") or span.text("gen_ai.agent.name"):
            self.tool_calls_identified += n
        else:
            service = span.text("service.name") or "(no service.name)"
            tool = span.text("gen_ai.tool.name") or "(unnamed tool)"
            self.anonymous_tools[f"service.name={service} tool {tool}: no gen_ai.agent.id or gen_ai.agent.name"] += n
        if system is not None:
            self.traced_tools.add(system.id)

    def _system_span(self, span: Span, system: AISystem, op: str, n: int) -> None:
        if op in INFERENCE_OPERATIONS:
            self.inference += n
            if span.attributes.get("gen_ai.request.max_tokens") is not None:
                self.capped += n
            else:
                self.uncapped[f"{system.id}: no gen_ai.request.max_tokens"] += n
            self._pinning(span, system, n)
        tally = self.per_system.setdefault(system.id, SystemTally())
        if op in SAMPLED_OPERATIONS:
            tally.sampled += n
            if any(event.name == EVALUATION_EVENT for event in span.events):
                tally.evaluated += n
        if self.sdk_scopes:
            self._sdk(span, tally, op, n)

    def _pinning(self, span: Span, system: AISystem, n: int) -> None:
        requested, responded = span.text("gen_ai.request.model"), span.text("gen_ai.response.model")
        if not (requested and responded):
            return
        if is_azure_deployment(span):
            self.azure_deployments += n
            return
        self.pinned_checked += n
        if model_name(requested) == model_name(responded):
            self.pinned += n
        else:
            self.floating[f"{system.id}: {requested} resolved to {responded}"] += n

    def _sdk(self, span: Span, tally: SystemTally, op: str, n: int) -> None:
        under = span.scope_name.casefold() in self.sdk_scopes
        if op in INFERENCE_OPERATIONS or op == TOOL_OPERATION:
            tally.sdk_checked += n
            tally.outside_sdk += 0 if under else n
        if not under:
            return
        tally.sdk_spans += n
        if self.min_key is None:
            return
        key = version_key(span.scope_version)
        if key is None or key < self.min_key:
            tally.sdk_below_min += n
            rank = key or ()  # an unreadable version ranks lowest
            if tally.lowest_sdk_key is None or rank < tally.lowest_sdk_key:
                tally.lowest_sdk_key = rank
                tally.lowest_sdk_version = span.scope_version or "(no version)"
