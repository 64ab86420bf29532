"""Read Azure OpenAI and AI Foundry accounts live from Azure Resource Manager through Azure's SDK.

The optional extra ``aisma[azure]`` brings ``azure-identity`` (DefaultAzureCredential: environment,
workload identity, managed identity, Azure CLI, ...), ``azure-mgmt-cognitiveservices`` (accounts,
deployments, RAI policies) and ``azure-mgmt-monitor`` (diagnostic settings; 6.x, the last line that
has them). Each resource the SDK returns is serialized back into the ARM body it came as
(``serialize(keep_readonly=True)``), so the file collector's rules judge the live account with no
second implementation. Paging and retries (429 and 5xx, honouring ``Retry-After``) are the SDK's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module, metadata
from typing import Any
from urllib.parse import urlsplit

from aisma.collectors.live import checked_url, first_line, names, only_settings
from aisma.errors import AismaError

EXTRA = "the azure-openai-api collector needs the optional extra: pip install 'aisma[azure]'"
DEFAULT_ARM = "https://management.azure.com"
READER = (
    "the Reader role on the subscription "
    "(Microsoft.CognitiveServices/accounts/*/read, Microsoft.Insights/diagnosticSettings/read)"
)


@dataclass(frozen=True)
class Settings:
    subscriptions: tuple[str, ...]
    arm_url: str

    @property
    def enforce_https(self) -> bool:
        return urlsplit(self.arm_url).scheme == "https"


def parse_settings(raw: Mapping[str, Any]) -> Settings:
    only_settings(raw, "azure-openai-api", ("subscriptions", "arm_url"))
    example = "the subscription ids to read (for example [00000000-0000-0000-0000-000000000000])"
    subscriptions = names(raw, "azure-openai-api", "subscriptions", example)
    url = checked_url(raw.get("arm_url") or DEFAULT_ARM, "collectors.azure-openai-api.arm_url", DEFAULT_ARM)
    return Settings(subscriptions, url)


@dataclass(frozen=True)
class Sdk:
    """The SDK's parts, loaded when the collector runs (nothing happens at import time)."""

    cognitive: Any  # CognitiveServicesManagementClient
    monitor: Any  # MonitorManagementClient
    credential: Callable[[], Any]
    errors: Any  # azure.core.exceptions
    version: str


def load_sdk() -> Sdk:
    try:
        cognitive = import_module("azure.mgmt.cognitiveservices")
        monitor = import_module("azure.mgmt.monitor")
        identity = import_module("azure.identity")
        errors = import_module("azure.core.exceptions")
    except ImportError:
        raise AismaError(EXTRA) from None
    if not hasattr(monitor.MonitorManagementClient, "diagnostic_settings"):
        raise AismaError(f"{EXTRA} (azure-mgmt-monitor 6.x: version 7 has no diagnostic settings)")
    version = f"azure-mgmt-cognitiveservices {metadata.version('azure-mgmt-cognitiveservices')}"
    return Sdk(
        cognitive.CognitiveServicesManagementClient,
        monitor.MonitorManagementClient,
        identity.DefaultAzureCredential,
        errors,
        version,
    )


class ArmReader:
    """One subscription's accounts, their deployments, RAI policies and diagnostic settings, as ARM bodies."""

    def __init__(self, sdk: Sdk, settings: Settings, credential: Any) -> None:
        self.sdk = sdk
        self.settings = settings
        self.credential = credential

    def read(self, subscription: str, kinds: frozenset[str]) -> list[dict[str, Any]]:
        options = {} if self.settings.enforce_https else {"enforce_https": False}
        base = self.settings.arm_url
        cognitive = self.sdk.cognitive(self.credential, subscription, base_url=base)
        monitor = self.sdk.monitor(self.credential, subscription, base_url=base)
        bodies: list[dict[str, Any]] = []
        for account in self._list(subscription, "GET accounts", cognitive.accounts.list, **options):
            bodies.append(account)
            if str(account.get("kind", "")).casefold() not in kinds:
                continue
            arm_id = str(account.get("id"))
            group, name = arm_id.split("/")[4], str(account.get("name"))
            bodies += self._list(
                subscription, f"GET {name}/deployments", cognitive.deployments.list, group, name, **options
            )
            bodies += self._list(
                subscription, f"GET {name}/raiPolicies", cognitive.rai_policies.list, group, name, **options
            )
            settings = f"GET {name}/providers/Microsoft.Insights/diagnosticSettings"
            bodies += self._list(subscription, settings, monitor.diagnostic_settings.list, arm_id, **options)
        return bodies

    def _list(
        self, subscription: str, what: str, operation: Callable[..., Iterable[Any]], *args: Any, **options: Any
    ) -> list[dict[str, Any]]:
        """Every item of a list operation (the SDK follows the pages), as the ARM body it came as."""
        errors = self.sdk.errors
        where = f"azure-openai-api {subscription}: {what}"
        try:
            return [item.serialize(keep_readonly=True) for item in operation(*args, **options)]
        except errors.ClientAuthenticationError as exc:
            raise AismaError(
                f"{where}: no usable Azure credential ({first_line(exc)}); sign in with az login, or set "
                "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or use a managed identity)"
            ) from None
        except errors.HttpResponseError as exc:
            status = exc.status_code
            code = getattr(getattr(exc, "error", None), "code", None) or getattr(exc, "reason", "") or ""
            if status in (401, 403):
                raise AismaError(f"{where}: {status} {code}, access denied; the identity needs {READER}") from None
            if status == 404:
                raise AismaError(
                    f"{where}: 404 {code}; check the subscription id and that the account still exists"
                ) from None
            raise AismaError(f"{where}: {status} {code} ({first_line(exc)})") from None
        except errors.ServiceRequestError as exc:
            raise AismaError(f"{where}: cannot reach {self.settings.arm_url} ({first_line(exc)})") from None
