"""The prowler collector on Prowler's real OCSF output and on findings generated in the same shape.

The real example outputs have no Bedrock or SageMaker rows, so the findings of the AI checks are
written here from the AWS example finding (the template: every field Prowler writes) and Prowler's
own check metadata (title, severity, resource type). Expected numbers are computed from the raw JSON
with the catalog's rule, read from the catalog's ``compute`` lines, never by calling the collector.
"""

from __future__ import annotations

import copy
import json
import re
import tracemalloc
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
import yaml

from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.prowler import collector
from aisma.collectors.prowler.checks import METRIC_CHECKS, METRIC_CHECKS_OTHER_CLOUDS, NEUTRAL_TWINS
from aisma.errors import AismaError
from aisma.formats import jsonstream
from aisma.inventory.schema import AISystem, Inventory
from aisma.maturity.catalogs import metric_catalog
from aisma.maturity.loader import builtin_model_path, load_model_file
from aisma.scoring.inputs import ANSWER_STEPS, Measurement
from aisma.scoring.objectives import threshold_answer
from aisma.workspace.loader import open_workspace
from collectors.reading import skipped

DATA = Path(__file__).parent.parent / "data" / "prowler"
REAL = sorted(DATA.glob("example_output_*.ocsf.json"))
CHECK_METADATA = {
    path.name.removesuffix(".metadata.json"): json.loads(path.read_text())
    for path in sorted((DATA / "check-metadata").glob("*.metadata.json"))
}
TEMPLATE: dict[str, Any] = json.loads((DATA / "example_output_aws.ocsf.json").read_text())[0]
AT = datetime(2026, 11, 16, 9, tzinfo=UTC)
SCAN = datetime(2026, 11, 14, 2, 11, 37, 408112, tzinfo=UTC)
ACCOUNT = "123456789012"
VERSION = "5.14.1"
# Metrics with prowler among their producers that this collector leaves to others: discovery's two
# (aisma.inventory.discovery reads the same files) and one that needs traces and findings together.
NOT_HERE = {"inventory.discovery.registered_ratio", "inventory.unregistered.count", "otel.retired_systems.silent_ratio"}
BANK = Path(__file__).parents[2] / "src" / "aisma" / "examples" / "bank"


# ----------------------------------------------------------------------------------------- helpers
def arn(kind: str, name: str, service: str = "bedrock", region: str = "eu-central-1") -> str:
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{kind}/{name}"


def make(
    check: str,
    uid: str,
    status: str = "PASS",
    *,
    muted: bool = False,
    when: datetime = SCAN,
    region: str = "eu-central-1",
    more: Sequence[str] = (),
) -> dict[str, Any]:
    """A Detection Finding as Prowler writes it: the real AWS example finding with this check's values."""
    raw = copy.deepcopy(TEMPLATE)
    meta = CHECK_METADATA.get(check, {})
    raw["metadata"]["event_code"] = check
    raw["metadata"]["product"]["version"] = VERSION
    raw["finding_info"]["title"] = raw["finding_info"]["desc"] = meta.get("CheckTitle", check)
    raw["finding_info"]["uid"] = f"prowler-aws-{check}-{ACCOUNT}-{region}-{uid.rsplit('/', 1)[-1]}"
    raw["finding_info"]["created_time"] = raw["time"] = int(when.timestamp())
    raw["finding_info"]["created_time_dt"] = raw["time_dt"] = when.replace(tzinfo=None).isoformat()
    raw["severity"] = str(meta.get("Severity", "medium")).capitalize()
    raw["status_code"] = status
    raw["status"], raw["status_id"] = ("Suppressed", 3) if muted else ("New", 1)
    raw["status_detail"] = raw["message"] = f"{meta.get('CheckTitle', check)}: {status} for {uid}."
    raw["cloud"]["account"]["uid"] = ACCOUNT
    raw["cloud"]["region"] = region
    resources = []
    for identifier in (uid, *more):
        resource = copy.deepcopy(TEMPLATE["resources"][0])
        name = identifier.rsplit("/", 1)[-1]
        resource.update(uid=identifier, name=name, region=region, type=meta.get("ResourceType", "Other"))
        resource["group"]["name"] = check.split("_", 1)[0]
        resource["data"]["metadata"].update(arn=identifier, name=name, region=region)
        resources.append(resource)
    raw["resources"] = resources
    return raw


