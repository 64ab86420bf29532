"""The checks the ``azure-openai`` collector applies: plain functions over ARM resource bodies.

Content filters (RAI policies) are judged per deployment, as the service applies them: a deployment
names its policy (``raiPolicyName``); a policy of the account lists its ``contentFilters``, and the
filters it does not list come from its ``basePolicyName``. The built-in policies are described here
as Microsoft documents them: ``Microsoft.Default`` blocks hate, sexual, self-harm and violence at
medium severity on prompts and completions; ``Microsoft.DefaultV2`` adds the jailbreak (prompt
shield) and protected material filters.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

HARMS = ("hate", "sexual", "selfharm", "violence")
DIRECTIONS = ("prompt", "completion")
OPENAI_KINDS = frozenset({"openai", "aiservices"})  # Azure OpenAI and Azure AI Foundry (AI Services) accounts
# Deployment SKUs served from more than one region: a region's loss does not stop the deployment.
MULTI_REGION_SKUS = frozenset(
    {
        "globalstandard",
        "globalprovisionedmanaged",
        "globalbatch",
        "datazonestandard",
        "datazoneprovisionedmanaged",
        "datazonebatch",
    }
)
# Log categories of an Azure OpenAI account that record its use, and the category groups that include them.
LOG_NEEDED = ("audit", "requestresponse")
LOG_GROUPS = {"alllogs": set(LOG_NEEDED), "audit": {"audit"}}

Filter = tuple[bool, bool]  # (enabled, blocking)
_BUILTIN_DEFAULT: dict[tuple[str, str], Filter] = {(harm, d): (True, True) for harm in HARMS for d in DIRECTIONS}
BUILTIN: dict[str, dict[tuple[str, str], Filter]] = {
    "microsoft.default": _BUILTIN_DEFAULT,
    "microsoft.defaultv2": {
        **_BUILTIN_DEFAULT,
        ("jailbreak", "prompt"): (True, True),
        ("protectedmaterialtext", "completion"): (True, True),
        ("protectedmaterialcode", "completion"): (True, False),
    },
}


def filter_key(name: object) -> str:
    """``Protected Material Text``, ``protected_material_text`` and ``ProtectedMaterialText`` alike."""
    return "".join(ch for ch in str(name).casefold() if ch.isalnum())


@dataclass(frozen=True)
class Policy:
    name: str
    filters: dict[tuple[str, str], Filter]
    asynchronous: bool  # Asynchronous_filter: completions stream to the caller before the filter has run
    known: bool  # False: named by a deployment, but neither built in nor among the policies read


def resolve(name: str | None, policies: Mapping[str, Mapping[str, Any]]) -> Policy:
    """The filters of the policy ``name`` (a deployment's ``raiPolicyName``) as the service applies them."""
    if not name:
        return Policy("(none named)", {}, False, False)
    builtin = BUILTIN.get(name.casefold())
    if builtin is not None:
        return Policy(name, dict(builtin), False, True)
    body = policies.get(name.casefold())
    if body is None:
        return Policy(name, {}, False, False)
    props = body.get("properties") or {}
    base = BUILTIN.get(str(props.get("basePolicyName") or "").casefold(), {})
    filters = dict(base)
    for item in props.get("contentFilters") or []:
        if isinstance(item, Mapping):
            key = (filter_key(item.get("name")), filter_key(item.get("source")))
            filters[key] = (item.get("enabled") is not False, item.get("blocking") is True)
    return Policy(name, filters, str(props.get("mode") or "").casefold() == "asynchronous_filter", True)


def harm_filter_gaps(policy: Policy) -> list[str]:
    """What keeps a policy from screening both directions for the four harm categories before anyone sees them."""
    if not policy.known:
        return [f"content filter policy {policy.name} not found among the policies read"]
    gaps = [
        f"{harm} on {direction} not blocking"
        for harm in HARMS
        for direction in DIRECTIONS
        if policy.filters.get((harm, direction), (False, False)) != (True, True)
    ]
    if policy.asynchronous:
        gaps.append("asynchronous filter mode (completions reach the caller before filtering)")
    return gaps


def prompt_attack_blocked(policy: Policy) -> bool:
    """The jailbreak (prompt shield) filter runs on prompts and blocks."""
    return policy.filters.get(("jailbreak", "prompt"), (False, False)) == (True, True)


def indirect_attack_blocked(policy: Policy) -> bool:
    """Prompt shields for documents: injected instructions in retrieved content (``indirect_attack``)."""
    return any(policy.filters.get(("indirectattack", d), (False, False)) == (True, True) for d in DIRECTIONS)


def multi_region(deployment: Mapping[str, Any]) -> bool:
    return str((deployment.get("sku") or {}).get("name") or "").casefold() in MULTI_REGION_SKUS


def logging_gaps(settings: Sequence[Mapping[str, Any]]) -> list[str]:
    """What is missing for the account's use to be logged: Audit and RequestResponse to a destination."""
    covered: set[str] = set()
    for setting in settings:
        props = setting.get("properties") or {}
        if not any(props.get(k) for k in ("workspaceId", "storageAccountId", "eventHubAuthorizationRuleId")):
            continue
        for log in props.get("logs") or []:
            if not isinstance(log, Mapping) or log.get("enabled") is not True:
                continue
            covered.add(filter_key(log.get("category")))
            covered |= LOG_GROUPS.get(filter_key(log.get("categoryGroup")), set())
    missing = [c for c in LOG_NEEDED if c not in covered]
    if not settings:
        return ["no diagnostic setting"]
    return (
        [f"{', '.join('RequestResponse' if m == 'requestresponse' else 'Audit' for m in missing)} not logged"]
        if missing
        else []
    )


def network_gaps(account: Mapping[str, Any]) -> list[str]:
    """Public access off, or denied by default with no IP rule open: reachable only through private endpoints."""
    props = account.get("properties") or {}
    if str(props.get("publicNetworkAccess") or "").casefold() == "disabled":
        return []
    acls = props.get("networkAcls") or {}
    if str(acls.get("defaultAction") or "").casefold() == "deny" and not acls.get("ipRules"):
        return []
    return ["public network access enabled"]


def keys_enabled(account: Mapping[str, Any]) -> bool:
    """API keys work unless ``disableLocalAuth`` is true: a key is a long-lived shared secret, not an identity."""
    return (account.get("properties") or {}).get("disableLocalAuth") is not True


def private_endpoints(account: Mapping[str, Any]) -> int:
    connections = (account.get("properties") or {}).get("privateEndpointConnections") or []
    approved = 0
    for c in connections:
        state = ((c.get("properties") or {}).get("privateLinkServiceConnectionState") or {}).get("status")
        approved += str(state).casefold() == "approved"
    return approved
