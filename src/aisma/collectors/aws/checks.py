"""The rules the ``aws`` collector applies to what it read: plain functions over API response dicts.

The guardrail filter and invocation-logging rules follow Prowler's checks of the same names, so the
co-produced ``prowler.bedrock.*`` metrics mean the same thing whichever tool measured them. The
retention rule is the catalog's: the tier's minimum against CloudWatch Logs ``retentionInDays`` or the
S3 lifecycle expiration that applies to the log objects, where no expiration counts as forever.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, date, datetime
from fnmatch import fnmatchcase
from typing import Any

from aisma.inventory.matching import matches
from aisma.inventory.schema import AISystem

# Records an invocation log must be kept for, by risk tier (the catalog's compute line).
TIER_DAYS = {"LOW": 90, "MEDIUM": 365, "HIGH": 3 * 365, "CRITICAL": 7 * 365}

BEDROCK_RESOURCE_TYPES = frozenset(
    {
        "AWS::Bedrock::AgentAlias",
        "AWS::Bedrock::FlowAlias",
        "AWS::Bedrock::Guardrail",
        "AWS::Bedrock::InlineAgent",
        "AWS::Bedrock::KnowledgeBase",
        "AWS::Bedrock::Model",
        "AWS::Bedrock::Prompt",
    }
)
BEDROCK_EVENT_SOURCES = frozenset(
    {
        "bedrock.amazonaws.com",
        "bedrock-agent.amazonaws.com",
        "bedrock-runtime.amazonaws.com",
        "bedrock-agent-runtime.amazonaws.com",
        "bedrock-data-automation.amazonaws.com",
        "bedrock-data-automation-runtime.amazonaws.com",
    }
)
MASKING_ACTIONS = frozenset({"BLOCK", "ANONYMIZE"})


# --- guardrail filters ------------------------------------------------------------------------------
def prompt_attack_high(guardrail: Mapping[str, Any]) -> bool:
    """A PROMPT_ATTACK content filter on input at HIGH strength (weaker strengths miss known attacks)."""
    for item in (guardrail.get("contentPolicy") or {}).get("filters") or []:
        if item.get("type") == "PROMPT_ATTACK" and item.get("inputEnabled") is not False:
            return bool(item.get("inputStrength") == "HIGH")
    return False


def sensitive_information(guardrail: Mapping[str, Any]) -> bool:
    """At least one PII entity or regex that blocks or masks, in either direction."""
    policy = guardrail.get("sensitiveInformationPolicy") or {}
    for item in [*(policy.get("piiEntities") or []), *(policy.get("regexes") or [])]:
        actions = {item.get("action"), item.get("inputAction"), item.get("outputAction")}
        if actions & MASKING_ACTIONS and not (item.get("inputEnabled") is False and item.get("outputEnabled") is False):
            return True
    return False


def contextual_grounding(guardrail: Mapping[str, Any]) -> bool | None:
    """GROUNDING and RELEVANCE filters that run, block, and have a threshold above 0.

    None when the filters are there but omit ``enabled`` or ``action`` (AWS documents no default),
    so the answer is unknown rather than a pass or a fail; such guardrails are left out of the ratio.
    """
    filters = {
        item.get("type"): item for item in (guardrail.get("contextualGroundingPolicy") or {}).get("filters") or []
    }
    unknown = False
    for kind in ("GROUNDING", "RELEVANCE"):
        item = filters.get(kind)
        if item is None or item.get("enabled") is False:
            return False
        if item.get("action") not in (None, "BLOCK") or not (item.get("threshold") or 0) > 0:
            return False
        unknown = unknown or item.get("action") is None or item.get("enabled") is None
    return None if unknown else True


def missing_filters(guardrail: Mapping[str, Any]) -> list[str]:
    """The recommended filters a guardrail lacks, in words, for warnings about enforced guardrails."""
    missing = []
    if not prompt_attack_high(guardrail):
        missing.append("prompt attack (HIGH)")
    if not sensitive_information(guardrail):
        missing.append("sensitive information")
    if contextual_grounding(guardrail) is False:
        missing.append("contextual grounding")
    return missing


# --- CloudTrail -------------------------------------------------------------------------------------
def trail_logs_bedrock(selectors: Mapping[str, Any]) -> bool:
    """Whether a trail's event selectors record Bedrock API calls (management writes or data events)."""
    for selector in selectors.get("EventSelectors") or []:
        if selector.get("IncludeManagementEvents", True) and selector.get("ReadWriteType", "All") in (
            "All",
            "WriteOnly",
        ):
            return True
    for selector in selectors.get("AdvancedEventSelectors") or []:
        fields = selector.get("FieldSelectors") or []
        if _admits(fields, "eventCategory", "Management"):
            read_only = [f for f in fields if f.get("Field") == "readOnly"]
            writes = not read_only or _admits(fields, "readOnly", "false")
            sources = [f for f in fields if f.get("Field") == "eventSource"]
            if writes and (not sources or any(_admits(fields, "eventSource", s) for s in BEDROCK_EVENT_SOURCES)):
                return True
        if _admits(fields, "eventCategory", "Data") and any(
            _admits(fields, "resources.type", kind) for kind in BEDROCK_RESOURCE_TYPES
        ):
            return True
    return False