def rows_of_every_metric() -> list[dict[str, Any]]:
    """A scan touching every measured check: duplicates, several resources, muted, MANUAL, other checks."""
    gr = [arn("guardrail", f"gr{i}x9vq2mfe7d") for i in range(1, 4)]
    ag = [arn("agent", f"AGENT0000{i}") for i in range(1, 3)]
    role = [f"arn:aws:iam::{ACCOUNT}:role/ai-role-{i}" for i in range(1, 3)]
    user = [f"arn:aws:iam::{ACCOUNT}:user/ml-user-{i}" for i in range(1, 3)]
    notebook = arn("notebook-instance", "nb-1", "sagemaker")
    job = arn("training-job", "tj-1", "sagemaker")
    model = arn("model", "m-1", "sagemaker")
    trail = f"arn:aws:cloudtrail:eu-central-1:{ACCOUNT}:trail/org-trail"
    table = [
        ("bedrock_guardrails_configured", arn("guardrail", "summary"), "PASS"),
        ("bedrock_guardrail_prompt_attack_filter_enabled", gr[0], "PASS"),
        ("bedrock_guardrail_prompt_attack_filter_enabled", gr[1], "PASS"),
        ("bedrock_guardrail_prompt_attack_filter_enabled", gr[2], "FAIL"),
        ("bedrock_guardrail_sensitive_information_filter_enabled", gr[0], "PASS"),
        ("bedrock_guardrail_sensitive_information_filter_enabled", gr[1], "FAIL"),
        ("bedrock_guardrail_sensitive_information_filter_enabled", gr[2], "FAIL"),
        ("bedrock_guardrail_contextual_grounding_filter_enabled", gr[0], "FAIL"),
        ("bedrock_guardrail_contextual_grounding_filter_enabled", gr[1], "PASS"),
        ("bedrock_guardrail_contextual_grounding_filter_enabled", gr[2], "MANUAL"),
        ("bedrock_agent_guardrail_enabled", ag[0], "PASS"),
        ("bedrock_agent_guardrail_enabled", ag[1], "FAIL"),
        ("bedrock_agent_role_least_privilege", ag[0], "FAIL"),
        ("bedrock_agent_role_least_privilege", ag[1], "PASS"),
        ("bedrock_agent_role_not_shared_across_agents", ag[0], "PASS"),
        ("bedrock_agent_role_not_shared_across_agents", ag[1], "PASS"),
        ("bedrock_api_key_no_administrative_privileges", user[0], "PASS"),
        ("bedrock_full_access_policy_attached", role[0], "PASS"),
        ("bedrock_full_access_policy_attached", role[0], "PASS"),  # reported twice: one resource
        ("bedrock_full_access_policy_attached", role[1], "FAIL"),
        ("iam_role_access_not_stale_to_bedrock", role[0], "PASS"),
        ("iam_role_access_not_stale_to_bedrock", role[0], "FAIL"),  # one FAIL fails the resource
        ("bedrock_model_invocation_logging_enabled", arn("model-invocation-logging", "x").rsplit("/", 1)[0], "PASS"),
        ("bedrock_model_invocation_logs_encryption_enabled", arn("unknown", "x").rsplit("/", 1)[0], "FAIL"),
        ("cloudtrail_bedrock_logging_enabled", trail, "PASS"),
        ("bedrock_vpc_endpoints_configured", arn("vpc", "vpc-1", "ec2"), "PASS"),
        ("bedrock_vpc_endpoints_configured", arn("vpc", "vpc-2", "ec2"), "FAIL"),
        ("sagemaker_models_network_isolation_enabled", model, "PASS"),
        ("sagemaker_models_vpc_settings_configured", model, "FAIL"),
        ("bedrock_custom_model_encrypted_with_cmk", arn("custom-model", "cm-1"), "PASS"),
        ("bedrock_knowledge_base_encrypted_with_cmk", arn("knowledge-base", "KB00000001"), "PASS"),
        ("bedrock_prompt_encrypted_with_cmk", arn("prompt", "PR00000001"), "FAIL"),
        ("sagemaker_endpoint_config_kms_encryption_enabled", arn("endpoint-config", "ec-1", "sagemaker"), "PASS"),
        ("sagemaker_notebook_instance_encryption_enabled", notebook, "FAIL"),
        ("sagemaker_models_registry_in_use", arn("model-package-group", "summary", "sagemaker"), "PASS"),
        ("sagemaker_models_monitor_enabled", model, "FAIL"),
        ("sagemaker_clarify_exists", arn("processing-job", "summary", "sagemaker"), "FAIL"),
        ("sagemaker_endpoint_config_prod_variant_instances", arn("endpoint-config", "ec-1", "sagemaker"), "PASS"),
        ("sagemaker_endpoint_config_prod_variant_instances", arn("endpoint-config", "ec-2", "sagemaker"), "FAIL"),
        ("sagemaker_notebook_instance_root_access_disabled", notebook, "FAIL"),
        ("sagemaker_notebook_instance_without_direct_internet_access_configured", notebook, "FAIL"),
        ("sagemaker_notebook_instance_vpc_settings_configured", notebook, "FAIL"),
        ("sagemaker_notebook_instance_no_secrets", notebook, "PASS"),
        ("sagemaker_domain_sso_configured", arn("domain", "d-1", "sagemaker"), "PASS"),
        ("sagemaker_training_jobs_network_isolation_enabled", job, "PASS"),
        ("sagemaker_training_jobs_vpc_settings_configured", job, "PASS"),
        ("sagemaker_training_jobs_intercontainer_encryption_enabled", job, "FAIL"),
        ("sagemaker_training_jobs_volume_and_output_encryption_enabled", job, "PASS"),
        ("cloudtrail_threat_detection_llm_jacking", trail, "PASS"),
        ("organizations_opt_out_ai_services_policy", "arn:aws:organizations::123456789012:organization/o-1", "FAIL"),
        ("bedrock_prompt_management_exists", arn("prompt", "summary"), "FAIL"),  # measured by no metric
        ("s3_bucket_default_encryption", "arn:aws:s3:::some-bucket", "FAIL"),  # not an AI check
    ]
    rows = [
        make(check, uid, status, when=SCAN + timedelta(seconds=3 * i)) for i, (check, uid, status) in enumerate(table)
    ]
    rows.append(
        make("bedrock_guardrails_configured", arn("guardrail", "summary", region="eu-west-1"), "FAIL", muted=True)
    )
    rows.append(make("bedrock_api_key_no_long_term_credentials", user[0], "FAIL", more=[user[1]]))
    return rows


