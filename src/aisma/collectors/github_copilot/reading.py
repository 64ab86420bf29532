"""Read one saved GitHub REST response (``gh api ... > file.json``) into the body the rules take.

``gh api --paginate`` writes one JSON document per page, one after the other (objects for the seat
list, arrays for the audit log), so a file is read as a sequence of documents, each built whole and
bounded by the readers' limits (``aisma.formats.limits``: a page of 100 seats is some 150 KB). The
organization is the folder the file sits in (``evidence/github-copilot/ORG/billing.json``), because
the bodies do not name it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aisma.collectors.github_copilot.rules import Kind, kind_of
from aisma.errors import AismaError
from aisma.formats.jsonstream import open_json, values

EXPECTED = (
    "a GitHub REST response saved from /orgs/ORG/copilot/billing, /copilot/billing/seats, "
    "/copilot/content_exclusion, /orgs/ORG/audit-log or /repos/ORG/REPO/copilot/cloud-agent/configuration"
)


@dataclass(frozen=True)
class Response:
    """One file's response: its kind, the organization (and repository) it describes, its merged body."""

    kind: Kind
    org: str
    body: Any  # billing, content_exclusion, cloud_agent: the object; seats: the seat list; audit_log: events
    repo: str = ""


def organization(path: Path, evidence_dir: str, default: str | None) -> str:
    folder = path.parent.name
    if folder and folder != evidence_dir:
        return folder
    if default:
        return default
    raise AismaError(
        f"{path}: cannot tell which organization this describes; save it as "
        f"evidence/{evidence_dir}/ORG/{path.name} or set collectors.{evidence_dir}.organization"
    )


def read_response(path: Path, evidence_dir: str, default_org: str | None = None) -> Response:
    """The response in ``path``; one AismaError line for anything that is not one of the documented bodies."""
    documents: list[Any] = []
    with open_json(path, EXPECTED) as (handle, _first):
        documents.extend(values(handle))
    kind = kind_of(documents[0], path.name.casefold()) if documents else None
    if kind is None:
        raise AismaError(f"{path}: not a GitHub Copilot REST response; expected {EXPECTED}")
    if any(kind_of(d, path.name.casefold()) != kind for d in documents[1:]):
        raise AismaError(f"{path}: pages of different responses in one file; expected one {kind} response per file")
    org = organization(path, evidence_dir, default_org)
    if kind == "seats":
        return Response(kind, org, [seat for page in documents for seat in page["seats"]])
    if kind == "audit_log":
        return Response(kind, org, [event for page in documents for event in page])
    if len(documents) > 1:
        raise AismaError(f"{path}: {len(documents)} JSON documents; a {kind} response is one object")
    body = documents[0]
    if kind == "cloud_agent":
        return Response(kind, org, body, repo=path.stem.removeprefix("cloud-agent-").removeprefix("cloud_agent_"))
    return Response(kind, org, body)
