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
from aisma.collectors.base import CollectContext, CollectionResult, CollectorMeta, no_settings
from aisma.collectors.registry import read_meta
from aisma.collectors.snapshots import Checks, Seen, collect_newest
from aisma.inventory.discovery import Sightings
from aisma.scoring.inputs import Measurement

TOOL = "azure-openai"
GUARDRAILS = "platform.guardrails.checks_ratio"
PROMPT_ATTACK = "platform.guardrails.prompt_attack_filter_ratio"
REDUNDANCY = "platform.endpoints.redundancy_ratio"
LOGGING = "platform.invocation_logging_ratio"
NETWORK = "platform.network.isolation_ratio"
IDENTITY = "platform.identity.pass_ratio"


def _key(resource: Resource) -> tuple[str, str, str]:
    """ARM ids compare without case: a resource saved twice, in any spelling, counts once."""
    return (resource.kind, resource.account, resource.name.casefold())


class AzureOpenAiCollector:
    def __init__(self) -> None:
        self.meta: CollectorMeta = read_meta(__name__)

    def collect(self, paths: Sequence[Path], context: CollectContext) -> CollectionResult:
        no_settings(context, self.meta.id)
        return collect_newest(paths, context, read_resources, _key, (TOOL, "ARM 2024-10-01"), measure)


def measure(seen: list[Seen[Resource]]) -> tuple[list[Measurement], Sightings, list[str]]:
    """The checks over the newest copy of each resource; also what the live azure-openai-api collector runs."""
    by_kind: dict[str, list[Seen[Resource]]] = defaultdict(list)
    for item in seen:
        by_kind[item.resource.kind].append(item)
    accounts = {s.resource.account: s for s in by_kind["account"]}
    policies: dict[str, dict[str, dict[str, object]]] = defaultdict(dict)
    for s in by_kind["rai_policy"]:
        policies[s.resource.account][s.resource.name.casefold()] = s.resource.body
    diagnostics: dict[str, list[dict[str, object]]] = defaultdict(list)
    for s in by_kind["diagnostic_setting"]:
        diagnostics[s.resource.account].append(s.resource.body)
    checks: Checks[Resource] = Checks()
    count = checks.count
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

    for item in by_kind["deployment"]:
        account = accounts.get(item.resource.account)
        if account is not None and str(account.resource.body.get("kind", "")).casefold() not in OPENAI_KINDS:
            continue
        host = _host(item.resource, account)
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
            ("endpoint", f"{_host(item.resource, item)}.openai.azure.com", (str(body.get("id")),)),
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
        warnings.append("no diagnostic settings read (az monitor diagnostic-settings list), so logging was not checked")
    return checks.measurements(), sightings, warnings


def _host(resource: Resource, seen: Seen[Resource] | None) -> str:
    """The account's endpoint name: its custom subdomain when the account was read, else its name."""
    if seen is not None:
        sub = seen.resource.properties.get("customSubDomainName")
        if isinstance(sub, str) and sub:
            return sub.casefold()
    return resource.account_name.casefold()


def collector() -> AzureOpenAiCollector:
    return AzureOpenAiCollector()