def catalog_checks() -> dict[str, list[str]]:
    """Each prowler metric's checks as its catalog ``compute`` line names them (ids and ``prefix_*`` globs)."""
    known = set(CHECK_METADATA)
    out: dict[str, list[str]] = {}
    for metric, spec in metric_catalog().items():
        if "prowler" not in spec.producers or metric in NOT_HERE or metric in NEUTRAL_TWINS:
            continue
        tokens = re.findall(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?:_\*)?", spec.compute)
        out[metric] = [t for t in tokens if t in known or t.endswith("_*")]
    return out


def expected(rows: Iterable[dict[str, Any]], count_muted: bool = False) -> dict[str, tuple[int, int]]:
    """metric -> (PASS resources, PASS + FAIL resources): a resource fails a check if any finding fails."""
    results: dict[str, dict[tuple[str, str], bool]] = {}
    for row in rows:
        if row["status_code"] not in ("PASS", "FAIL") or (row["status_id"] == 3 and not count_muted):
            continue
        for resource in row["resources"]:
            seen = results.setdefault(row["metadata"]["event_code"], {})
            key = (resource["uid"], resource["region"])
            seen[key] = seen.get(key, False) or row["status_code"] == "FAIL"
    out: dict[str, tuple[int, int]] = {}
    for metric, patterns in catalog_checks().items():
        checks = [c for c in results if any(fnmatchcase(c, p) for p in patterns)]
        total = sum(len(results[c]) for c in checks)
        if total:
            out[metric] = (sum(not failed for c in checks for failed in results[c].values()), total)
    return out


