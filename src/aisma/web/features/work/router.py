"""Assignments over the API (list, one, set or clear with its version) and My work (the caller's items
across their organizations; a token's organization only)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aisma.server.errors import NotFound
from aisma.web.features.organizations import service as accounts
from aisma.web.features.work import mywork
from aisma.web.features.work import service as work
from aisma.web.features.work.schemas import AssignmentIn, AssignmentOut, StaleAssignment, Subject, WorkItemOut, WorkKind
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import ERRORS, WRITE_ERRORS, ObjectId, stale_as
from aisma.web.security import CurrentActor, CurrentCaller, DbSession

router = APIRouter(tags=["assignments"], responses=WRITE_ERRORS)
STALE: dict[int | str, dict[str, Any]] = {
    409: {"model": StaleAssignment, "description": "The assignment changed since that version."}
}
SubjectPath = Annotated[Subject, Path(description="objective or roadmap.")]
State = Literal["open", "overdue", "done"]


@router.get(
    "/orgs/{org}/assignments",
    response_model=list[AssignmentOut],
    summary="Assigned objectives and roadmap items, with due dates",
    responses=LIST_RESPONSES,
)
def list_assignments(
    request: Request,
    page: PageParams,
    session: DbSession,
    actor: CurrentActor,
    subject: Annotated[Subject | None, Query(description="Only objectives or only roadmap items.")] = None,
    assignee: Annotated[str | None, Query(max_length=320, description="Only this member's (email).")] = None,
    overdue: Annotated[bool, Query(description="Only the overdue ones.")] = False,
) -> Response:
    listed = [
        a
        for a in work.list_assignments(session, actor, subject)
        if (not assignee or a.assignee.casefold() == assignee.strip().casefold()) and (not overdue or a.overdue)
    ]
    return list_response(request, slice_page(listed, page), AssignmentOut)


@router.get(
    "/orgs/{org}/assignments/{subject}/{item_id}",
    response_model=AssignmentOut,
    summary="One item's assignment (404 when it has none)",
)
def get_assignment(subject: SubjectPath, item_id: ObjectId, session: DbSession, actor: CurrentActor) -> AssignmentOut:
    found = work.get_assignment(session, actor, subject, item_id)
    if found is None:
        work.check_item(session, actor, subject, item_id)  # a wrong id says so
        raise NotFound(f"{item_id} has no assignment")
    return found


@router.put(
    "/orgs/{org}/assignments/{subject}/{item_id}",
    response_model=AssignmentOut,
    summary="Assign an item to a member with a due date, or clear it (assessors and owners)",
    responses=STALE,
)
def assign(
    subject: SubjectPath, item_id: ObjectId, body: AssignmentIn, session: DbSession, actor: CurrentActor
) -> AssignmentOut:
    with stale_as(AssignmentOut):
        return work.assign(session, actor, subject, item_id, body)


@router.get(
    "/me/work",
    response_model=list[WorkItemOut],
    summary="What is assigned to you across your organizations (a token: its organization), overdue first",
    responses={**ERRORS, **LIST_RESPONSES},
)
def my_work(
    request: Request,
    page: PageParams,
    session: DbSession,
    caller: CurrentCaller,
    kind: Annotated[WorkKind | None, Query(description="Only objectives, roadmap items or findings.")] = None,
    state: Annotated[State | None, Query(description="Only open, overdue or done items.")] = None,
) -> Response:
    if caller.token_actor is not None:  # a token acts in its one organization, with its scopes
        actor = caller.token_actor
        org = accounts.get_organization(session, actor)
        items = mywork.ordered(mywork.work_in_org(session, actor, org.name, work.today_or(None)))
    else:
        items = mywork.my_work(session, caller.user)
    listed = mywork.filtered(items, {"kind": kind, "state": state})
    return list_response(request, slice_page(listed, page), WorkItemOut)
