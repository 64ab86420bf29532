"""The AI resources one Prowler finding shows (Bedrock and SageMaker ARNs), for discovery.

The prowler collector reports them as ObservedAssets in the same pass that measures; a resource
belongs to an inventory system by its ARN (``aisma.inventory.discovery``).
"""

from __future__ import annotations

from aisma.formats.ocsf import Finding
from aisma.inventory.discovery import Kind, Sighting

AI_CHECK_PREFIXES = ("bedrock_", "sagemaker_")
# ARN resource types that are AI assets. Prowler also reports per-region settings under made-up
# ARNs (guardrail/summary, model-invocation-logging, unknown) and IAM or VPC resources: not assets.
AI_RESOURCE_KINDS: dict[tuple[str, str], Kind] = {
    ("bedrock", "agent"): "agent",
    ("bedrock", "agent-alias"): "endpoint",
    ("bedrock", "knowledge-base"): "endpoint",
    ("bedrock", "flow"): "endpoint",
    ("bedrock", "flow-alias"): "endpoint",
    ("bedrock", "prompt"): "endpoint",
    ("bedrock", "application-inference-profile"): "endpoint",
    ("bedrock", "custom-model"): "model",
    ("bedrock", "imported-model"): "model",
    ("bedrock", "provisioned-model"): "model",
    ("sagemaker", "endpoint"): "endpoint",
    ("sagemaker", "endpoint-config"): "endpoint",
    ("sagemaker", "inference-component"): "endpoint",
    ("sagemaker", "notebook-instance"): "endpoint",
    ("sagemaker", "domain"): "endpoint",
    ("sagemaker", "training-job"): "endpoint",
    ("sagemaker", "model"): "model",
    ("sagemaker", "model-package"): "model",
    ("sagemaker", "model-package-group"): "model",
}


def finding_sightings(finding: Finding) -> list[Sighting]:
    """AI resources of a Bedrock or SageMaker check, by ARN; other checks and resources are not AI assets."""
    if not finding.check_id.startswith(AI_CHECK_PREFIXES):
        return []
    out: list[Sighting] = []
    for resource in finding.resources:
        parts = resource.uid.split(":", 5)
        if len(parts) != 6 or parts[0] != "arn":
            continue
        resource_type = parts[5].split("/", 1)[0].split(":", 1)[0]
        kind = AI_RESOURCE_KINDS.get((parts[2], resource_type))
        if kind is not None:
            out.append((kind, resource.uid, ()))
    return out