def measured(result: CollectionResult) -> dict[str, tuple[int, int]]:
    out: dict[str, tuple[int, int]] = {}
    for m in result.measurements:
        assert m.numerator is not None and m.denominator is not None and m.denominator > 0
        passed, total = out.get(m.metric, (0, 0))
        out[m.metric] = (passed + int(m.numerator), total + int(m.denominator))
    return out


def collect(paths: Sequence[Path], **kwargs: Any) -> CollectionResult:
    """The collection with the provider-neutral twins checked equal to their AWS-named metric, then left out."""
    return without_twins(collector().collect(list(paths), CollectContext(assessed_at=AT, **kwargs)))


def without_twins(result: CollectionResult) -> CollectionResult:
    by_key = {(m.metric, m.source.file): m for m in result.measurements}
    twins = [m for m in result.measurements if m.metric in NEUTRAL_TWINS]
    for m in twins:
        aws = by_key[(NEUTRAL_TWINS[m.metric], m.source.file)]
        assert (m.numerator, m.denominator, m.details, m.observed_at, m.source) == (
            aws.numerator,
            aws.denominator,
            aws.details,
            aws.observed_at,
            aws.source,
        )
    expected_twins = [m for m in result.measurements if m.metric in set(NEUTRAL_TWINS.values())]
    assert len(twins) == len(expected_twins)
    return replace(result, measurements=tuple(m for m in result.measurements if m.metric not in NEUTRAL_TWINS))


def write_json(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(rows, indent=2))
    return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows))
    return path


def one_line_error(paths: Sequence[Path], *fragments: str) -> str:
    message = skipped(collector(), paths, CollectContext(assessed_at=AT))
    for fragment in fragments:
        assert fragment in message
    return message


# ----------------------------------------------------------------------------------------- the mapping
def test_every_check_is_a_real_prowler_check_and_every_ai_check_is_measured() -> None:
    patterns = [p for checks in METRIC_CHECKS.values() for p in checks]
    for pattern in patterns:
        assert any(fnmatchcase(check, pattern) for check in CHECK_METADATA), pattern
    unmeasured = {c for c in CHECK_METADATA if not any(fnmatchcase(c, p) for p in patterns)}
    # A region-level adoption signal that no catalog metric uses.
    assert unmeasured == {"bedrock_prompt_management_exists"}


def test_metrics_are_the_catalogs_and_use_the_checks_its_compute_lines_name() -> None:
    meta = collector().meta
    assert set(meta.metrics) == set(METRIC_CHECKS) == set(catalog_checks()) | set(NEUTRAL_TWINS)
    for neutral, twin in NEUTRAL_TWINS.items():
        assert METRIC_CHECKS[neutral] == METRIC_CHECKS[twin] + METRIC_CHECKS_OTHER_CLOUDS.get(neutral, ())
        for check in METRIC_CHECKS_OTHER_CLOUDS.get(neutral, ()):
            assert check in metric_catalog()[neutral].compute, (neutral, check)
        assert "prowler" in metric_catalog()[neutral].producers and twin in metric_catalog()[neutral].compute
    for metric, checks in catalog_checks().items():
        assert sorted(METRIC_CHECKS[metric]) == sorted(checks), metric


# ----------------------------------------------------------------------------------------- real files
def test_real_prowler_outputs_have_no_ai_checks_and_say_so() -> None:
    result = collect(REAL)
    assert result.measurements == ()
    assert result.warnings == tuple(
        f"{path}: none of its {len(json.loads(path.read_text()))} findings is a PASS or FAIL of a measured check"
        for path in REAL
    )


def test_real_aws_output_with_generated_ai_findings_appended(tmp_path: Path) -> None:
    """The real file stays as Prowler wrote it; AI findings added in its shape are measured, the rest ignored."""
    raw = json.loads((DATA / "example_output_aws.ocsf.json").read_text())
    rows = [
        *raw,
        make("bedrock_agent_guardrail_enabled", arn("agent", "AGENT00001"), "PASS"),
        make("bedrock_agent_guardrail_enabled", arn("agent", "AGENT00002"), "FAIL"),
    ]
    result = collect([write_json(tmp_path / "scan.ocsf.json", rows)])
    assert measured(result) == {"prowler.bedrock.agent_guardrail_ratio": (1, 2)}
    (m,) = result.measurements
    assert m.source.version == "<prowler_version>"  # the real file's first finding names the version
    assert m.observed_at == SCAN  # newer than the example's 2025 timestamps
    assert m.details == (f"bedrock_agent_guardrail_enabled: {arn('agent', 'AGENT00002')}",)


