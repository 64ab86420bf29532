"""The github-copilot collector over GitHub's documented REST response bodies (tests/data/github-copilot).

Variations (an allowed public-code filter, a seat list of several pages, idle seats) are made from
the documented bodies in code, so each test shows what changed.
"""

from __future__ import annotations

import json
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from aisma.assessment import assess
from aisma.collectors.base import CollectContext, CollectionResult, sha256_of
from aisma.collectors.github_copilot import collector
from aisma.collectors.run import collect_workspace, run_collector
from aisma.errors import AismaError
from aisma.inventory.schema import Inventory
from aisma.workspace.loader import assessment_input, open_workspace
from collectors.reading import skipped

DATA = Path(__file__).parent.parent / "data" / "github-copilot" / "octo-org"
AT = datetime(2021, 10, 20, tzinfo=UTC)
BASELINE = "coding_tools.admin_baseline_ratio"
SEATS = "coding_tools.seats.active_ratio"


def body(name: str) -> Any:
    return json.loads((DATA / name).read_text())


def org_folder(root: Path, org: str = "octo-org", **overrides: Any) -> Path:
    """The documented responses of one organization under ``root/ORG/``, dated 2021-10-19 by name;
    ``overrides`` replace a file's body (by file stem, ``-`` as ``_``) or drop it (None)."""
    folder = root / org
    folder.mkdir(parents=True)
    for source in sorted(DATA.glob("*.json")):
        key = source.stem.replace("-", "_")
        if key in overrides and overrides[key] is None:
            continue
        target = folder / f"{source.stem}-2021-10-19.json"
        if key in overrides:
            target.write_text(json.dumps(overrides[key]))
        else:
            shutil.copy(source, target)
    return folder


def collect(paths: list[Path], at: datetime = AT, **settings: Any) -> CollectionResult:
    context = CollectContext(assessed_at=at, settings=settings, root=None)
    return run_collector(collector(), paths, context)


def by_metric(result: CollectionResult, metric: str) -> list[Any]:
    return [m for m in result.measurements if m.metric == metric]


def test_documented_responses_pass_the_baseline(tmp_path: Path) -> None:
    folder = org_folder(tmp_path)
    result = collect(sorted(folder.glob("*.json")))
    assert result.unreadable == ()
    baseline = by_metric(result, BASELINE)
    # One measurement per response that holds a check: the billing (public code filter) and the exclusions.
    assert sorted(Path(m.source.file).name for m in baseline) == [
        "billing-2021-10-19.json",
        "content_exclusion-2021-10-19.json",
    ]
    assert all((m.numerator, m.denominator) == (1, 1) for m in baseline)
    billing = next(m for m in baseline if "billing" in m.source.file)
    assert billing.source.sha256 == sha256_of(folder / "billing-2021-10-19.json")
    assert billing.source.tool == "github-copilot"
    assert billing.observed_at == datetime(2021, 10, 19, tzinfo=UTC)  # the date in the file name
    # The audit log example holds no Copilot event: said, not measured.
    assert any("no copilot.* event" in w for w in result.warnings)


def test_seats_count_recent_use_and_leave_out_cancelled_ones(tmp_path: Path) -> None:
    folder = org_folder(tmp_path)
    seats = folder / "seats-2021-10-19.json"
    # octocat used Copilot on 2021-10-14; octokitten's seat is pending cancellation, so not counted.
    (active,) = by_metric(collect([seats]), SEATS)
    assert (active.numerator, active.denominator, active.details) == (1, 1, ())
    # Half a year later octocat is idle: an unused seat fails, named with its last use.
    (idle,) = by_metric(collect([seats], at=datetime(2022, 5, 1, tzinfo=UTC)), SEATS)
    assert (idle.numerator, idle.denominator) == (0, 1)
    assert idle.details == ("octo-org: octocat: last used 2021-10-14 (no activity in 90 days)",)
    # A shorter window set in aisma.yaml makes the same seat idle sooner.
    (short,) = by_metric(collect([seats], at=datetime(2021, 11, 20, tzinfo=UTC), inactive_days=30), SEATS)
    assert (short.numerator, short.denominator) == (0, 1)


def test_a_seat_granted_inside_the_window_is_not_judged_yet(tmp_path: Path) -> None:
    seats = body("seats.json")
    fresh = dict(seats["seats"][0], created_at="2021-10-01T00:00:00Z", last_activity_at=None)
    never = dict(seats["seats"][0], created_at="2021-01-01T00:00:00Z", last_activity_at=None)
    folder = org_folder(tmp_path, seats={"total_seats": 2, "seats": [fresh, never]})
    (measured,) = by_metric(collect([folder / "seats-2021-10-19.json"]), SEATS)
    assert (measured.numerator, measured.denominator) == (0, 1)
    assert measured.details == ("octo-org: octocat: never used (no activity in 90 days)",)