def _admits(fields: Sequence[Mapping[str, Any]], name: str, value: str) -> bool:
    """Every field selector on ``name`` lets ``value`` through (and there is at least one)."""
    on_field = [f for f in fields if f.get("Field") == name]
    return bool(on_field) and all(_condition(f, value) for f in on_field)


def _condition(selector: Mapping[str, Any], value: str) -> bool:
    tests: dict[str, Callable[[list[str]], bool]] = {
        "Equals": lambda xs: value in xs,
        "NotEquals": lambda xs: value not in xs,
        "StartsWith": lambda xs: any(value.startswith(x) for x in xs),
        "NotStartsWith": lambda xs: not any(value.startswith(x) for x in xs),
        "EndsWith": lambda xs: any(value.endswith(x) for x in xs),
        "NotEndsWith": lambda xs: not any(value.endswith(x) for x in xs),
    }
    return all(test(selector[key]) for key, test in tests.items() if key in selector)


# --- retention --------------------------------------------------------------------------------------
def s3_log_prefix(key_prefix: str, account: str, region: str) -> str:
    """The key prefix Bedrock writes invocation logs under in the bucket (region folders sit below)."""
    base = f"{key_prefix.strip('/')}/" if key_prefix.strip("/") else ""
    return f"{base}AWSLogs/{account}/BedrockModelInvocationLogs/"


def lifecycle_retention(rules: Iterable[Mapping[str, Any]], log_prefix: str, today: datetime) -> int | None:
    """Days the log objects survive under a bucket's lifecycle rules; None when no rule expires them.

    A rule applies when it is enabled, has no tag condition (Bedrock does not tag its log objects) and
    its prefix overlaps the log prefix. An expiration date counts as the days left until it.
    """
    shortest: int | None = None
    for rule in rules:
        if rule.get("Status") != "Enabled" or not _applies(rule, log_prefix):
            continue
        expiration = rule.get("Expiration") or {}
        days: int | None = None
        if expiration.get("Days") is not None:
            days = int(expiration["Days"])
        elif expiration.get("Date") is not None:
            days = max(0, (_as_date(expiration["Date"]) - today.astimezone(UTC).date()).days)
        if days is not None and (shortest is None or days < shortest):
            shortest = days
    return shortest


def _applies(rule: Mapping[str, Any], log_prefix: str) -> bool:
    condition = rule.get("Filter") or {}
    conjunction = condition.get("And") or {}
    if condition.get("Tag") or conjunction.get("Tags"):
        return False
    prefix = str(rule.get("Prefix") or condition.get("Prefix") or conjunction.get("Prefix") or "")
    return log_prefix.startswith(prefix) or prefix.startswith(log_prefix)


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.astimezone(UTC).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).date()


def describe_days(days: int | None) -> str:
    return "never expires" if days is None else f"{days} days"


# --- inventory --------------------------------------------------------------------------------------
def runs_in(system: AISystem, account: str, region: str) -> bool:
    """A system runs in an account and region when one of its match patterns is a Bedrock ARN pattern
    whose region and account fields match them (globs allowed), or it matches ``aws:ACCOUNT:REGION``."""
    if matches(system, f"aws:{account}:{region}"):
        return True
    for pattern in system.match:
        fields = pattern.casefold().split(":")
        if len(fields) < 6 or fields[0] != "arn":
            continue
        if (
            fnmatchcase("bedrock", fields[2])
            and fields[3]
            and fnmatchcase(region.casefold(), fields[3])
            and fnmatchcase(account, fields[4] or "*")
        ):
            return True
    return False