# ----------------------------------------------------------------------------------------- happy path
@pytest.mark.parametrize("writer", [write_json, write_jsonl], ids=["json-array", "json-lines"])
def test_every_metric_per_resource(tmp_path: Path, writer: Any) -> None:
    rows = rows_of_every_metric()
    path = writer(tmp_path / "scan.ocsf.json", rows)
    result = collect([path])
    assert measured(result) == expected(rows)
    assert set(measured(result)) == set(METRIC_CHECKS) - set(NEUTRAL_TWINS)
    # The rule by hand, for the two mixed metrics: configured 1/1 (eu-west-1 muted), prompt attack
    # 2/3, sensitive information 1/3, contextual grounding 1/2 (a MANUAL row is no result).
    assert measured(result)["prowler.bedrock.guardrails_ratio"] == (5, 9)
    # least privilege 1/2, not shared 2/2, admin key 1/1, long-term keys 0/2 (one finding, two users),
    # full access 1/2 (a role reported twice counts once), not stale 0/1 (PASS and FAIL: FAIL).
    assert measured(result)["prowler.ai_iam.pass_ratio"] == (5, 10)
    assert measured(result)["prowler.organizations.ai_opt_out_ratio"] == (0, 1)
    newest = max(datetime.fromisoformat(r["time_dt"]).replace(tzinfo=UTC) for r in rows)
    for m in result.measurements:
        assert m.observed_at == newest
        assert (m.source.tool, m.source.version, m.source.file) == ("prowler", VERSION, str(path))
        assert m.source.sha256 == sha256_of(path)
    assert result.warnings == (f"{path}: 1 muted finding of measured checks excluded",)


def test_failing_resources_are_the_details_named_with_their_system(tmp_path: Path) -> None:
    agent = arn("agent", "FRTRIAGE7Q")
    rows = [
        make("bedrock_agent_role_least_privilege", agent, "FAIL"),
        make("bedrock_agent_role_least_privilege", arn("agent", "OTHER00001"), "FAIL"),
        make("bedrock_agent_role_least_privilege", arn("agent", "GOOD000001"), "PASS"),
    ]
    system = AISystem(
        id="fraud-agent", name="Fraud agent", track="build", deployment_type="paas", match=("*agent/FRTRIAGE*",)
    )
    result = collect([write_json(tmp_path / "a.json", rows)], inventory=Inventory(systems=(system,)))
    by_metric = {m.metric: m for m in result.measurements}
    assert by_metric["prowler.bedrock.agent_role_least_privilege_ratio"].details == (
        f"bedrock_agent_role_least_privilege: {agent} [fraud-agent]",
        f"bedrock_agent_role_least_privilege: {arn('agent', 'OTHER00001')}",
    )


def test_one_account_wide_arn_in_two_regions_is_two_resources(tmp_path: Path) -> None:
    """Prowler reports regional invocation logging under the account's ARN: the region tells them apart."""
    account = f"arn:aws:iam::{ACCOUNT}:root"
    rows = [
        make("bedrock_model_invocation_logging_enabled", account, "PASS", region="eu-central-1"),
        make("bedrock_model_invocation_logging_enabled", account, "FAIL", region="eu-west-1"),
    ]
    (m,) = collect([write_json(tmp_path / "a.json", rows)]).measurements
    assert (m.numerator, m.denominator) == (1, 2)
    assert m.details == (f"bedrock_model_invocation_logging_enabled: {account} (eu-west-1)",)


def test_details_are_capped_at_twenty(tmp_path: Path) -> None:
    rows = [make("bedrock_agent_guardrail_enabled", arn("agent", f"AGENT{i:05}"), "FAIL") for i in range(45)]
    (m,) = collect([write_json(tmp_path / "a.json", rows)]).measurements
    assert (m.numerator, m.denominator, len(m.details)) == (0, 45, 20)