def test_paginated_seat_list_is_read_page_by_page(tmp_path: Path) -> None:
    """``gh api --paginate`` writes one document per page, one after the other."""
    seats = body("seats.json")
    pages = [{"total_seats": 3, "seats": [seats["seats"][0]]}, {"total_seats": 3, "seats": seats["seats"]}]
    folder = tmp_path / "octo-org"
    folder.mkdir()
    path = folder / "seats.json"
    path.write_text("".join(json.dumps(page) for page in pages))
    (measured,) = by_metric(collect([path]), SEATS)
    assert (measured.numerator, measured.denominator) == (2, 2)


def test_public_code_allowed_and_required_exclusions_missing_fail(tmp_path: Path) -> None:
    billing = dict(body("billing.json"), public_code_suggestions="allow")
    folder = org_folder(tmp_path, billing=billing)
    paths = sorted(folder.glob("*.json"))
    result = collect(paths, required_exclusions=["**/.env*", "/src/some-dir/kernel.rs"])
    baseline = {Path(m.source.file).name.split("-")[0]: m for m in by_metric(result, BASELINE)}
    assert (baseline["billing"].numerator, baseline["billing"].denominator) == (0, 1)
    assert baseline["billing"].details == ("octo-org: suggestions matching public code are allow, not block",)
    # The one rule excludes a path of one repository: present, but the required patterns are not
    # excluded for every repository.
    exclusions = baseline["content_exclusion"]
    assert (exclusions.numerator, exclusions.denominator) == (1, 2)
    assert exclusions.details == ("octo-org: not excluded for every repository: **/.env*, /src/some-dir/kernel.rs",)
    everywhere = {"*": ["**/.env*", "/src/some-dir/kernel.rs"], "octo-repo": ["/secrets/**"]}
    (folder / "content_exclusion-2021-10-19.json").write_text(json.dumps(everywhere))
    result = collect(paths, required_exclusions=["**/.env*"])
    (exclusions,) = [m for m in by_metric(result, BASELINE) if "exclusion" in m.source.file]
    assert (exclusions.numerator, exclusions.denominator) == (2, 2)


def test_no_exclusion_rule_fails_and_a_missing_response_is_said(tmp_path: Path) -> None:
    folder = org_folder(tmp_path, content_exclusion={}, billing=None)
    result = collect(sorted(folder.glob("*.json")))
    (exclusions,) = by_metric(result, BASELINE)
    assert (exclusions.numerator, exclusions.denominator) == (0, 1)
    assert exclusions.details == ("octo-org: no Copilot content exclusion rule",)
    assert "octo-org: no /copilot/billing response, so the public code filter was not checked" in result.warnings


def test_newest_response_of_an_organization_counts(tmp_path: Path) -> None:
    folder = org_folder(tmp_path)
    newer = folder / "billing-2021-10-20.json"
    newer.write_text(json.dumps(dict(body("billing.json"), public_code_suggestions="unconfigured")))
    result = collect([folder / "billing-2021-10-19.json", newer])
    (measured,) = by_metric(result, BASELINE)
    assert Path(measured.source.file).name == "billing-2021-10-20.json"
    assert (measured.numerator, measured.denominator) == (0, 1)
    assert any("older response(s) replaced" in w and "billing-2021-10-19.json" in w for w in result.warnings)


def test_observed_assets_are_the_subscription_and_the_agent_mcp_servers(tmp_path: Path) -> None:
    folder = org_folder(tmp_path)
    result = collect(sorted(folder.glob("*.json")))
    seen = {(a.kind, a.identifier, a.tool, Path(a.file).name) for a in result.observed}
    assert seen == {
        ("endpoint", "github-copilot:octo-org", "github-copilot", "billing-2021-10-19.json"),
        ("endpoint", "github-copilot:octo-org", "github-copilot", "seats-2021-10-19.json"),
        ("mcp_server", "sentry", "mcp-config", "cloud-agent-octo-repo-2021-10-19.json"),
    }
    # No subscription (seats disabled, none assigned): nothing to discover.
    off = dict(body("billing.json"), seat_management_setting="disabled", seat_breakdown={"total": 0})
    folder = org_folder(tmp_path / "off", billing=off, seats={"total_seats": 0, "seats": []})
    result = collect([folder / "billing-2021-10-19.json", folder / "seats-2021-10-19.json"])
    assert result.observed == ()


