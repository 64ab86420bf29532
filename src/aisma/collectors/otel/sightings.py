"""The AI assets one OpenTelemetry span shows (models, endpoints, agents), for discovery.

The otel collector reports them as ObservedAssets in the same pass that measures; how they are
matched to the inventory and counted is ``aisma.inventory.discovery``'s (its module docstring has
the matching rules).
"""

from __future__ import annotations

from collections.abc import Iterable

from aisma.formats.otlp import Span
from aisma.inventory.discovery import Sighting

# Azure OpenAI's request model is a deployment name, unique only within its resource; the inventory
# names it "azure-openai:<resource>/deployments/<deployment>".
AZURE_OPENAI_PROVIDERS = frozenset({"azure.ai.openai", "az.ai.openai"})
AZURE_OPENAI_HOSTS = (".openai.azure.com", ".cognitiveservices.azure.com")


def _model_id(span: Span) -> str:
    """The request model (the response model only when no request model was recorded)."""
    model = span.text("gen_ai.request.model")
    if not model:
        return span.text("gen_ai.response.model")
    provider = span.text("gen_ai.provider.name") or span.text("gen_ai.system")
    server = span.text("server.address").casefold()
    if provider in AZURE_OPENAI_PROVIDERS and server.endswith(AZURE_OPENAI_HOSTS):
        return f"azure-openai:{server.split('.', 1)[0]}/deployments/{model}"
    return model


def span_sightings(span: Span) -> list[Sighting]:
    """The assets one span shows, each with the other identifiers of the span that may tie it to a system."""
    operation = span.text("gen_ai.operation.name")
    model = _model_id(span)
    agent_id, agent_name = span.text("gen_ai.agent.id"), span.text("gen_ai.agent.name")
    provider = span.text("gen_ai.provider.name") or span.text("gen_ai.system")
    if not (operation or provider or model or agent_id or agent_name):
        return []
    agent_forms = [form for form in (agent_id, agent_name) if form]
    if agent_name:
        agent_forms.append(f"gen_ai.agent.name={agent_name}")
    service = span.text("service.name")
    # Tool calls name the tool's server, not an AI endpoint.
    endpoint = span.text("server.address") if operation != "execute_tool" else ""
    context = [*agent_forms, *([f"service.name={service}"] if service else [])]
    out: list[Sighting] = []
    if model:
        out.append(("model", model, _others(model, [*context, endpoint])))
    if endpoint:
        out.append(("endpoint", endpoint, _others(endpoint, [*context, model])))
    if agent_forms:
        agent = agent_forms[0]
        out.append(("agent", agent, _others(agent, agent_forms)))
    return out


def _others(identifier: str, candidates: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted({c for c in candidates if c and c != identifier}))
