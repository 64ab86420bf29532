"""The CI gate: findings of one assessment result against a policy and a baseline.

Pure functions over result documents (``aisma.result/v1`` dictionaries), so the same rules judge a
workspace in CI (``aisma check``) and a stored snapshot on the server (alerts). Every rule is always
evaluated; the policy's ``fail_on`` decides which findings fail the check. Each rule has its own exit
code; when several fail, the exit code is the first failing rule's in ``RULES`` order (most severe
first), and every finding is listed in the outputs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aisma.workspace.config import CHECK_RULES, CheckPolicy, CheckRule

Doc = dict[str, Any]
EXIT_PASSED = 0


@dataclass(frozen=True)
class Rule:
    id: CheckRule
    exit_code: int
    title: str
    description: str


RULES: tuple[Rule, ...] = (
    Rule(
        "do_not_proceed",
        10,
        "Deployment gated: do not proceed",
        "A system in a gated environment (production by default) needs more maturity than the program has: "
        "its deployment verdict is 'do not proceed'.",
    ),
    Rule(
        "below_target",
        11,
        "Evidenced level below target",
        "A category's evidenced level (measured or evidence-backed answers only) is below its target level.",
    ),
    Rule(
        "regression",
        12,
        "Level or score dropped",
        "An overall or category level, or a score beyond the tolerance, dropped against the baseline assessment.",
    ),
    Rule(
        "unregistered_ai",
        13,
        "New unregistered AI",
        "Tool output shows an AI asset (model, agent, endpoint, MCP server) that no inventory system registers "
        "and that the baseline did not show.",
    ),
    Rule(
        "stale_evidence",
        14,
        "Stale evidence",
        "A measurement is older than its objective's maximum age: it no longer counts as met.",
    ),
    Rule(
        "new_conflicts",
        15,
        "New conflict between attestation and measurement",
        "A measurement contradicts an attested answer by more than one step, and the baseline had no such conflict.",
    ),
)
RULE_BY_ID = {r.id: r for r in RULES}
assert tuple(r.id for r in RULES) == CHECK_RULES


@dataclass(frozen=True)
class Location:
    """Where a finding points: a workspace file (relative to the workspace) and a line, when known."""

    file: str
    line: int | None = None


@dataclass(frozen=True)
class Finding:
    rule: CheckRule
    subject: str  # what the finding is about: a system, category, objective or asset id; stable across runs
    message: str
    location: Location
    failing: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "subject": self.subject,
            "message": self.message,
            "failing": self.failing,
            "file": self.location.file,
            "line": self.location.line,
        }


@dataclass(frozen=True)
class CheckReport:
    organization: str
    assessed_at: str
    baseline: str | None  # what was compared against, e.g. "history/2026-11-16T09-00-00Z.json"
    baseline_assessed_at: str | None
    overall: dict[str, Any]
    findings: tuple[Finding, ...]
    fail_on: tuple[CheckRule, ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def failing(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.failing)

    @property
    def passed(self) -> bool:
        return not self.failing

    @property
    def exit_code(self) -> int:
        failed = {f.rule for f in self.failing}
        return next((r.exit_code for r in RULES if r.id in failed), EXIT_PASSED)

    def by_rule(self, rule: CheckRule) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.rule == rule)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": "aisma.check/v1",
            "organization": self.organization,
            "assessed_at": self.assessed_at,
            "baseline": self.baseline,
            "baseline_assessed_at": self.baseline_assessed_at,
            "passed": self.passed,
            "exit_code": self.exit_code,
            "overall": self.overall,
            "rules": [
                {
                    "id": r.id,
                    "exit_code": r.exit_code,
                    "gating": r.id in self.fail_on,
                    "findings": len(self.by_rule(r.id)),
                }
                for r in RULES
            ],
            "findings": [f.to_dict() for f in self.findings],
            "notes": list(self.notes),
        }


# Where findings point. The workspace runner gives real file lines; the default points at the files.
Locator = Callable[[CheckRule, str, Doc], Location]


def default_locator(rule: CheckRule, subject: str, detail: Doc) -> Location:
    files = {
        "do_not_proceed": "inventory.yaml",
        "new_conflicts": "answers.yaml",
    }
    if rule in ("unregistered_ai", "stale_evidence") and detail.get("file"):
        return Location(str(detail["file"]))
    return Location(files.get(rule, "aisma.yaml"))


def _objectives(doc: Doc) -> Iterable[Doc]:
    for category in doc.get("categories", []):
        yield from category.get("objectives", [])


def _v(value: Any) -> str:
    return "n/a" if value is None else str(value)


def _do_not_proceed(doc: Doc, policy: CheckPolicy, environments: Mapping[str, str]) -> Iterable[tuple[str, str, Doc]]:
    key = "evidenced_verdict" if policy.verdict == "evidenced" else "verdict"
    for gate in doc.get("gating", []):
        system = str(gate.get("system"))
        environment = environments.get(system, "production")
        if gate.get(key) == "do_not_proceed" and environment in policy.environments:
            level = gate.get("evidenced_program_level" if policy.verdict == "evidenced" else "program_level")
            limits = ", ".join(gate.get("limiting_categories") or []) or "n/a"
            yield (
                system,
                f"{gate.get('name') or system} ({environment}, {gate.get('deployment_class')}): do not proceed; "
                f"needs level {_v(gate.get('required_level'))}, the program is at {_v(level)} "
                f"({policy.verdict}; limited by {limits})",
                {},
            )


def _below_target(doc: Doc, policy: CheckPolicy) -> Iterable[tuple[str, str, Doc]]:
    chosen = set(policy.categories)
    for c in doc.get("categories", []):
        target, evidenced = c.get("target_level"), c.get("evidenced_level")
        if chosen and c["id"] not in chosen:
            continue
        if c.get("applicable", True) is False or target is None or evidenced is None:
            continue
        if evidenced < target:
            yield (
                str(c["id"]),
                f"{c['id']} {c.get('title', '')}: evidenced level {evidenced} is below its target {target} "
                f"(claimed level {_v(c.get('level'))})",
                {},
            )


def _drop(before: Any, after: Any, tolerance: float = 0.0) -> bool:
    return isinstance(before, int | float) and isinstance(after, int | float) and after < before - tolerance - 1e-9


def _regression(doc: Doc, baseline: Doc, policy: CheckPolicy) -> Iterable[tuple[str, str, Doc]]:
    before, after = baseline.get("overall", {}), doc.get("overall", {})
    for key, tolerance in (
        ("level", 0.0),
        ("evidenced_level", 0.0),
        ("score", policy.score_tolerance),
        ("evidenced_score", policy.score_tolerance),
    ):
        if _drop(before.get(key), after.get(key), tolerance):
            what = key.replace("_", " ")
            yield f"overall.{key}", f"overall {what} dropped from {before[key]} to {after[key]}", {}
    old = {c["id"]: c for c in baseline.get("categories", [])}
    for c in doc.get("categories", []):
        prior = old.get(c["id"])
        if prior is None:
            continue
        for key in ("level", "evidenced_level"):
            if _drop(prior.get(key), c.get(key)):
                what = key.replace("_", " ")
                yield f"{c['id']}.{key}", f"{c['id']} {what} dropped from {prior[key]} to {c[key]}", {}


def _asset_key(asset: Doc) -> str:
    return f"{asset.get('kind')}:{asset.get('identifier')}"


def _unregistered_total(doc: Doc) -> int:
    """A result's number of unregistered assets (older results listed every one: the list's length)."""
    listed = doc.get("unregistered_ai") or []
    return max(int(doc.get("unregistered_ai_total", len(listed))), len(listed))


def _unregistered(doc: Doc, baseline: Doc | None, notes: list[str]) -> Iterable[tuple[str, str, Doc]]:
    """Unregistered assets the baseline did not show: each listed one, and those beyond the list counted.

    A result lists only the most seen assets (``unregistered_ai_total`` counts all), so against a
    baseline that left some out, a listed asset absent from the baseline's list may have been in it
    unlisted: it is named in a note, not reported. What is certain is reported: an asset absent from a
    complete baseline, and (at least) as many new assets beyond the lists as the counts show.
    """
    listed = doc.get("unregistered_ai") or []
    total = _unregistered_total(doc)
    before = (baseline or {}).get("unregistered_ai") or []
    known = {_asset_key(a) for a in before}
    baseline_total = _unregistered_total(baseline) if baseline is not None else 0
    complete = baseline is None or baseline_total <= len(before)
    maybe = 0
    for asset in listed:
        key = _asset_key(asset)
        if key in known:
            continue
        if not complete:
            maybe += 1
            continue
        files = asset.get("files") or []
        tools = ", ".join(asset.get("tools") or []) or "tool output"
        yield (
            key,
            f"unregistered {asset.get('kind')} {asset.get('identifier')}: seen {asset.get('seen', '?')} time(s) by "
            f"{tools}; no inventory system matches it",
            {"file": files[0] if files else None},
        )
    if maybe:
        notes.append(
            f"{maybe:,} listed unregistered asset(s) are not in the baseline's list, which held {len(before):,} "
            f"of its {baseline_total:,}: they may be new"
        )
    unlisted = total - len(listed)
    if unlisted <= 0:
        return
    if baseline is None:
        new = unlisted
    elif complete:  # every baseline asset is known: those not among the listed are at most the rest
        new = unlisted - (baseline_total - len(known & {_asset_key(a) for a in listed}))
    else:  # at least as many are new as the total grew, less the listed ones that may be
        new = total - baseline_total - maybe
    if new > 0:
        yield (
            "unregistered_ai:unlisted",
            f"{'' if baseline is None else 'at least '}{new:,} more new unregistered AI asset(s), not listed in the "
            f"result (it lists the {len(listed):,} most seen of {total:,})",
            {},
        )
    else:
        notes.append(
            f"{unlisted:,} unregistered asset(s) beyond the result's list of {len(listed):,}: "
            "the counts do not show whether any is new"
        )


def _stale(doc: Doc) -> Iterable[tuple[str, str, Doc]]:
    for o in _objectives(doc):
        measurement = o.get("measurement") or {}
        if o.get("applicable") is False or not (measurement.get("fresh") is False or o.get("stale") is True):
            continue
        sources = measurement.get("sources") or []
        file = next((s.get("file") for s in sources if s.get("file")), None)
        yield (
            str(o["id"]),
            f"{o['id']}: {measurement.get('metric', 'its measurement')} observed at "
            f"{measurement.get('observed_at', '?')} is past its maximum age; it no longer counts as met",
            {"file": file},
        )


def _conflicts(doc: Doc, baseline: Doc | None) -> Iterable[tuple[str, str, Doc]]:
    known = {o["id"] for o in _objectives(baseline or {}) if o.get("conflict")}
    for o in _objectives(doc):
        conflict = o.get("conflict")
        if conflict and o["id"] not in known:
            yield str(o["id"]), f"{o['id']}: {conflict.get('message', 'attestation contradicted')}", {}


def evaluate(
    doc: Doc,
    policy: CheckPolicy,
    *,
    baseline: Doc | None = None,
    baseline_name: str | None = None,
    environments: Mapping[str, str] | None = None,
    locate: Locator = default_locator,
) -> CheckReport:
    """Judge ``doc`` (the current result) by ``policy``, against ``baseline`` (an earlier result) if given.

    ``environments`` maps system id to its inventory environment (a result's gating does not carry it);
    a system not in it counts as production. Without a baseline, nothing can have dropped, and every
    unregistered asset and every conflict is new.
    """
    notes: list[str] = []
    found: list[tuple[CheckRule, Iterable[tuple[str, str, Doc]]]] = [
        ("do_not_proceed", _do_not_proceed(doc, policy, environments or {})),
        ("below_target", _below_target(doc, policy)),
    ]
    if baseline is not None:
        if baseline.get("model", {}).get("id") != doc.get("model", {}).get("id"):
            notes.append(
                f"the baseline was assessed with model {baseline.get('model', {}).get('id')}, this one with "
                f"{doc.get('model', {}).get('id')}: levels are compared by category id"
            )
        found.append(("regression", _regression(doc, baseline, policy)))
    else:
        notes.append("no baseline: nothing to compare levels against; every unregistered asset and conflict is new")
    found += [
        ("unregistered_ai", _unregistered(doc, baseline, notes)),
        ("stale_evidence", _stale(doc)),
        ("new_conflicts", _conflicts(doc, baseline)),
    ]
    findings = tuple(
        Finding(rule, subject, message, locate(rule, subject, detail), failing=rule in policy.fail_on)
        for rule, items in found
        for subject, message, detail in items
    )
    overall = doc.get("overall", {})
    return CheckReport(
        organization=str(doc.get("organization", "")),
        assessed_at=str(doc.get("assessed_at", "")),
        baseline=baseline_name,
        baseline_assessed_at=str(baseline.get("assessed_at")) if baseline is not None else None,
        overall={k: overall.get(k) for k in ("level", "score", "evidenced_level", "evidenced_score", "target_level")},
        findings=findings,
        fail_on=policy.fail_on,
        notes=tuple(notes),
    )