def test_muted_findings_are_excluded_unless_count_muted(tmp_path: Path) -> None:
    rows = [
        make("bedrock_vpc_endpoints_configured", arn("vpc", "vpc-1", "ec2"), "PASS"),
        make("bedrock_vpc_endpoints_configured", arn("vpc", "vpc-2", "ec2"), "FAIL", muted=True),
        make("bedrock_vpc_endpoints_configured", arn("vpc", "vpc-3", "ec2"), "FAIL", muted=True),
        make("bedrock_vpc_endpoints_configured", arn("vpc", "vpc-3", "ec2"), "PASS"),  # unmuted result counts
    ]
    path = write_json(tmp_path / "a.json", rows)
    excluded = collect([path])
    assert measured(excluded) == expected(rows) == {"prowler.ai_network.isolation_ratio": (2, 2)}
    assert excluded.warnings == (f"{path}: 2 muted findings of measured checks excluded",)
    counted = collect([path], settings={"count_muted": True})
    assert measured(counted) == expected(rows, count_muted=True) == {"prowler.ai_network.isolation_ratio": (1, 3)}
    assert counted.warnings == (f"{path}: 2 muted findings of measured checks counted by their status (count_muted)",)


def test_a_bad_setting_is_one_line(tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", [make("bedrock_agent_guardrail_enabled", arn("agent", "A"), "PASS")])
    with pytest.raises(AismaError, match=r"collectors\.prowler\.count_muted must be true or false"):
        collect([path], settings={"count_muted": "yes"})


def test_only_results_make_a_metric(tmp_path: Path) -> None:
    rows = [make("organizations_opt_out_ai_services_policy", "arn:aws:organizations::1:organization/o-1", "MANUAL")]
    path = write_json(tmp_path / "a.json", rows)
    result = collect([path])
    assert result.measurements == ()
    assert result.warnings == (f"{path}: none of its 1 findings is a PASS or FAIL of a measured check",)
    empty_array = tmp_path / "none.json"
    empty_array.write_text("[]")
    assert collect([empty_array]).measurements == ()


def test_observed_time_falls_back_from_time_dt_to_time_to_the_file(tmp_path: Path) -> None:
    late = datetime(2026, 11, 15, 8, 30, tzinfo=UTC)
    first = make("cloudtrail_threat_detection_llm_jacking", "arn:aws:cloudtrail:eu-central-1:1:trail/t", "PASS")
    second = make("cloudtrail_threat_detection_llm_jacking", "arn:aws:cloudtrail:eu-west-1:1:trail/t", "PASS")
    del second["time_dt"]
    second["time"] = int(late.timestamp())
    (m,) = collect([write_json(tmp_path / "a.json", [first, second])]).measurements
    assert m.observed_at == late
    for row in (first, second):
        row.pop("time_dt", None)
        row.pop("time")
    path = write_json(tmp_path / "b.json", [first, second])
    (m,) = collect([path]).measurements
    assert m.observed_at == datetime.fromtimestamp(path.stat().st_mtime, tz=UTC).replace(microsecond=0)


def test_files_merge_and_the_newer_scan_of_a_resource_wins(tmp_path: Path) -> None:
    vpc1, vpc2, vpc3 = (arn("vpc", f"vpc-{i}", "ec2") for i in (1, 2, 3))
    check = "bedrock_vpc_endpoints_configured"
    later = SCAN + timedelta(days=1)
    old = write_json(tmp_path / "monday.ocsf.json", [make(check, vpc1, "FAIL"), make(check, vpc2, "FAIL")])
    new = write_jsonl(
        tmp_path / "tuesday.ocsf.jsonl", [make(check, vpc1, "PASS", when=later), make(check, vpc3, "PASS", when=later)]
    )
    progress: list[int] = []
    result = without_twins(collector().collect([old, new], CollectContext(assessed_at=AT, progress=progress.append)))
    by_file = {Path(m.source.file).name: m for m in result.measurements}
    # vpc-1 counts once, as the newer scan saw it; vpc-2 only the older scan saw.
    assert (by_file["monday.ocsf.json"].numerator, by_file["monday.ocsf.json"].denominator) == (0, 1)
    assert (by_file["tuesday.ocsf.jsonl"].numerator, by_file["tuesday.ocsf.jsonl"].denominator) == (2, 2)
    assert by_file["monday.ocsf.json"].details == (f"{check}: {vpc2}",)
    assert by_file["monday.ocsf.json"].observed_at == SCAN
    assert by_file["tuesday.ocsf.jsonl"].observed_at == later
    assert by_file["tuesday.ocsf.jsonl"].source.sha256 == sha256_of(new)
    assert result.warnings == (f"{old}: 1 resource result also in a newer file, counted there",)
    assert progress == [old.stat().st_size, new.stat().st_size]
    # The order the files come in does not matter.
    again = collect([new, old])
    assert sorted((m.source.file, m.numerator, m.denominator) for m in again.measurements) == sorted(
        (m.source.file, m.numerator, m.denominator) for m in result.measurements
    )


def test_one_scan_split_in_two_files_keeps_fail_winning(tmp_path: Path) -> None:
    check = "bedrock_agent_guardrail_enabled"
    a = write_json(tmp_path / "part1.json", [make(check, arn("agent", "A1"), "FAIL")])
    b = write_json(tmp_path / "part2.json", [make(check, arn("agent", "A1"), "PASS")])
    result = collect([a, b])
    assert measured(result) == {"prowler.bedrock.agent_guardrail_ratio": (0, 1)}
    (m,) = result.measurements
    assert Path(m.source.file).name == "part1.json" and m.details == (f"{check}: {arn('agent', 'A1')}",)


# ----------------------------------------------------------------------------------------- bad input
def test_truncated_file_is_one_line_and_nothing_is_written(tmp_path: Path) -> None:
    text = json.dumps(rows_of_every_metric())
    path = tmp_path / "scan.ocsf.json"
    path.write_text(text[: len(text) // 2])
    before = sorted(p.name for p in tmp_path.iterdir())
    one_line_error([path], str(path), "truncated or invalid JSON", "expected Prowler OCSF findings")
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    lines = tmp_path / "scan.ocsf.jsonl"
    lines.write_text(json.dumps(make("bedrock_agent_guardrail_enabled", "x")) + "\n" + '{"metadata": {"event_')
    one_line_error([lines], str(lines), "truncated or invalid JSON")


@pytest.mark.parametrize("content", ["", " \n\n"], ids=["empty", "blank"])
def test_empty_file_is_one_line(tmp_path: Path, content: str) -> None:
    path = tmp_path / "scan.ocsf.json"
    path.write_text(content)
    one_line_error([path], str(path), "the file is empty", "expected Prowler OCSF findings")


def test_another_tools_file_is_one_line(tmp_path: Path) -> None:
    traces = tmp_path / "traces.json"
    traces.write_text(json.dumps({"resourceSpans": [{"resource": {}, "scopeSpans": []}]}))
    one_line_error([traces], str(traces), "item 1 is not a Detection Finding", "(OTLP traces?)")
    sarif = tmp_path / "results.json"
    sarif.write_text(json.dumps({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "Semgrep"}}}]}))
    one_line_error([sarif], str(sarif), "item 1 is not a Detection Finding", "expected Prowler OCSF findings")
    yaml_file = tmp_path / "scan.json"
    yaml_file.write_text("findings:\n  - a\n")
    one_line_error([yaml_file], str(yaml_file), "found no JSON array or object")


