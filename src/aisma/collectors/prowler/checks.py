"""Which Prowler checks feed which aisma metric, exactly as the metric catalog's ``compute`` lines say.

Kept as data, apart from the reading code, so a reviewer can hold it against the catalog line by line
and a test can hold every check id against Prowler's own check metadata. Entries are ``fnmatch``
patterns because the catalog names one family by prefix (``bedrock_guardrail_*``: every filter check
of a guardrail, including ones Prowler adds later). A check may feed several metrics (an agent's
least-privilege check is also an AI IAM check).
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from functools import lru_cache

METRIC_CHECKS_AWS: dict[str, tuple[str, ...]] = {
    "prowler.bedrock.guardrails_ratio": ("bedrock_guardrails_configured", "bedrock_guardrail_*"),
    "prowler.bedrock.prompt_attack_filter_ratio": ("bedrock_guardrail_prompt_attack_filter_enabled",),
    "prowler.bedrock.sensitive_info_filter_ratio": ("bedrock_guardrail_sensitive_information_filter_enabled",),
    "prowler.bedrock.contextual_grounding_filter_ratio": ("bedrock_guardrail_contextual_grounding_filter_enabled",),
    "prowler.bedrock.agent_guardrail_ratio": ("bedrock_agent_guardrail_enabled",),
    "prowler.bedrock.invocation_logging_ratio": (
        "bedrock_model_invocation_logging_enabled",
        "bedrock_model_invocation_logs_encryption_enabled",
        "cloudtrail_bedrock_logging_enabled",
    ),
    "prowler.ai_iam.pass_ratio": (
        "bedrock_agent_role_least_privilege",
        "bedrock_agent_role_not_shared_across_agents",
        "bedrock_api_key_no_administrative_privileges",
        "bedrock_api_key_no_long_term_credentials",
        "bedrock_full_access_policy_attached",
        "iam_role_access_not_stale_to_bedrock",
    ),
    "prowler.agent_identity.unique_role_ratio": ("bedrock_agent_role_not_shared_across_agents",),
    "prowler.bedrock.agent_role_least_privilege_ratio": ("bedrock_agent_role_least_privilege",),
    "prowler.ai_network.isolation_ratio": (
        "sagemaker_models_network_isolation_enabled",
        "sagemaker_models_vpc_settings_configured",
        "bedrock_vpc_endpoints_configured",
    ),
    "prowler.ai_encryption.pass_ratio": (
        "bedrock_custom_model_encrypted_with_cmk",
        "bedrock_knowledge_base_encrypted_with_cmk",
        "bedrock_prompt_encrypted_with_cmk",
        "sagemaker_endpoint_config_kms_encryption_enabled",
        "sagemaker_notebook_instance_encryption_enabled",
    ),
    "prowler.sagemaker.model_registry_ratio": ("sagemaker_models_registry_in_use",),
    "prowler.sagemaker.model_monitor_ratio": ("sagemaker_models_monitor_enabled", "sagemaker_clarify_exists"),
    "prowler.sagemaker.endpoint_redundancy_ratio": ("sagemaker_endpoint_config_prod_variant_instances",),
    "prowler.ai_workspace.hardening_ratio": (
        "sagemaker_notebook_instance_root_access_disabled",
        "sagemaker_notebook_instance_without_direct_internet_access_configured",
        "sagemaker_notebook_instance_vpc_settings_configured",
        "sagemaker_notebook_instance_no_secrets",
        "sagemaker_domain_sso_configured",
        "sagemaker_training_jobs_network_isolation_enabled",
        "sagemaker_training_jobs_vpc_settings_configured",
        "sagemaker_training_jobs_intercontainer_encryption_enabled",
        "sagemaker_training_jobs_volume_and_output_encryption_enabled",
    ),
    "prowler.threat_detection.llm_jacking_ratio": ("cloudtrail_threat_detection_llm_jacking",),
    "prowler.organizations.ai_opt_out_ratio": ("organizations_opt_out_ai_services_policy",),
}

# The provider-neutral metrics the model's objectives name (platform.*): each counts the same checks as its
# AWS-named twin, which stays for models that name it. Their catalog entries say what other producers count.
NEUTRAL_TWINS: dict[str, str] = {
    "platform.guardrails.checks_ratio": "prowler.bedrock.guardrails_ratio",
    "platform.guardrails.prompt_attack_filter_ratio": "prowler.bedrock.prompt_attack_filter_ratio",
    "platform.guardrails.sensitive_info_filter_ratio": "prowler.bedrock.sensitive_info_filter_ratio",
    "platform.guardrails.grounding_filter_ratio": "prowler.bedrock.contextual_grounding_filter_ratio",
    "platform.agents.guardrail_ratio": "prowler.bedrock.agent_guardrail_ratio",
    "platform.models.registry_ratio": "prowler.sagemaker.model_registry_ratio",
    "platform.models.monitoring_ratio": "prowler.sagemaker.model_monitor_ratio",
    "platform.endpoints.redundancy_ratio": "prowler.sagemaker.endpoint_redundancy_ratio",
    "platform.invocation_logging_ratio": "prowler.bedrock.invocation_logging_ratio",
    "platform.network.isolation_ratio": "prowler.ai_network.isolation_ratio",
    "platform.identity.pass_ratio": "prowler.ai_iam.pass_ratio",
}
# Prowler's checks on other clouds that concern AI, counted in the provider-neutral metrics only (the
# AWS-named twins stay AWS). Azure: AI Search, the retrieval service of Azure AI Foundry, reachable
# only through private endpoints. Google Cloud: the Gemini (Generative Language) API, which
# authenticates with API keys instead of IAM, disabled in each project, and every API key of a
# project where it is enabled restricted to it alone. Microsoft 365 has one AI-adjacent check
# (purview_audit_log_search_enabled); no catalog metric measures a copilot's audit logging, so it is
# not counted (docs/collectors.md says so).
METRIC_CHECKS_OTHER_CLOUDS: dict[str, tuple[str, ...]] = {
    "platform.network.isolation_ratio": ("aisearch_service_not_publicly_accessible",),
    "platform.identity.pass_ratio": ("gemini_api_disabled", "apikeys_api_restricted_with_gemini_api"),
}
METRIC_CHECKS: dict[str, tuple[str, ...]] = {
    **METRIC_CHECKS_AWS,
    **{
        neutral: METRIC_CHECKS_AWS[twin] + METRIC_CHECKS_OTHER_CLOUDS.get(neutral, ())
        for neutral, twin in NEUTRAL_TWINS.items()
    },
}


@lru_cache(maxsize=2048)  # bounded: a file may carry any number of made-up check ids
def metrics_for(check_id: str) -> tuple[str, ...]:
    """The metrics a check feeds; empty for the hundreds of Prowler checks aisma does not measure."""
    return tuple(
        metric
        for metric, patterns in METRIC_CHECKS.items()
        if any(fnmatchcase(check_id, pattern) for pattern in patterns)
    )
