"""Findings as files: a plain table (CSV or XLSX), and CSV that issue trackers import.

- ``jira``: Jira's CSV importer (Cloud and Data Center): a header row with ``Summary`` and no
  punctuation in the headers, people as email addresses, several ``Labels`` columns for several
  labels; dates as ``yyyy-MM-dd`` (give that format in the importer's date setting). Priority maps
  critical -> Highest, high -> High, medium -> Medium, low -> Low; status to To Do, In Progress, Done.
- ``github``: the columns ``title,body,labels,state`` that github-csv-tools (``githubCsvTools``)
  reads to create issues through GitHub's API: labels comma-separated without spaces, ``state``
  ``closed`` for a resolved or accepted finding. GitHub assigns issues by login, not email, so the
  owner is named in the body instead.
Every text cell is guarded against formula injection like every other export.
"""

from __future__ import annotations

from fastapi.responses import Response

from aisma.web import listing
from aisma.web.features.findings.schemas import FindingOut

HEADER = (
    "id", "kind", "title", "objective", "severity", "status", "owner", "due", "detail", "created_by", "created_at",
    "updated_at", "assessment_id", "closed_by_assessment_id", "roadmap_phase",
)  # fmt: skip
JIRA_HEADER = (
    "Summary", "Description", "Issue Type", "Priority", "Due Date", "Assignee", "Status", "Labels", "Labels", "Labels",
)  # fmt: skip
GITHUB_HEADER = ("title", "body", "labels", "state")
JIRA_PRIORITY = {"critical": "Highest", "high": "High", "medium": "Medium", "low": "Low"}
JIRA_STATUS = {"open": "To Do", "in_progress": "In Progress", "resolved": "Done", "accepted": "Done"}
FORMATS = ("csv", "xlsx", "jira", "github")


def plain_row(f: FindingOut) -> list[object]:
    return [
        f.id, f.kind, f.title, f.objective_id, f.severity, f.status, f.owner, f.due, f.detail, f.created_by,
        f.created_at, f.updated_at, f.assessment_id, f.closed_by_assessment_id, f.roadmap.phase if f.roadmap else None,
    ]  # fmt: skip


def _body(f: FindingOut, org_slug: str) -> str:
    lines = [f.detail] if f.detail else []
    if f.objective_id:
        lines.append(f"Blocks objective {f.objective_id}.")
    if f.roadmap:
        lines.append(f"On the roadmap: phase {f.roadmap.phase}, {f.roadmap.phase_title}.")
    lines.append(f"Severity {f.severity}; status {f.status}" + (f"; owner {f.owner}" if f.owner else "") + ".")
    lines.append(f"aisma finding {f.id} ({f.kind}) of organization {org_slug}, recorded by {f.created_by}.")
    return "\n".join(lines)


def jira_row(f: FindingOut, org_slug: str) -> list[object]:
    return [
        f.title, _body(f, org_slug), "Task", JIRA_PRIORITY[f.severity], f.due.isoformat() if f.due else "", f.owner,
        JIRA_STATUS[f.status], "aisma", f"aisma-{f.kind.replace('_', '-')}", f.objective_id,
    ]  # fmt: skip


def github_row(f: FindingOut, org_slug: str) -> list[object]:
    labels = ["aisma", f.kind.replace("_", "-"), f"severity:{f.severity}"]
    state = "closed" if f.status in ("resolved", "accepted") else "open"
    return [f.title, _body(f, org_slug), ",".join(labels), state]


def export(fmt: str, org_slug: str, items: list[FindingOut]) -> Response:
    """The download for ``fmt`` (one of ``FORMATS``), for the page and the API alike."""
    if fmt in ("jira", "github"):
        header, row = (JIRA_HEADER, jira_row) if fmt == "jira" else (GITHUB_HEADER, github_row)
        return listing.export("csv", f"{org_slug}-findings-{fmt}", header, items, lambda f: row(f, org_slug))
    return listing.export(fmt, f"{org_slug}-findings", HEADER, items, plain_row)
