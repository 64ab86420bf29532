"""The gate's report for people and for CI systems: terminal text, Markdown for a pull-request comment,
JUnit XML (test report panes of GitLab, Jenkins, GitHub actions that read it), SARIF 2.1.0
(code-scanning dashboards) and JSON (``aisma.check/v1``).

JUnit: one test case per rule that found nothing (passed), and one per finding: failed when the rule
is in ``check.fail_on``, skipped ("reported only") otherwise. SARIF: one result per finding, ``error``
when it fails the check, ``warning`` otherwise, pointing at the workspace file and line it is about,
with a stable fingerprint (rule and subject) so a dashboard tracks it from run to run.
"""

from __future__ import annotations

import hashlib
import json
import os
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from aisma.assurance.gate import RULE_BY_ID, RULES, CheckReport, Finding
from aisma.roadmap.render import md_cell

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
MARKDOWN_ROWS_PER_RULE = 50


def aisma_version() -> str:
    try:
        return version("aisma")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree that was not installed
        return "0"


def _v(value: Any) -> str:
    return "n/a" if value is None else str(value)


def verdict_line(report: CheckReport) -> str:
    failing = report.failing
    if not failing:
        return f"aisma check passed: {len(report.findings)} finding(s), none in check.fail_on"
    rules = sorted({f.rule for f in failing}, key=lambda r: RULE_BY_ID[r].exit_code)
    return (
        f"aisma check failed (exit {report.exit_code}): {len(failing)} finding(s) fail the check ({', '.join(rules)})"
    )


def render_text(report: CheckReport) -> str:
    o = report.overall
    lines = [
        f"{report.organization}, assessed {report.assessed_at}: level {_v(o['level'])} (score {_v(o['score'])}), "
        f"evidenced {_v(o['evidenced_level'])} (score {_v(o['evidenced_score'])}), target {_v(o['target_level'])}",
        f"Baseline: {report.baseline or 'none'}"
        + (f" (assessed {report.baseline_assessed_at})" if report.baseline_assessed_at else ""),
    ]
    for rule in RULES:
        found = report.by_rule(rule.id)
        mark = "FAIL" if any(f.failing for f in found) else ("warn" if found else "ok")
        lines.append(f"  {mark:<4} {rule.id} (exit {rule.exit_code}): {len(found)} finding(s)")
        for f in found[:10]:
            lines.append(f"         {f.message}")
        if len(found) > 10:
            lines.append(f"         ... and {len(found) - 10} more (see --markdown, --junit or --sarif)")
    lines += [f"Note: {n}" for n in report.notes]
    lines.append(verdict_line(report))
    return "\n".join(lines) + "\n"


def render_markdown(report: CheckReport) -> str:
    """A pull-request comment: verdict first, one table of the rules, then the findings per rule."""
    o = report.overall
    head = "✅ passed" if report.passed else f"❌ failed (exit {report.exit_code})"
    lines = [
        f"## aisma check: {head}",
        "",
        f"**{md_cell(report.organization)}**, assessed {md_cell(report.assessed_at)}: "
        f"level {_v(o['level'])} (score {_v(o['score'])}), evidenced level {_v(o['evidenced_level'])} "
        f"(score {_v(o['evidenced_score'])}), target {_v(o['target_level'])}. "
        f"Baseline: {md_cell(report.baseline or 'none')}"
        + (f" ({md_cell(report.baseline_assessed_at)})." if report.baseline_assessed_at else "."),
        "",
        "| Check | Result | Findings | Exit code |",
        "|---|---|---|---|",
    ]
    for rule in RULES:
        found = report.by_rule(rule.id)
        gating = rule.id in report.fail_on
        if not found:
            result = "✅ ok"
        elif gating:
            result = "❌ fails"
        else:
            result = "⚠️ reported only"
        lines.append(f"| {rule.title} (`{rule.id}`) | {result} | {len(found)} | {rule.exit_code} |")
    for rule in RULES:
        found = report.by_rule(rule.id)
        if not found:
            continue
        lines += ["", f"### {rule.title}", ""]
        for f in found[:MARKDOWN_ROWS_PER_RULE]:
            where = f"{f.location.file}:{f.location.line}" if f.location.line else f.location.file
            lines.append(f"- {md_cell(f.message)} (`{md_cell(where)}`)")
        if len(found) > MARKDOWN_ROWS_PER_RULE:
            lines.append(f"- ... and {len(found) - MARKDOWN_ROWS_PER_RULE} more (see the SARIF or JUnit report)")
    if report.notes:
        lines += [""] + [f"_Note: {md_cell(n)}_" for n in report.notes]
    return "\n".join(lines) + "\n"