# ----------------------------------------------------------------------------------------- streaming
STREAM_CHECKS = (
    "bedrock_agent_guardrail_enabled",
    "bedrock_agent_role_least_privilege",
    "iam_role_access_not_stale_to_bedrock",
    "sagemaker_notebook_instance_root_access_disabled",
)


def write_findings(path: Path, count: int, resources: int, pretty: bool) -> Path:
    """``count`` findings of four measured checks over ``resources`` distinct resources, as Prowler or compact."""
    with path.open("w") as handle:
        handle.write("[")
        for i in range(count):
            # Only the fields the reader uses, so the test spends its time streaming, not allocating.
            row = {
                "metadata": {"event_code": STREAM_CHECKS[i % 4], "product": {"version": VERSION}},
                "status_code": "FAIL" if i % 7 == 0 else "PASS",
                "status_id": 3 if i % 100 == 1 else 1,
                "time": int(SCAN.timestamp()) + i % 3600,
                "resources": [{"uid": f"arn:aws:bedrock:eu-central-1:{ACCOUNT}:agent/A{i % resources:09}"}],
            }
            # Prowler's layout joins findings indented by 4 with "," (``\n},{``); compact has no newline at all.
            handle.write(("," if i else "") + json.dumps(row, indent=4 if pretty else None))
        handle.write("]")
    return path


