"""The ``azure-openai`` collector: Azure OpenAI and AI Foundry accounts from saved Azure CLI / ARM JSON.

Reads what ``az cognitiveservices account list``, ``az cognitiveservices account deployment list``,
``az rest`` (RAI policies) and ``az monitor diagnostic-settings list`` print, saved under
``evidence/azure-openai/``. Per deployment it judges the content filter policy the service applies
(harm filters, prompt shields) and whether the deployment survives a region's loss; per account, key
authentication, public network access and diagnostic logging. Every deployment and account endpoint
is reported to discovery, named as the otel collector names Azure OpenAI calls, so a deployment the
inventory does not know shows up as unregistered AI.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from aisma.collectors.azure_openai.resources import Resource, read_resources
from aisma.collectors.azure_openai.rules import (
    OPENAI_KINDS,
    harm_filter_gaps,
    indirect_attack_blocked,
    keys_enabled,
    logging_gaps,
    multi_region,
    network_gaps,
    private_endpoints,
    prompt_attack_blocked,
    resolve,
)
from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, FileReads, file_source
from aisma.collectors.mcp_config.stream import name_time, observed_time, undated_note
from aisma.collectors.registry import read_meta
from aisma.errors import AismaError
from aisma.inventory.discovery import Sightings
from aisma.scoring.inputs import Measurement, Source, ratio

TOOL = "azure-openai"
GUARDRAILS = "platform.guardrails.checks_ratio"
PROMPT_ATTACK = "platform.guardrails.prompt_attack_filter_ratio"
REDUNDANCY = "platform.endpoints.redundancy_ratio"
LOGGING = "platform.invocation_logging_ratio"
NETWORK = "platform.network.isolation_ratio"
IDENTITY = "platform.identity.pass_ratio"


@dataclass
class _Tally:
    passed: int = 0
    total: int = 0
    failing: list[str] = field(default_factory=list)

    def add(self, ok: bool, item: str) -> None:
        self.total += 1
        self.passed += ok
        if not ok:
            self.failing.append(item)


@dataclass(frozen=True)
class _Seen:
    resource: Resource
    source: Source
    when: datetime


class AzureOpenAiCollector:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        if context.settings and set(context.settings) - {"enabled", "paths"}:
            unknown = sorted(set(context.settings) - {"enabled", "paths"})[0]
            raise AismaError(f"aisma.yaml: collectors.azure-openai.{unknown} is not a setting (it takes none)")
        reads = FileReads(context)
        latest: dict[tuple[str, str, str], _Seen] = {}
        replaced: list[str] = []
        undated: list[str] = []
        for path, resources in reads.each(paths, read_resources):
            source = file_source(path, TOOL, "ARM 2024-10-01", context)
            when = observed_time(path)
            if name_time(path) is None:
                undated.append(context.display_name(path))
            for resource in resources:
                key = (resource.kind, resource.account, resource.name.casefold())
                old = latest.get(key)
                if old is None or when >= old.when:
                    if old is not None and old.source.file != source.file:
                        replaced.append(old.source.file)
                    latest[key] = _Seen(resource, source, when)
            if context.progress:
                context.progress(path.stat().st_size)
        warnings = list(undated_note(undated))
        if replaced:
            shown = ", ".join(sorted(set(replaced))[:5])
            warnings.append(f"resources also found in newer files were counted from those: {shown}")
        measurements, sightings, more = self._measure(list(latest.values()))
        return CollectionResult(
            measurements=tuple(measurements),
            observed=sightings.assets(),
            warnings=(*warnings, *more),
            unreadable=tuple(reads.unreadable),
        )

    def _measure(self, seen: list[_Seen]) -> tuple[list[Measurement], Sightings, list[str]]:
        by_kind: dict[str, list[_Seen]] = defaultdict(list)
        for item in seen:
            by_kind[item.resource.kind].append(item)
        accounts = {s.resource.account: s for s in by_kind["account"]}
        policies: dict[str, dict[str, dict[str, object]]] = defaultdict(dict)
        for s in by_kind["rai_policy"]:
            policies[s.resource.account][s.resource.name.casefold()] = s.resource.body
        diagnostics: dict[str, list[dict[str, object]]] = defaultdict(list)
        for s in by_kind["diagnostic_setting"]:
            diagnostics[s.resource.account].append(s.resource.body)
        tallies: dict[tuple[str, str], _Tally] = defaultdict(_Tally)
        sources: dict[str, _Seen] = {}
        warnings: list[str] = []
        sightings = Sightings(TOOL)
        skipped = sorted(
            {
                s.resource.account_name
                for s in accounts.values()
                if str(s.resource.body.get("kind", "")).casefold() not in OPENAI_KINDS
            }
        )
        if skipped:
            warnings.append(
                f"{len(skipped)} Cognitive Services account(s) of other kinds not judged: {', '.join(skipped[:5])}"
            )

        def count(metric: str, item: _Seen, ok: bool, detail: str) -> None:
            tallies[(metric, item.source.file)].add(ok, detail)
            sources.setdefault(item.source.file, item)

        for item in by_kind["deployment"]:
            account = accounts.get(item.resource.account)
            if account is not None and str(account.resource.body.get("kind", "")).casefold() not in OPENAI_KINDS:
                continue
            host = self._host(item.resource, account)
            name = f"{item.resource.account_name}/{item.resource.name}"
            arm = str(item.resource.body.get("id"))
            sightings.add(
                ("model", f"azure-openai:{host}/deployments/{item.resource.name}", (arm,)), item.source.file, item.when
            )
            policy = resolve(item.resource.properties.get("raiPolicyName"), policies[item.resource.account])
            gaps = harm_filter_gaps(policy)
            count(GUARDRAILS, item, not gaps, f"{name} ({policy.name}): {'; '.join(gaps)}")
            count(
                PROMPT_ATTACK,
                item,
                prompt_attack_blocked(policy),
                f"{name} ({policy.name}): no blocking jailbreak filter",
            )
            if policy.known and prompt_attack_blocked(policy) and not indirect_attack_blocked(policy):
                warnings.append(f"{name}: prompt shield for documents (indirect attack filter) is off in {policy.name}")
            sku = (item.resource.body.get("sku") or {}).get("name") or "no SKU"
            count(
                REDUNDANCY,
                item,
                multi_region(item.resource.body),
                f"{name}: {sku} deployment is served from one region",
            )
        for account_key, item in sorted(accounts.items()):
            body = item.resource.body
            if str(body.get("kind", "")).casefold() not in OPENAI_KINDS:
                continue
            name = item.resource.account_name
            sightings.add(
                ("endpoint", f"{self._host(item.resource, item)}.openai.azure.com", (str(body.get("id")),)),
                item.source.file,
                item.when,
            )
            count(IDENTITY, item, not keys_enabled(body), f"{name}: API keys enabled (disableLocalAuth is not true)")
            gaps = network_gaps(body)
            endpoints = private_endpoints(body)
            count(NETWORK, item, not gaps, f"{name}: {'; '.join(gaps)} ({endpoints} approved private endpoint(s))")
            if account_key in diagnostics or by_kind["diagnostic_setting"]:
                problems = logging_gaps(diagnostics.get(account_key, []))
                count(LOGGING, item, not problems, f"{name}: {'; '.join(problems)}")
        if accounts and not by_kind["diagnostic_setting"]:
            warnings.append(
                "no diagnostic settings read (az monitor diagnostic-settings list), so logging was not checked"
            )
        out = []
        for (metric, file), tally in sorted(tallies.items()):
            if tally.total:
                item = sources[file]
                out.append(ratio(metric, tally.passed, tally.total, item.when, item.source, tally.failing))
        return out, sightings, warnings

    @staticmethod
    def _host(resource: Resource, seen: _Seen | None) -> str:
        """The account's endpoint name: its custom subdomain when the account was read, else its name."""
        if seen is not None:
            sub = seen.resource.properties.get("customSubDomainName")
            if isinstance(sub, str) and sub:
                return sub.casefold()
        return resource.account_name.casefold()


def collector() -> AzureOpenAiCollector:
    return AzureOpenAiCollector()