def _timestamp(assessed_at: str) -> str:
    """JUnit's timestamp: ISO 8601 without zone or fraction (the schema's pattern)."""
    return assessed_at.replace("Z", "")[:19]


def render_junit(report: CheckReport, hostname: str = "aisma") -> str:
    failures = sum(1 for f in report.findings if f.failing)
    skipped = sum(1 for f in report.findings if not f.failing)
    cases: list[ET.Element] = []
    for rule in RULES:
        found = report.by_rule(rule.id)
        classname = f"aisma.check.{rule.id}"
        if not found:
            cases.append(ET.Element("testcase", name=f"{rule.id}: no findings", classname=classname, time="0"))
        for f in found:
            case = ET.Element("testcase", name=f"{rule.id}: {f.subject}", classname=classname, time="0")
            if f.failing:
                failure = ET.SubElement(case, "failure", message=f.message, type=rule.id)
                where = f"{f.location.file}:{f.location.line}" if f.location.line else f.location.file
                failure.text = f"{rule.title}\n{f.message}\nat {where}\nexit code {rule.exit_code}"
            else:
                ET.SubElement(case, "skipped", message=f"reported only (not in check.fail_on): {f.message}")
            cases.append(case)
    suite = ET.Element(
        "testsuite",
        name=f"aisma check: {report.organization}",
        timestamp=_timestamp(report.assessed_at),
        hostname=hostname,
        tests=str(len(cases)),
        failures=str(failures),
        errors="0",
        skipped=str(skipped),
        time="0",
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (
        ("organization", report.organization),
        ("assessed_at", report.assessed_at),
        ("baseline", report.baseline or "none"),
        ("exit_code", str(report.exit_code)),
    ):
        ET.SubElement(properties, "property", name=name, value=value)
    suite.extend(cases)
    ET.SubElement(suite, "system-out").text = render_text(report)
    ET.SubElement(suite, "system-err").text = ""
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _fingerprint(f: Finding) -> str:
    return hashlib.sha256(f"{f.rule}\0{f.subject}".encode()).hexdigest()


def _artifact(f: Finding, workspace: Path | None) -> dict[str, Any]:
    """The finding's file relative to the current folder (the repository root in CI) when the workspace
    is inside it, else relative to the workspace under the ``WORKSPACE`` base."""
    if workspace is not None:
        path = (workspace / f.location.file).resolve()
        try:
            return {"uri": path.relative_to(Path(os.getcwd()).resolve()).as_posix()}
        except ValueError:
            pass
    return {"uri": Path(f.location.file).as_posix(), "uriBaseId": "WORKSPACE"}


def render_sarif(report: CheckReport, workspace: Path | None = None) -> str:
    rules = [
        {
            "id": r.id,
            "name": "".join(part.capitalize() for part in r.id.split("_")),
            "shortDescription": {"text": r.title},
            "fullDescription": {"text": r.description},
            "help": {"text": f"{r.description} aisma check exits {r.exit_code} when this rule fails."},
            "defaultConfiguration": {"level": "error" if r.id in report.fail_on else "warning"},
            "properties": {"exit_code": r.exit_code, "tags": ["ai-security", "maturity"]},
        }
        for r in RULES
    ]
    index = {r.id: i for i, r in enumerate(RULES)}
    results = []
    for f in report.findings:
        region = {"region": {"startLine": f.location.line}} if f.location.line else {}
        results.append(
            {
                "ruleId": f.rule,
                "ruleIndex": index[f.rule],
                "level": "error" if f.failing else "warning",
                "message": {"text": f.message},
                "locations": [{"physicalLocation": {"artifactLocation": _artifact(f, workspace), **region}}],
                "partialFingerprints": {"aismaFinding/v1": _fingerprint(f)},
                "properties": {"subject": f.subject},
            }
        )
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "aisma",
                "version": aisma_version(),
                "rules": rules,
            }
        },
        "automationDetails": {"id": f"aisma-check/{report.organization}/"},
        "invocations": [
            {
                "executionSuccessful": True,
                "exitCode": report.exit_code,
                "properties": {"baseline": report.baseline or "none", "assessed_at": report.assessed_at},
            }
        ],
        "results": results,
    }
    if workspace is not None:
        run["originalUriBaseIds"] = {"WORKSPACE": {"uri": workspace.resolve().as_uri() + "/"}}
    log = {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def render_json(report: CheckReport) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