def peak_bytes(path: Path) -> tuple[int, CollectionResult]:
    tracemalloc.start()
    try:
        result = collect([path])
        return tracemalloc.get_traced_memory()[1], result
    finally:
        tracemalloc.stop()


@pytest.mark.slow
@pytest.mark.parametrize("pretty", [True, False], ids=["prowler-layout", "compact"])
def test_findings_stream_in_flat_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pretty: bool) -> None:
    """Four times the findings cost no more memory; four times the resources cost a few hundred bytes per
    resource (its result in the ledger, the asset discovery reports) and no more. Batches are shrunk so that these small files hold dozens of them, as a
    scan of a whole organization holds hundreds of the real size."""
    monkeypatch.setattr(jsonstream, "BATCH_BYTES", 32 << 10)
    monkeypatch.setattr(jsonstream, "DECODE_LIMIT", 64 << 10)
    n = 5000
    flat = [peak_bytes(write_findings(tmp_path / f"same-{k}.json", k * n, 400, pretty)) for k in (1, 4)]
    # Where batches happen to be cut moves the peak by a few hundred KB; 40 bytes kept per finding is 600 KB.
    assert flat[1][0] < flat[0][0] * 1.2 + 200_000, f"peaks {flat[0][0]} and {flat[1][0]} bytes"
    count = 4 * n
    counted = [i for i in range(count) if i % 100 != 1]
    result = flat[1][1]
    assert result.warnings == (
        f"{tmp_path / 'same-4.json'}: {count // 100} muted findings of measured checks excluded",
    )
    distinct = [peak_bytes(write_findings(tmp_path / f"distinct-{k}.json", k * n, k * n, pretty)) for k in (1, 4)]
    per_resource = (distinct[1][0] - distinct[0][0]) / (3 * n)
    # The ledger's ~100 bytes, and the observed asset (an AI resource discovery reports): its ARN, key, tally.
    assert per_resource < 500, f"{per_resource:.0f} bytes per resource"
    want = {
        "prowler.bedrock.agent_guardrail_ratio": [i for i in counted if i % 4 == 0],
        "prowler.bedrock.agent_role_least_privilege_ratio": [i for i in counted if i % 4 == 1],
        "prowler.ai_iam.pass_ratio": [i for i in counted if i % 4 in (1, 2)],
        "prowler.ai_workspace.hardening_ratio": [i for i in counted if i % 4 == 3],
    }
    assert measured(distinct[1][1]) == {m: (sum(1 for i in ids if i % 7), len(ids)) for m, ids in want.items()}


# ----------------------------------------------------------------------------------------- demo
def test_bank_demo_evidence_agrees_with_the_banks_attestations() -> None:
    """The generated demo scans measure within one answer step of what answers.yaml attests."""
    workspace = open_workspace(BANK)
    paths = sorted(p for p in (BANK / "evidence" / "prowler").iterdir() if p.suffix in (".json", ".jsonl"))
    # The objectives name the provider-neutral twins: keep them (collect() checks and drops them).
    context = CollectContext(assessed_at=AT, inventory=workspace.inventory, root=BANK)
    result = collector().collect(paths, context)
    without_twins(result)
    merged: dict[str, list[Measurement]] = {}
    for m in result.measurements:
        merged.setdefault(m.metric, []).append(m)
    answers = yaml.safe_load((BANK / "answers.yaml").read_text())["answers"]
    checked = 0
    for objective in load_model_file(builtin_model_path()).objectives():
        metric = objective.measurement.metric
        if metric not in merged:
            continue
        value = sum(m.numerator or 0 for m in merged[metric]) / sum(m.denominator or 0 for m in merged[metric])
        word = threshold_answer(objective, value)
        raw = answers.get(objective.id)
        attested = raw["answer"] if isinstance(raw, dict) else raw
        if attested in ANSWER_STEPS:
            assert abs(ANSWER_STEPS[attested] - ANSWER_STEPS[word]) <= 1, (objective.id, attested, word, value)
            checked += 1
    assert checked >= 12
