"""Read Azure Resource Manager JSON saved from the Azure CLI or the REST API into typed resources.

``az cognitiveservices account list`` and ``... deployment list`` print a JSON array,
``az monitor diagnostic-settings list`` an array (older CLIs: ``{"value": [...]}``), ``az rest`` the
REST body (``{"value": [...], "nextLink": ...}``, one page after another when saved page by page), and
``... show`` one resource. Every resource carries its ARM id, so the files may be laid out in any way:
the id says which account a deployment, a RAI policy or a diagnostic setting belongs to.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from aisma.collectors.snapshots import read_classified

Kind = Literal["account", "deployment", "rai_policy", "diagnostic_setting", "private_endpoint_connection"]
EXPECTED = (
    "Azure Resource Manager JSON of Microsoft.CognitiveServices accounts, deployments, raiPolicies or "
    "privateEndpointConnections, or Microsoft.Insights diagnosticSettings (az cognitiveservices ..., "
    "az monitor diagnostic-settings list, az rest)"
)
ACCOUNTS = "/providers/microsoft.cognitiveservices/accounts/"
_CHILDREN: dict[str, Kind] = {
    "deployments": "deployment",
    "raipolicies": "rai_policy",
    "privateendpointconnections": "private_endpoint_connection",
}


@dataclass(frozen=True)
class Resource:
    kind: Kind
    account: str  # the account's ARM id, lower case (ARM ids compare without case)
    account_name: str  # the account's name as its id spells it, for messages
    name: str
    body: dict[str, Any]

    @property
    def properties(self) -> dict[str, Any]:
        props = self.body.get("properties")
        return props if isinstance(props, dict) else {}


def account_id(arm_id: str) -> str | None:
    """``/subscriptions/S/resourceGroups/RG/providers/Microsoft.CognitiveServices/accounts/NAME``, lower case."""
    lowered = arm_id.casefold()
    at = lowered.find(ACCOUNTS)
    if at < 0:
        return None
    name = lowered[at + len(ACCOUNTS) :].split("/", 1)[0]
    return lowered[: at + len(ACCOUNTS)] + name if name else None


def classify(item: Any) -> Resource | None:
    """One ARM resource, or None for anything that is not one of the five kinds."""
    if not isinstance(item, dict) or not isinstance(item.get("id"), str):
        return None
    arm_id: str = item["id"]
    account = account_id(arm_id)
    if account is None:
        return None
    name = str(item.get("name") or arm_id.rsplit("/", 1)[-1])
    account_name = arm_id[len(account) - len(account.rsplit("/", 1)[-1]) : len(account)]
    rest = arm_id.casefold()[len(account) :].strip("/").split("/")
    if rest == [""]:
        return Resource("account", account, account_name, name, item)
    if len(rest) == 2 and rest[0] in _CHILDREN:
        return Resource(_CHILDREN[rest[0]], account, account_name, name, item)
    if len(rest) == 4 and rest[:3] == ["providers", "microsoft.insights", "diagnosticsettings"]:
        return Resource("diagnostic_setting", account, account_name, name, item)
    return None


def _items(document: Any) -> Iterator[Any]:
    if isinstance(document, list):
        yield from document
    elif isinstance(document, dict) and isinstance(document.get("value"), list) and "id" not in document:
        yield from document["value"]
    else:
        yield document


def read_resources(path: Path) -> list[Resource]:
    """Every resource in the file; one AismaError line when it holds JSON of something else."""
    return read_classified(path, EXPECTED, _items, classify, "Cognitive Services resource or diagnostic setting")
