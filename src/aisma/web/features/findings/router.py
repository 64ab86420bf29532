"""Findings over the API: list (filtered, paged), an auditor's remark, derive from the latest
assessment, change one (with its version), and the issue-tracker exports."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from aisma.web import listing
from aisma.web.features.findings import exports
from aisma.web.features.findings import service as findings
from aisma.web.features.findings.schemas import (
    DeriveOut,
    FindingChange,
    FindingOut,
    Kind,
    RemarkIn,
    Severity,
    StaleFinding,
    Status,
)
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS, RowId, stale_as
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}/findings", tags=["findings"], responses=WRITE_ERRORS)
STALE: dict[int | str, dict[str, Any]] = {
    409: {"model": StaleFinding, "description": "The finding changed since that version."}
}


@router.get("", response_model=list[FindingOut], summary="Findings, newest first", responses=LIST_RESPONSES)
def list_findings(
    request: Request,
    page: PageParams,
    session: DbSession,
    actor: CurrentActor,
    status: Annotated[Status | None, Query(description="Only findings in this status.")] = None,
    kind: Annotated[Kind | None, Query(description="Only this kind.")] = None,
    severity: Annotated[Severity | None, Query(description="Only this severity.")] = None,
    owner: Annotated[str | None, Query(max_length=320, description="Only findings owned by this email.")] = None,
) -> Response:
    listed = findings.filtered(
        findings.list_findings(session, actor), {"status": status, "kind": kind, "severity": severity, "owner": owner}
    )
    return list_response(request, slice_page(listed, page), FindingOut)


@router.post("", response_model=FindingOut, status_code=201, summary="Record an auditor's remark as a finding")
def create_remark(body: RemarkIn, session: DbSession, actor: CurrentActor) -> FindingOut:
    return findings.create_remark(session, actor, body)


@router.get(
    "/export",
    summary="Every finding that matches as a file: csv, xlsx, or CSV for Jira's or github-csv-tools' import",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}, listing.EXPORT_FORMATS["xlsx"]: {}}}},
)
def export_findings(
    session: DbSession,
    actor: CurrentActor,
    format: Annotated[Literal["csv", "xlsx", "jira", "github"], Query(description="What to write.")] = "csv",
    status: Annotated[Status | None, Query(description="Only findings in this status.")] = None,
) -> Response:
    listed = findings.filtered(findings.list_findings(session, actor), {"status": status})
    return exports.export(format, actor.org_slug, listed)


@router.post(
    "/derive",
    response_model=DeriveOut,
    summary="A finding for every gap, conflict and failed measurement of the latest assessment not recorded yet",
)
def derive(session: DbSession, actor: CurrentActor) -> DeriveOut:
    return findings.derive(session, actor)


@router.get("/{finding_id}", response_model=FindingOut, summary="One finding")
def get_finding(finding_id: RowId, session: DbSession, actor: CurrentActor) -> FindingOut:
    return findings.get_finding(session, actor, finding_id)


@router.put(
    "/{finding_id}",
    response_model=FindingOut,
    summary="Change a finding's severity, status, owner or due date",
    responses=STALE,
)
def change_finding(finding_id: RowId, body: FindingChange, session: DbSession, actor: CurrentActor) -> FindingOut:
    with stale_as(FindingOut):
        return findings.change_finding(session, actor, finding_id, body)
