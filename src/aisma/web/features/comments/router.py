"""Comments over the API: an item's thread, a new comment, and the author's edit and delete (with versions)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from aisma.web.features.comments import service as comments
from aisma.web.features.comments.schemas import CommentEdit, CommentIn, CommentOut, CommentSubject, StaleComment
from aisma.web.pagination import LIST_RESPONSES, PageParams, list_response, slice_page
from aisma.web.routing import WRITE_ERRORS, ObjectId, RowId, stale_as
from aisma.web.schemas import Version
from aisma.web.security import CurrentActor, DbSession

router = APIRouter(prefix="/orgs/{org}/comments", tags=["comments"], responses=WRITE_ERRORS)
STALE: dict[int | str, dict[str, Any]] = {
    409: {"model": StaleComment, "description": "The comment changed since that version."}
}
SubjectPath = Annotated[CommentSubject, Path(description="objective, system or roadmap.")]


@router.get(
    "/{subject}/{item_id}",
    response_model=list[CommentOut],
    summary="The comments on an objective, an AI system or a roadmap item, oldest first",
    responses=LIST_RESPONSES,
)
def list_comments(
    request: Request, page: PageParams, subject: SubjectPath, item_id: ObjectId, session: DbSession, actor: CurrentActor
) -> Response:
    return list_response(
        request, slice_page(comments.list_comments(session, actor, subject, item_id), page), CommentOut
    )


@router.post(
    "/{subject}/{item_id}",
    response_model=CommentOut,
    status_code=201,
    summary="Comment (Markdown; @mentions email the members named)",
)
def add_comment(
    subject: SubjectPath, item_id: ObjectId, body: CommentIn, session: DbSession, actor: CurrentActor
) -> CommentOut:
    return comments.add_comment(session, actor, subject, item_id, body.body)


@router.put("/{comment_id}", response_model=CommentOut, summary="Edit your comment", responses=STALE)
def edit_comment(comment_id: RowId, body: CommentEdit, session: DbSession, actor: CurrentActor) -> CommentOut:
    with stale_as(CommentOut):
        return comments.edit_comment(session, actor, comment_id, body.body, body.version)


@router.delete("/{comment_id}", status_code=204, summary="Delete your comment (owners: any comment)", responses=STALE)
def delete_comment(
    comment_id: RowId,
    session: DbSession,
    actor: CurrentActor,
    version: Annotated[Version, Query(description="The comment version you read.")],
) -> Response:
    with stale_as(CommentOut):
        comments.delete_comment(session, actor, comment_id, version)
    return Response(status_code=204)