def test_audit_log_copilot_events_are_listed(tmp_path: Path) -> None:
    events = body("audit-log.json")
    copilot = [
        dict(events[0], action="copilot.cfb_seat_assignment_created", **{"@timestamp": 1634000000000}),
        dict(events[0], action="copilot.cfb_seat_assignment_created", **{"@timestamp": 1634100000000}),
        dict(events[0], action="copilot.content_exclusion_changed", **{"@timestamp": 1634200000000}),
    ]
    folder = org_folder(tmp_path, audit_log=[*events, *copilot])
    result = collect([folder / "audit-log-2021-10-19.json"])
    assert result.measurements == ()
    assert (
        "octo-org: 3 Copilot audit event(s) from 2021-10-12 to 2021-10-14: "
        "copilot.cfb_seat_assignment_created x2, copilot.content_exclusion_changed x1"
    ) in result.warnings


def test_files_that_are_not_copilot_responses_are_skipped_in_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "octo-org"
    folder.mkdir()
    cases = {
        "other.json": '{"results": []}',
        "empty.json": "",
        "truncated.json": '{"seat_breakdown": {"total": 1',
        "deep.json": "[" * 100_000,
        "nan.json": '{"public_code_suggestions": NaN}',
        "mixed.json": json.dumps(body("seats.json")) + json.dumps(body("billing.json")),
    }
    for name, text in cases.items():
        path = folder / name
        path.write_text(text)
        line = skipped(collector(), [path], CollectContext(assessed_at=AT))
        assert line.startswith(str(path)), line
    good = org_folder(tmp_path / "good")
    result = collect([folder / "other.json", good / "billing-2021-10-19.json"])
    assert len(result.unreadable) == 1 and len(by_metric(result, BASELINE)) == 1


def test_a_file_outside_an_organization_folder_needs_the_setting(tmp_path: Path) -> None:
    folder = tmp_path / "github-copilot"
    folder.mkdir()
    path = folder / "billing.json"
    shutil.copy(DATA / "billing.json", path)
    line = skipped(collector(), [path], CollectContext(assessed_at=AT))
    assert "cannot tell which organization" in line and "evidence/github-copilot/ORG/billing.json" in line
    result = collect([path], organization="octo-org")
    assert result.unreadable == () and by_metric(result, BASELINE)[0].details == ()


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"inactive_day": 30}, "collectors.github-copilot.inactive_day is not a setting"),
        ({"inactive_days": 365}, "inactive_days must be a whole number of days from 1 to 90"),
        ({"required_exclusions": "**/.env"}, "required_exclusions must be a list of path patterns"),
        ({"organization": ""}, "organization must be an organization login"),
    ],
)
def test_bad_settings_stop_with_one_line(settings: dict[str, Any], message: str) -> None:
    with pytest.raises(AismaError, match=r"^aisma\.yaml: ") as caught:
        collect([DATA / "billing.json"], **settings)
    assert message in caught.value.message


def test_workspace_assessment_measures_dev_2_1_and_finds_the_unregistered_copilot(tmp_path: Path) -> None:
    root = tmp_path / "ws"
    org_folder(root / "evidence" / "github-copilot")
    for path in (root / "evidence" / "github-copilot").rglob("*.json"):
        os.utime(path, (AT.timestamp(), AT.timestamp()))
    (root / "aisma.yaml").write_text("organization: Octo\ncollectors:\n  github-copilot:\n    inactive_days: 60\n")
    (root / "inventory.yaml").write_text(
        "systems:\n"
        "  - id: copilot-business\n    name: GitHub Copilot Business\n    owner: dev-platform\n"
        "    track: coding_tool\n    deployment_type: api_saas\n    match: ['github-copilot:other-org']\n"
    )
    ws = open_workspace(root)
    collected = collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT)
    result = assess(assessment_input(ws, AT, collected))
    dev21 = next(o for o in result.category("DEV").objectives if o.id == "DEV-2.1")
    assert (dev21.source, dev21.answer) == ("measured", "fully")
    assert dev21.measurement is not None and dev21.measurement.denominator == 2
    unregistered = {u.identifier: u for u in result.unregistered_ai}
    assert unregistered["github-copilot:octo-org"].tools == ("github-copilot",)
    assert unregistered["sentry"].kind == "mcp_server"
    # Registering the organization ties the subscription to the system.
    (root / "inventory.yaml").write_text((root / "inventory.yaml").read_text().replace("other-org", "octo-org"))
    ws = open_workspace(root)
    result = assess(assessment_input(ws, AT, collect_workspace(ws.root, ws.config.collectors, ws.inventory, AT)))
    assert "github-copilot:octo-org" not in {u.identifier for u in result.unregistered_ai}
    assert isinstance(Inventory(), Inventory)
