"""What one GenAI span says: its kind of operation, its provider, and the inventory system it belongs to.

Attribute names follow the OpenTelemetry GenAI semantic conventions (``model/gen-ai/`` in
open-telemetry/semantic-conventions). ``gen_ai.system`` was renamed ``gen_ai.provider.name``; both
are read, the new one first, and the old provider ids (``az.ai.openai``, ``vertex_ai``, ...) are
kept as aliases of the new ones.

A span belongs to the first system (inventory order) matched by, in this order: its agent identity
(``gen_ai.agent.id``, ``gen_ai.agent.name``, ``gen_ai.agent.name=<name>``), its calling service
(``service.name=<name>``), its model (Azure OpenAI deployments as
``azure-openai:<resource>/deployments/<name>``, as in discovery), ``url.full``, its data source
(``gen_ai.data_source.id``) and its server address. That is discovery's rule seen from the span's
side: the same match patterns tie discovery's assets and these measurements to a system.
"""

from __future__ import annotations

import re
from functools import lru_cache

from aisma.collectors.otel.sightings import AZURE_OPENAI_HOSTS, AZURE_OPENAI_PROVIDERS
from aisma.formats.otlp import Span
from aisma.inventory.matching import SystemIndex
from aisma.inventory.schema import AISystem

INFERENCE_OPERATIONS = frozenset({"chat", "text_completion", "generate_content"})
# Evaluation sampling counts agent invocations too: an agent's answer is an output to evaluate.
SAMPLED_OPERATIONS = INFERENCE_OPERATIONS | {"invoke_agent"}
TOOL_OPERATION = "execute_tool"
RETRIEVAL_OPERATIONS = frozenset({"retrieval", "invoke_agent"})
EVALUATION_EVENT = "gen_ai.evaluation.result"
MATCH_CACHE_SIZE = 4096

# Provider ids of the conventions (current and deprecated) -> the vendor, so an approved-provider list
# may name either ("azure.ai.openai" or "Microsoft").
PROVIDER_VENDORS: dict[str, str] = {
    "openai": "OpenAI",
    "azure.ai.openai": "Microsoft",
    "azure.ai.inference": "Microsoft",
    "az.ai.openai": "Microsoft",
    "az.ai.inference": "Microsoft",
    "aws.bedrock": "AWS",
    "gcp.gen_ai": "Google Cloud",
    "gcp.vertex_ai": "Google Cloud",
    "gcp.gemini": "Google Cloud",
    "vertex_ai": "Google Cloud",
    "gemini": "Google Cloud",
    "anthropic": "Anthropic",
    "cohere": "Cohere",
    "ibm.watsonx.ai": "IBM",
    "perplexity": "Perplexity",
    "x_ai": "xAI",
    "xai": "xAI",
    "deepseek": "DeepSeek",
    "groq": "Groq",
    "mistral_ai": "Mistral AI",
}


def operation(span: Span) -> str:
    return span.text("gen_ai.operation.name")


def provider(span: Span) -> str:
    return span.text("gen_ai.provider.name") or span.text("gen_ai.system")


def is_genai(span: Span) -> bool:
    """A GenAI span carries the conventions' required ``gen_ai.operation.name`` or a provider."""
    return bool(operation(span) or provider(span))


def is_azure_deployment(span: Span) -> bool:
    """Azure OpenAI's ``gen_ai.request.model`` is a deployment name, not a model version."""
    host = span.text("server.address").casefold()
    return provider(span) in AZURE_OPENAI_PROVIDERS and host.endswith(AZURE_OPENAI_HOSTS)


def model_id(span: Span) -> str:
    """The request model as the inventory names it (discovery's rule), else the response model."""
    model = span.text("gen_ai.request.model")
    if not model:
        return span.text("gen_ai.response.model")
    if is_azure_deployment(span):
        host = span.text("server.address").casefold()
        return f"azure-openai:{host.split('.', 1)[0]}/deployments/{model}"
    return model


def model_name(value: str) -> str:
    """A model id without its resource path: ``projects/.../models/gemini-2.5-pro`` -> ``gemini-2.5-pro``."""
    return value.rsplit("/", 1)[-1].casefold()


def identifiers(span: Span) -> tuple[str, ...]:
    """The span's identifiers in matching order (see the module docstring)."""
    agent_id, agent_name = span.text("gen_ai.agent.id"), span.text("gen_ai.agent.name")
    service = span.text("service.name")
    found = (
        agent_id,
        agent_name,
        f"gen_ai.agent.name={agent_name}" if agent_name else "",
        f"service.name={service}" if service else "",
        model_id(span),
        span.text("url.full"),
        span.text("gen_ai.data_source.id"),
        span.text("server.address"),
    )
    return tuple(dict.fromkeys(i for i in found if i))


class SystemMatcher:
    """Ties spans to systems through the inventory's index; cached per identifier tuple too (a group of
    spans repeats the same few identifiers; the cache bounds only time)."""

    def __init__(self, index: SystemIndex) -> None:
        self.index = index
        self._match = lru_cache(maxsize=MATCH_CACHE_SIZE)(self._first)

    def _first(self, candidates: tuple[str, ...]) -> AISystem | None:
        for identifier in candidates:
            found = self.index.first(identifier)
            if found is not None:
                return found
        return None

    def system_of(self, span: Span) -> AISystem | None:
        return self._match(identifiers(span))

    def system_for(self, identifier: str) -> AISystem | None:
        return self.index.first(identifier)


def provider_approved(name: str, approved: frozenset[str]) -> bool:
    """``approved`` holds casefolded provider ids or vendor names."""
    key = name.casefold()
    vendor = PROVIDER_VENDORS.get(key, "").casefold()
    return key in approved or (bool(vendor) and vendor in approved)


_RELEASE = re.compile(r"^\s*v?(\d+(?:\.\d+)*)(.*)$")


def version_key(text: str) -> tuple[int, ...] | None:
    """A comparable key for ``1.6.1``, ``v2.0``, ``2.1b0``; a pre-release ranks below its release.

    None for a version without a leading number (it cannot be shown to be at or above a minimum).
    """
    found = _RELEASE.match(text)
    if found is None:
        return None
    release = [int(part) for part in found.group(1).split(".")]
    while len(release) < 4:
        release.append(0)
    return (*release, 0 if found.group(2).strip() else 1)
